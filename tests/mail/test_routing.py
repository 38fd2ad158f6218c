"""Who is told what as versioned data per programme: the default table is the handbook's SOP
byte for byte, a PD's edit is a new audited version that only that programme's emails
follow, and the rules hold against hostile edits, refused or written straight to the rows."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from absences.models import Absence
from clic.accounts.models import Role
from clic.audit.models import AuditEvent
from clic.mail.catalogue import BY_CODE, Recipient
from clic.mail.examples import example_context
from clic.mail.models import OutboundEmail, RoutingRow, RoutingTable
from clic.mail.routing import (
    CCG_ADMIN_SICKNESS_RULE,
    MUST_REACH,
    SICKNESS_DATES_RULE,
    TABLE_CODES,
    current_table,
    default_table,
    health_data_context,
    replace_table,
    routing_row_problems,
)
from clic.mail.services import render_email, render_sop_email, routing_row_save, sop_notify
from tests import factories
from tests.fixtures.people import give_role

pytestmark = pytest.mark.django_db

R = Recipient


def _row(table, code) -> RoutingRow:
    return table.rows.get(code=code)


def _edit(world, code, by=None, **changes):
    """Save the world programme's row with some fields changed, through the service."""
    row = _row(current_table(world.programme.pk), code)
    values = {"recipients": row.recipients, "reply_to": row.reply_to,
              "subject": row.subject_template, "text": row.text_template, **changes}
    return routing_row_save(programme=world.programme, code=code, by=by or world.pd, **values)


def _written_straight_to_the_rows(programme, code, **fields) -> RoutingTable:
    """A table version made without the service (an admin screen, a bad script): what the
    rules must survive."""
    base = default_table()
    table = RoutingTable.objects.create(
        programme=programme, version=RoutingTable.objects.filter(programme=programme).count() + 90)
    RoutingRow.objects.bulk_create([replace_table(row, table, **(fields if row.code == code else {}))
                                    for row in base.rows.all()])
    return table


def _sickness(world, code="S6", note="Migraine, please keep private"):
    absence = Absence.objects.create(placement=world.placement, kind=Absence.Kind.SICKNESS,
                                     first_day=world.cohort.start_date, note=note)
    return sop_notify(code=code, event_key=f"hostile:{code}", about=absence,
                      placement=world.placement,
                      context={"days": [world.cohort.start_date], "note": note, "reason": note,
                               "absence": absence})


@pytest.mark.parametrize("code", TABLE_CODES)
def test_default_table_words_every_row_byte_for_byte_as_the_template_files(code):
    catalogue_row = BY_CODE[code]
    context = example_context(catalogue_row)
    if catalogue_row.health_data:
        context = health_data_context(context)

    from_files = render_email(catalogue_row.template, context)
    from_table = render_sop_email(catalogue_row, _row(default_table(), code), example_context(
        catalogue_row))

    assert from_table == from_files


@pytest.mark.parametrize("code", TABLE_CODES)
def test_every_handbook_row_passes_the_checks_an_edit_must_pass(code):
    row = _row(default_table(), code)

    assert routing_row_problems(BY_CODE[code], recipients=row.recipients,
                                reply_to=row.reply_to, subject=row.subject_template,
                                text=row.text_template) == {}


def test_every_outbox_row_records_the_table_version_that_made_it(world):
    emails = sop_notify(code="S14", event_key="concern:1", about=world.placement,
                        placement=world.placement)
    table = current_table(world.programme.pk)

    assert table.programme_id is None and table.version == 1
    assert {email.routing_table_id for email in emails} == {table.pk}


def test_an_edit_is_a_new_audited_version_that_only_its_programme_follows(world):
    other_placement = factories.PlacementFactory()
    before = sop_notify(code="S6", event_key="before", about=world.placement,
                        placement=world.placement, context={"days": [world.cohort.start_date]})

    saved = _edit(world, "S6", recipients=[R.PD.value],
                  subject="Off sick: {{ trainee.full_name }}")

    assert (saved.programme, saved.version, saved.created_by) == (world.programme, 1, world.pd)
    assert saved.change == ("S6: recipients, subject changed, starting from the default "
                            "table's version 1.")
    assert _row(default_table(), "S6").recipients == [R.PA.value, R.PD.value]
    after = sop_notify(code="S6", event_key="after", about=world.placement,
                       placement=world.placement, context={"days": [world.cohort.start_date]})
    assert [(email.to_email, email.subject, email.routing_table_id) for email in after] == [
        (world.pd.email, f"Off sick: {world.trainee.full_name}", saved.pk)]
    assert {email.to_email for email in before} == {world.pa.email, world.pd.email}
    assert OutboundEmail.objects.filter(idempotency_key__startswith="before:",
                                        routing_table__programme__isnull=True).count() == 2
    elsewhere = sop_notify(code="S6", event_key="elsewhere", about=other_placement,
                           placement=other_placement, context={"days": [world.cohort.start_date]})
    assert all(email.subject.startswith("Sickness absence:") for email in elsewhere)
    event = AuditEvent.objects.get(object_type="routing table", object_id=saved.pk)
    assert (event.actor, event.programme_id) == (world.pd, world.programme.pk)
    assert "version 1" in event.summary and "S6" in event.summary

    second = _edit(world, "S6", reply_to=[])

    assert second.version == 2
    assert _row(saved, "S6").reply_to == [R.TRAINEE.value]


def test_saving_the_row_unchanged_makes_no_version(world):
    """Whatever order the boxes are ticked in: the order of the rows' people is kept."""
    unchanged = _edit(world, "S1", recipients=[R.PD.value, R.CCG_ADMIN.value,
                                               R.CCG_SUPERVISOR.value])

    assert unchanged.programme_id is None
    assert not RoutingTable.objects.filter(programme=world.programme).exists()


def test_an_edited_text_gets_its_html_from_the_text_and_an_unedited_one_keeps_its_own(world):
    subject_only = _edit(world, "S16", subject="Assessment recorded: {{ trainee.full_name }}")
    assert _row(subject_only, "S16").html_template == _row(default_table(), "S16").html_template

    text = _row(default_table(), "S16").text_template.replace(
        "What to do", "Next step <b>& what to do</b>")
    edited = _edit(world, "S16", text=text)
    [email, *_] = sop_notify(code="S16", event_key="assessment:1", about=world.placement,
                             placement=world.placement, context={"path": "/p/"})

    assert _row(edited, "S16").html_template == ""
    assert "Next step <b>& what to do</b>" in email.body_text
    assert email.body_html.startswith("<!DOCTYPE html>")
    assert "Next step &lt;b&gt;&amp; what to do&lt;/b&gt;" in email.body_html
    assert '<a href="https://clic.test/p/"' in email.body_html


@pytest.mark.parametrize(("field", "source", "message"), [
    ("text", "{% extends 'mail/_base.txt' %}{% block body %}Off: {{ reason }}{% endblock %}",
     SICKNESS_DATES_RULE),
    ("subject", "Sick: {{ note }}", SICKNESS_DATES_RULE),
    ("subject", "Sick: {{ absence.note }}", "{{ absence }}: not a variable this email offers"),
    ("text", "{% if days %}unclosed", "This template does not render"),
    ("text", "{% load static %}{{ days }}", "may not use {% load %}"),
    ("text", "{% debug %}", "may not use {% debug %}"),
    ("text", "{% include 'base.html' %}", "outside the email templates"),
    ("subject", "{{ days|no_such_filter }}", "This template does not render"),
])
def test_a_sickness_template_that_asks_for_more_than_dates_is_refused(world, field, source,
                                                                      message):
    with pytest.raises(ValidationError) as refused:
        _edit(world, "S5", **{field: source})

    assert any(message in text for text in refused.value.message_dict[field])
    assert not RoutingTable.objects.filter(programme=world.programme).exists()


def test_no_row_may_follow_a_relation_the_handbook_wording_never_follows(world):
    """Sickness notes hang off the placement: no email, sickness or not, may reach them."""
    with pytest.raises(ValidationError) as refused:
        _edit(world, "S1", text="{% for p in placements %}{{ p.absences.all.0.note }}"
                                "{% endfor %}{{ placement.trainee.full_name }}")

    assert refused.value.message_dict["text"] == [
        ".absences, .all, .note: not something the email templates may look up (they may use "
        "what the handbook's wording uses)."]


def test_an_unknown_variable_is_refused_on_any_row(world):
    with pytest.raises(ValidationError) as refused:
        _edit(world, "S1", subject="Allocated: {{ trainee.full_name }} {{ nonsense }}")

    assert refused.value.message_dict == {
        "subject": ["{{ nonsense }}: not a variable this email offers."]}


@pytest.mark.parametrize(("code", "field", "values", "rule"), [
    ("S6", "recipients", [R.PA.value, R.PD.value, R.CCG_ADMIN.value], CCG_ADMIN_SICKNESS_RULE),
    ("S6", "reply_to", [R.TRAINEE.value, R.CCG_ADMIN.value], CCG_ADMIN_SICKNESS_RULE),
    ("S14", "recipients", [R.CCG_SUPERVISOR.value], MUST_REACH["S14"][1]),
    ("ABS-DECISION", "recipients", [R.PA.value, R.PD.value], MUST_REACH["ABS-DECISION"][1]),
])
def test_an_edit_that_breaks_a_rule_is_refused_naming_the_rule(world, code, field, values, rule):
    with pytest.raises(ValidationError) as refused:
        _edit(world, code, **{field: values})

    assert rule in refused.value.message_dict[field]
    assert current_table(world.programme.pk).programme_id is None


def test_a_sickness_email_carries_no_note_whatever_the_rows_say(world):
    hostile = ("{{ note }}{{ reason }}{{ about.note }}{{ absence.note }}"
               "{% for a in trainee.absences.all %}{{ a.note }}{% endfor %}"
               "{% for p in trainee.placements.all %}{{ p.absences.all.0.note }}{% endfor %}"
               "{{ placement.absences.all.0.note }}{{ recipient.placements.0.absences.all.0.note }}"
               "{% for p in placements %}{{ p.absences.all.0.note }}{% endfor %}")
    _written_straight_to_the_rows(world.programme, "S6", subject_template="Sick " + hostile,
                                  text_template="Days: {{ days.0 }} " + hostile,
                                  html_template="<p>" + hostile + "</p>")

    emails = _sickness(world)

    assert emails
    for email in emails:
        assert "Migraine" not in email.subject + email.body_text + email.body_html
        assert "Days: " in email.body_text


def test_the_rules_hold_when_a_table_is_written_around_them(world):
    _written_straight_to_the_rows(world.programme, "S6",
                                  recipients=[R.PA.value, R.CCG_ADMIN.value],
                                  reply_to=[R.CCG_ADMIN.value])
    sick = _sickness(world)
    assert {email.to_email for email in sick} == {world.pa.email}
    assert all(world.ccg.admin_mailbox not in email.reply_to for email in sick)

    _written_straight_to_the_rows(world.programme, "S14", recipients=[])
    concern = sop_notify(code="S14", event_key="concern:2", about=world.placement,
                         placement=world.placement)
    assert {email.to_email for email in concern} == {world.pd.email}


def test_the_demo_derbyshire_table_speaks_of_the_host_organisation(world):
    from clic.accounts.demo import DemoData
    from clic.mail.demo import routing_load

    programme = factories.ProgrammeFactory(name="Derbyshire")
    pd = give_role(factories.UserFactory(), Role.PD, programme)
    data = DemoData(today=world.cohort.start_date, programme=world.programme, ccg=world.ccg,
                    practices=[], people={}, extras={"derbyshire": programme,
                                                     "derbyshire_pd": pd})
    routing_load(data)
    cohort = factories.CohortFactory(programme=programme, ccg=world.ccg,
                                     start_date=world.cohort.start_date)
    placement = factories.PlacementFactory(cohort=cohort)

    [email, *_] = sop_notify(code="S5", event_key="s5", about=placement, placement=placement,
                             context={"days": [cohort.start_date + datetime.timedelta(days=3)]})

    table = current_table(programme.pk)
    assert (table.version, table.created_by) == (1, pd)
    assert email.routing_table_id == table.pk
    assert "their host organisation project day" in email.body_text
    assert "CCG project day" not in email.body_text
    assert "their host organisation project day" in email.body_html


def test_a_row_whose_event_names_its_people_keeps_them_whatever_is_ticked(world):
    saved = _edit(world, "S9", recipients=[R.COMMITTEE.value],
                  subject="Late: {{ trainee.full_name }}")

    assert _row(saved, "S9").recipients == _row(default_table(), "S9").recipients
    assert saved.change.startswith("S9: subject changed")


def test_a_database_emptied_after_its_migrations_gets_the_default_table_back(world):
    OutboundEmail.objects.all().delete()
    RoutingTable.objects.all().delete()

    emails = sop_notify(code="S14", event_key="concern:3", about=world.placement,
                        placement=world.placement)

    table = RoutingTable.objects.get()
    assert (table.programme, table.version, table.rows.count()) == (None, 1, len(TABLE_CODES))
    assert [email.routing_table_id for email in emails] == [table.pk]

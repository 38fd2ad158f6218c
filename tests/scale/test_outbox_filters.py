"""The outbox's cohort and trainee filters list what is in the person's outbox, found
without reading the whole outbox."""

import datetime

import pytest

from clic.mail.models import OutboundEmail
from clic.mail.selectors import _outbox_scope, outbox_filter_choices
from clic.mail.services import sop_notify
from tests import factories

from .plans import add_history, rows_read

pytestmark = pytest.mark.django_db


def _sickness(placement, key):
    sop_notify(code="S5", event_key=key, about=placement, placement=placement,
               context={"days": [placement.cohort.start_date + datetime.timedelta(days=3)]})


def _expected(user):
    """The choices as the outbox's emails name them: the slow way, read from every email."""
    visible = OutboundEmail.objects.filter(_outbox_scope(user))
    return (set(visible.exclude(cohort=None).values_list("cohort_id", flat=True)),
            set(visible.exclude(placement=None).values_list("placement_id", flat=True)))


@pytest.fixture
def outboxes(world):
    quiet = factories.CohortFactory(programme=world.programme, ccg=world.ccg, directors=[world.pd])
    factories.PlacementFactory(cohort=quiet)  # a cohort and trainee without any email yet
    elsewhere = factories.PlacementFactory(cohort=factories.CohortFactory(ccg=world.ccg))
    _sickness(world.placement, "absence:1")
    _sickness(elsewhere, "absence:2")  # another programme's trainee, at the same CCG
    return quiet, elsewhere


@pytest.mark.parametrize("who", ["pd", "pa", "ccg_admin", "other_pd", "trainee"])
def test_filter_choices_are_the_cohorts_and_trainees_in_the_outbox(world, outboxes, who):
    user = getattr(world, who)
    choices = outbox_filter_choices(user)

    cohorts, placements = _expected(user)
    assert {c.pk for c in choices["cohorts"]} == cohorts
    assert {p.pk for p in choices["placements"]} == placements


def test_ccg_admin_filters_include_other_programmes_cohorts_at_their_ccg(world, outboxes):
    _, elsewhere = outboxes
    choices = outbox_filter_choices(world.ccg_admin)

    assert elsewhere.cohort in choices["cohorts"]
    assert elsewhere in choices["placements"]


def test_filter_choices_read_no_more_of_the_outbox_when_others_have_history(world, outboxes):
    def outbox_rows_read():
        return [rows_read(queryset)["mail_outboundemail"]
                for who in ("pd", "pa", "ccg_admin")
                for queryset in outbox_filter_choices(getattr(world, who)).values()]

    before = outbox_rows_read()
    add_history()

    assert OutboundEmail.objects.count() > 1000
    after = outbox_rows_read()
    assert all(read <= earlier for read, earlier in zip(after, before, strict=True)), after


def test_once_a_cohort_is_chosen_only_its_trainees_are_offered(client, world, outboxes):
    other_cohort = factories.CohortFactory(programme=world.programme, ccg=world.ccg,
                                           directors=[world.pd])
    elsewhere = factories.PlacementFactory(cohort=other_cohort, trainee__full_name="Dr Elsewhere")
    _sickness(elsewhere, "absence:3")
    client.force_login(world.pd)

    every = client.get("/outbox/").content.decode()
    chosen = client.get("/outbox/", {"cohort": world.cohort.pk}).content.decode()

    assert "Dr Elsewhere (" in every
    assert "Dr Elsewhere (" not in chosen
    assert f"{world.trainee.full_name} (" in chosen
    assert "Dr Elsewhere (" not in client.get(
        "/outbox/", {"cohort": world.cohort.pk, "placement": elsewhere.pk}).content.decode()


def test_once_a_cohort_is_chosen_only_the_codes_of_its_emails_are_offered(
        client, world, outboxes, django_assert_max_num_queries):
    client.force_login(world.pd)
    every = client.get("/outbox/").content.decode()
    with django_assert_max_num_queries(9):
        chosen = client.get("/outbox/", {"cohort": world.cohort.pk}).content.decode()
    asked = client.get("/outbox/", {"cohort": world.cohort.pk, "code": "S17"}).content.decode()

    assert '<option value="S17">' in every and "The codes of this cohort" not in every
    assert '<option value="S5">' in chosen  # the cohort's one email is an S5
    assert '<option value="S17">' not in chosen
    assert "The codes of this cohort's emails." in chosen
    # A code asked for is still offered, and simply matches nothing.
    assert '<option value="S17" selected>' in asked
    assert "No emails match these filters." in asked


@pytest.mark.parametrize("cohort", ["elsewhere", "999999", "99999999999999999999", "abc"])
def test_a_cohort_not_in_the_outbox_lists_the_whole_outbox_with_its_trainees(
        client, world, outboxes, django_assert_max_num_queries, cohort):
    _, elsewhere = outboxes  # another programme's cohort: not the PD's
    value = str(elsewhere.cohort_id) if cohort == "elsewhere" else cohort
    client.force_login(world.pd)
    with django_assert_max_num_queries(9):
        page = client.get("/outbox/", {"cohort": value}).content.decode()

    assert f"About {world.trainee.full_name}" in page  # their email, named in its row
    assert f"{world.trainee.full_name} ({world.cohort})" in page  # and offered as a filter
    assert elsewhere.trainee.full_name not in page

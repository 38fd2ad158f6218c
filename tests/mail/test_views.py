"""The outbox, an email's page, re-sending, "Who is told what" and the trainee timeline."""

import datetime
import re

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from clic.mail import selectors as mail_selectors
from clic.mail.catalogue import CATALOGUE
from clic.mail.models import OutboundEmail
from clic.mail.selectors import emails_about_placement, outbox_visible_to
from clic.mail.services import email_queue_template, sop_notify
from tests import factories

pytestmark = pytest.mark.django_db

Status = OutboundEmail.Status


def sickness(world, key="absence:1", placement=None):
    placement = placement or world.placement
    return sop_notify(code="S5", event_key=key, about=placement, placement=placement,
                      context={"days": [world.cohort.start_date + datetime.timedelta(days=3)]})


def other_leave(world, key="leave:1"):
    return sop_notify(code="S6", event_key=key, about=world.placement, placement=world.placement,
                      context={"days": [world.cohort.start_date]})


def page_for(client, user, url="/outbox/", **params):
    client.force_login(user)
    return client.get(url, params)


def rows_in(response) -> int:
    """The emails listed on an outbox page (each row starts with its creation time)."""
    return response.content.decode().count('aria-hidden="true">Created </span>')


def test_outbox_lists_the_programmes_emails_for_a_pd(client, world):
    sickness(world)

    response = page_for(client, world.pd)

    assert response.status_code == 200
    html = response.content.decode()
    assert rows_in(response) == 3
    for address in ("supervisor@nhs.test", "lead@nhs.test", "ekccgs.quality@nhs.net"):
        assert address in html
    assert "Sickness absence: Dr Trainee" in html
    assert "S5" in html and "Queued" in html
    assert html.count("<h1") == 1


def test_outbox_for_a_pd_fails_rather_than_hides_rows_without_the_cohorts_part(
        world, monkeypatch):
    sickness(world)
    assert outbox_visible_to(world.pd).count() == 3
    monkeypatch.setattr(mail_selectors.managed_cohort_ids, "_parts", {})

    with pytest.raises(ImproperlyConfigured, match="the cohorts whose emails a PD or PA reads"):
        outbox_visible_to(world.pd).count()


def test_outbox_for_a_pa_includes_emails_to_people_they_manage_outside_cohorts(client, world):
    email_queue_template(code="INVITE", to=[world.supervisor.email], template="mail/invitation",
                         context={"user": world.supervisor, "invited_by": world.pa, "url": "u"},
                         event_key="invitation:1")
    email_queue_template(code="INVITE", to=["stranger@elsewhere.test"], template="mail/invitation",
                         context={"user": None, "invited_by": None, "url": "u"},
                         event_key="invitation:2")

    html = page_for(client, world.pa).content.decode()

    assert "supervisor@nhs.test" in html
    assert "stranger@elsewhere.test" not in html


def test_outbox_hides_other_programmes_emails(client, world):
    [row, *_] = sickness(world)

    assert rows_in(page_for(client, world.other_pd)) == 0
    assert client.get(f"/outbox/{row.pk}/").status_code == 404


@pytest.mark.parametrize("person", ["trainee", "supervisor", "lead", "es", "chair"])
def test_outbox_pages_are_404_for_roles_without_an_outbox(client, world, person):
    [row, *_] = sickness(world)
    client.force_login(getattr(world, person))

    for url in ("/outbox/", f"/outbox/{row.pk}/", "/sop/"):
        assert client.get(url).status_code == 404
    assert client.post(f"/outbox/{row.pk}/resend/").status_code == 404


def test_outbox_asks_anonymous_people_to_sign_in(client, world):
    [row, *_] = sickness(world)

    for url in ("/outbox/", f"/outbox/{row.pk}/", "/sop/"):
        response = client.get(url)
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


def test_ccg_admin_sees_only_emails_to_their_ccgs_mailbox(client, world):
    rows = sickness(world)
    other_leave(world)
    mailbox_row = next(row for row in rows if row.to_email == "ekccgs.quality@nhs.net")
    supervisor_row = next(row for row in rows if row.to_email == "supervisor@nhs.test")

    response = page_for(client, world.ccg_admin)

    assert rows_in(response) == 1
    assert "ekccgs.quality@nhs.net" in response.content.decode()
    assert client.get(f"/outbox/{mailbox_row.pk}/").status_code == 200
    assert client.get(f"/outbox/{supervisor_row.pk}/").status_code == 404
    assert rows_in(page_for(client, world.other_ccg_admin)) == 0


def test_ccg_admin_cannot_resend_or_read_the_catalogue(client, world):
    [row] = [r for r in sickness(world) if r.to_email == "ekccgs.quality@nhs.net"]
    OutboundEmail.objects.filter(pk=row.pk).update(status=Status.FAILED)
    client.force_login(world.ccg_admin)

    assert "Send again" not in client.get(f"/outbox/{row.pk}/").content.decode()
    assert client.post(f"/outbox/{row.pk}/resend/").status_code == 404
    assert client.get("/sop/").status_code == 404
    assert OutboundEmail.objects.get(pk=row.pk).status == Status.FAILED


def test_outbox_filters_by_cohort_trainee_code_and_status(client, world):
    second = factories.PlacementFactory(cohort=world.cohort, trainee__full_name="Dr Second")
    other_cohort = factories.CohortFactory(programme=world.programme, ccg=world.ccg,
                                           directors=[world.pd])
    elsewhere = factories.PlacementFactory(cohort=other_cohort, trainee__full_name="Dr Elsewhere")
    sickness(world)
    sickness(world, key="absence:2", placement=second)
    sickness(world, key="absence:3", placement=elsewhere)
    other_leave(world)
    OutboundEmail.objects.filter(to_email="lead@nhs.test").update(status=Status.FAILED)

    assert rows_in(page_for(client, world.pd)) == 3 + 3 + 3 + 2
    assert rows_in(page_for(client, world.pd, cohort=other_cohort.pk)) == 3
    by_trainee = page_for(client, world.pd, placement=second.pk)
    assert rows_in(by_trainee) == 3
    assert "About Dr Second" in by_trainee.content.decode()
    assert rows_in(page_for(client, world.pd, code="S6")) == 2
    assert rows_in(page_for(client, world.pd, status="failed")) == 1
    assert rows_in(page_for(client, world.pd, code="S5", status="failed")) == 1
    assert rows_in(page_for(client, world.pd, code="S6", status="failed")) == 0
    # The filter's options are the cohorts and trainees in this person's outbox.
    html = page_for(client, world.pd).content.decode()
    assert f'<option value="{other_cohort.pk}">{other_cohort.name}</option>' in html
    assert "Dr Elsewhere (" in html


def test_outbox_is_searched_by_part_of_a_recipients_name_or_address(client, world):
    sickness(world)  # to the supervisor, the lead and the CCG mailbox
    lead = world.placement.project_lead

    by_name = page_for(client, world.pd, recipient=f"  {lead.full_name.split()[-1].upper()} ")
    by_address = page_for(client, world.pd, recipient=lead.email.split("@")[0])

    for response in (by_name, by_address):
        assert rows_in(response) == 1
        assert lead.email in response.content.decode()
    assert rows_in(page_for(client, world.pd, recipient="nobody-like-this")) == 0
    assert rows_in(page_for(client, world.pd, recipient="")) == 3
    # The search sits above the other filters, which fold away unless one is in use.
    html = page_for(client, world.pd).content.decode()
    assert '<label class="nhsuk-label" for="id_recipient">Name or email address</label>' in html
    assert '<details class="nhsuk-details">' in html
    assert '<details class="nhsuk-details" open>' in page_for(client, world.pd,
                                                              code="S5").content.decode()


def test_outbox_search_costs_no_more_queries(client, world):
    sickness(world)
    client.force_login(world.pd)
    page_for(client, world.pd)

    with CaptureQueriesContext(connection) as plain:
        client.get("/outbox/", {"cohort": world.cohort.pk})
    with CaptureQueriesContext(connection) as searched:
        client.get("/outbox/", {"cohort": world.cohort.pk, "recipient": "lead"})

    assert len(searched.captured_queries) == len(plain.captured_queries)


def test_outbox_ignores_filters_it_does_not_understand(client, world):
    sickness(world)

    response = page_for(client, world.pd, cohort="x", placement="99999", code="NOPE",
                        status="lost", page="many")

    assert response.status_code == 200
    assert rows_in(response) == 3


def test_outbox_keeps_other_peoples_cohorts_out_of_the_filters(client, world):
    sickness(world)
    other = factories.PlacementFactory()

    response = page_for(client, world.pd, cohort=other.cohort.pk, placement=other.pk)

    assert rows_in(response) == 3  # unknown choices are ignored, not honoured
    assert other.cohort.name not in response.content.decode()
    # The trainee options are then the other cohort's, yet the rows still name theirs.
    assert f"About {world.placement.trainee.full_name}" in response.content.decode()


def test_outbox_pages_fifty_emails_at_a_time(client, world):
    for n in range(18):
        sickness(world, key=f"absence:{n}")  # 54 emails

    first = page_for(client, world.pd)
    second = page_for(client, world.pd, page=2, code="S5")

    assert rows_in(first) == 50
    assert "Emails 1 to 50 of 54" in first.content.decode()
    assert rows_in(second) == 4
    assert 'href="?page=1&amp;code=S5"' in second.content.decode()  # filters kept


def test_outbox_query_count_does_not_grow_with_the_emails(client, world):
    def queries_for(count):
        OutboundEmail.objects.all().delete()
        for n in range(count):
            sickness(world, key=f"absence:{n}:{count}")
        OutboundEmail.objects.filter(to_email="lead@nhs.test").update(status=Status.FAILED)
        client.force_login(world.pd)
        with CaptureQueriesContext(connection) as context:
            response = client.get("/outbox/", {"cohort": world.cohort.pk,
                                               "placement": world.placement.pk})
        assert response.status_code == 200
        assert rows_in(response) == min(3 * count, 50)
        return len(context.captured_queries)

    assert queries_for(2) == queries_for(20)
    html = client.get("/outbox/", {"cohort": world.cohort.pk}).content.decode()
    assert 'aria-label="Pages of emails"' in html and "Page 2 of 2" in html
    # NHS.UK pagination with its arrow.
    assert '<svg class="nhsuk-icon nhsuk-icon--arrow-right"' in html


def test_outbox_email_page_shows_the_message(client, world):
    rows = sickness(world)
    row = next(r for r in rows if r.to_email == "supervisor@nhs.test")

    response = page_for(client, world.pa, url=f"/outbox/{row.pk}/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "Dear Dr Supervisor," in html
    assert "has reported sickness absence on their CCG project day" in html
    assert "Dr Supervisor &lt;supervisor@nhs.test&gt;" in html
    assert row.message_id.replace("<", "&lt;").replace(">", "&gt;") in html
    assert html.count("<h1") == 1


def test_outbox_email_page_is_404_for_an_id_that_does_not_exist(client, world):
    assert page_for(client, world.pd, url="/outbox/999999/").status_code == 404


def test_resend_button_queues_a_failed_email_again(client, world, published,
                                                   django_capture_on_commit_callbacks):
    rows = sickness(world)
    row = next(r for r in rows if r.to_email == "lead@nhs.test")
    OutboundEmail.objects.filter(pk=row.pk).update(status=Status.FAILED, attempts=1,
                                                   last_error="550 5.1.1 Mailbox unavailable")
    listing = page_for(client, world.pd, status="failed").content.decode()
    assert listing.count("Send again") == 1
    assert f'action="/outbox/{row.pk}/resend/"' in listing

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/outbox/{row.pk}/resend/", {"next": "/outbox/?status=failed"})

    assert response.status_code == 302
    assert response["Location"] == "/outbox/?status=failed"
    row.refresh_from_db()
    assert (row.status, row.attempts, row.resent_by) == (Status.QUEUED, 0, world.pd)
    assert published == [row.pk]


def test_a_failed_rows_resend_form_escapes_its_text_and_posts_with_its_token(client, world):
    rows = sickness(world)
    row = next(r for r in rows if r.to_email == "lead@nhs.test")
    OutboundEmail.objects.filter(pk=row.pk).update(
        status=Status.FAILED, attempts=2, subject='Tom & "Jerry" <b>',
        last_error="<550> " + "x" * 200)
    client = type(client)(enforce_csrf_checks=True)
    html = page_for(client, world.pd, status="failed", code="S5").content.decode()
    html = re.sub(r"\s+", " ", html).replace("> <", "><")
    token = re.search(r'<form method="post" action="/outbox/\d+/resend/"><input type="hidden" '
                      r'name="csrfmiddlewaretoken" value="([^"]+)">', html).group(1)

    assert (f'<form method="post" action="/outbox/{row.pk}/resend/">'
            f'<input type="hidden" name="csrfmiddlewaretoken" value="{token}">'
            '<input type="hidden" name="next" value="/outbox/?status=failed&amp;code=S5">'
            '<button class="nhsuk-button nhsuk-button--secondary nhsuk-button--small" '
            'type="submit">Send again<span class="nhsuk-u-visually-hidden"> to lead@nhs.test: '
            'Tom &amp; &quot;Jerry&quot; &lt;b&gt;</span></button></form></td>') in html
    assert ('<strong class="nhsuk-tag nhsuk-tag--red">Failed</strong>') in html
    assert ('aria-hidden="true">Attempts </span>2</td>'
            '<td class="nhsuk-table__cell"><span class="nhsuk-table-responsive__heading" '
            f'aria-hidden="true">Last error </span>&lt;550&gt; {"x" * 153}…</td>') in html
    assert "<b>" not in html
    response = client.post(f"/outbox/{row.pk}/resend/",
                           {"csrfmiddlewaretoken": token, "next": "/outbox/?status=failed"})
    assert response.status_code == 302


def test_resend_refuses_an_email_that_was_sent(client, world, published):
    [row, *_] = sickness(world)
    OutboundEmail.objects.filter(pk=row.pk).update(status=Status.SENT)
    client.force_login(world.pd)

    response = client.post(f"/outbox/{row.pk}/resend/", {"next": "https://evil.example/"},
                           follow=True)

    assert response.redirect_chain[-1][0] == f"/outbox/{row.pk}/"
    assert "Only a failed email can be sent again." in response.content.decode()
    assert OutboundEmail.objects.get(pk=row.pk).status == Status.SENT
    assert published == []


@pytest.mark.parametrize("next_url", ["a b", "{{ 7|add:7 }}", "mail_catalogue", ""])
def test_resend_with_a_next_that_is_not_a_path_goes_to_the_email(client, world, published,
                                                                 next_url):
    [row, *_] = sickness(world)
    client.force_login(world.pd)

    response = client.post(f"/outbox/{row.pk}/resend/", {"next": next_url})

    assert response.status_code == 302
    assert response["Location"] == f"/outbox/{row.pk}/"


def test_resend_is_404_for_another_programmes_pd(client, world, published):
    [row, *_] = sickness(world)
    OutboundEmail.objects.filter(pk=row.pk).update(status=Status.FAILED)
    client.force_login(world.other_pd)

    assert client.post(f"/outbox/{row.pk}/resend/").status_code == 404
    assert client.get(f"/outbox/{row.pk}/resend/").status_code in (404, 405)
    assert OutboundEmail.objects.get(pk=row.pk).status == Status.FAILED


def test_catalogue_page_lists_every_sop_row_with_its_wording(client, world):
    response = page_for(client, world.pa, url="/sop/")

    html = response.content.decode()
    assert response.status_code == 200
    for n in range(1, 18):
        assert f'id="row-S{n}"' in html
    assert re.findall(r'id="row-(S\d+)"', html) == [f"S{n}" for n in range(1, 18)]
    assert "Sickness on a CCG project day" in html
    assert "The trainee&#x27;s CCG Supervisor" in html
    assert "has reported sickness absence on their CCG project day" in html
    assert html.count("<h1") == 1


def test_catalogue_page_makes_no_query_per_row(client, world):
    client.force_login(world.pd)
    client.get("/sop/")

    with CaptureQueriesContext(connection) as context:
        client.get("/sop/")

    assert len(context.captured_queries) < len(CATALOGUE)


def test_timeline_shows_pds_every_email_about_the_trainee(world):
    sickness(world)
    other_leave(world)
    sickness(world, key="absence:other", placement=factories.PlacementFactory(cohort=world.cohort))

    assert emails_about_placement(world.pd, world.placement).count() == 5
    assert emails_about_placement(world.pa, world.placement).count() == 5


def test_timeline_shows_others_only_what_was_addressed_to_them(world):
    sickness(world)
    other_leave(world)

    assert [e.to_email for e in emails_about_placement(world.supervisor, world.placement)] == [
        "supervisor@nhs.test"]
    assert [e.to_email for e in emails_about_placement(world.ccg_admin, world.placement)] == [
        "ekccgs.quality@nhs.net"]
    assert not emails_about_placement(world.other_ccg_supervisor, world.placement).exists()
    assert not emails_about_placement(world.other_trainee, world.placement).exists()


def test_timeline_shows_the_trainee_the_emails_their_reports_caused(world):
    sickness(world)
    sop_notify(code="S14", event_key="concern:1", about=world.placement, placement=world.placement)

    codes = sorted(e.code for e in emails_about_placement(world.trainee, world.placement))

    assert codes == ["S5", "S5", "S5"]  # not the concern raised about them


def test_timeline_include_renders_the_emails(rf, world):
    sickness(world)
    request = rf.get("/")
    request.user = world.pd

    html = render_to_string("mail/_timeline.html", {
        "sop_emails": emails_about_placement(world.pd, world.placement),
        "clic_is_manager": True}, request=request)

    assert html.count("Sickness absence: Dr Trainee") == 3
    assert '<th class="nhsuk-table__header" scope="col">SOP code</th>' in html
    assert "/outbox/" in html


def test_outbox_selector_is_empty_for_anonymous_people(world):
    from django.contrib.auth.models import AnonymousUser

    sickness(world)

    assert not outbox_visible_to(AnonymousUser()).exists()


def test_outbox_shows_when_an_email_was_sent(client, world):
    [row, *_] = sickness(world)
    sent_at = timezone.make_aware(datetime.datetime(2026, 3, 5, 14, 7))
    OutboundEmail.objects.filter(pk=row.pk).update(status=Status.SENT, sent_at=sent_at,
                                                   attempts=1)

    html = page_for(client, world.pd, status="sent").content.decode()

    assert "5 Mar 2026 14:07" in html
    assert "Sent" in html


def test_outbox_never_shows_a_sign_in_link(client, world):
    [invitation] = email_queue_template(
        code="INVITE", to=[world.supervisor.email], template="mail/invitation",
        context={"user": world.supervisor, "invited_by": world.pd,
                 "url": "https://clic.test/invitation/secret-token/"},
        event_key="invitation:1")

    html = page_for(client, world.pd, url=f"/outbox/{invitation.pk}/").content.decode()

    assert "You are invited to the CLIC service" in html
    assert "secret-token" not in html
    assert "carries a personal sign-in link" in html


def _row_edit(client, world, code="S6", **fields):
    from clic.mail.routing import current_table

    row = current_table(world.programme.pk).rows.get(code=code)
    values = {"recipients": row.recipients, "reply_to": row.reply_to,
              "subject": row.subject_template, "text": row.text_template, **fields}
    client.force_login(world.pd)
    return client.post(f"/sop/{world.programme.pk}/{code}/", {**values, "action": "preview"}), values


def test_pd_sees_the_example_then_saves_the_edit_as_a_new_version(client, world):
    from clic.mail.models import RoutingTable

    preview, values = _row_edit(client, world, recipients=["pd"],
                                subject="Off sick: {{ trainee.full_name }}")
    html = preview.content.decode()

    assert preview.status_code == 200
    assert "Off sick: Dr Alex Example" in html
    assert f"{world.pd.full_name}, {world.pd.email} (Programme Director)" in html
    assert world.pa.email not in html.split("The example email")[1]
    assert "{{ days }}" in html and "{{ reason }}" not in html
    assert not RoutingTable.objects.filter(programme=world.programme).exists()

    digest = re.search(r'name="previewed" value="(\w+)"', html).group(1)
    saved = client.post(f"/sop/{world.programme.pk}/S6/",
                        {**values, "action": "save", "previewed": digest}, follow=True)
    page = saved.content.decode()

    table = RoutingTable.objects.get(programme=world.programme)
    assert (table.version, table.created_by) == (1, world.pd)
    assert "Saved as version 1" in page
    assert f"running cohorts use this table ({world.cohort.name})" in page
    assert "S6: recipients, subject changed" in page
    assert "Default version 1" in page
    [email] = other_leave(world)
    assert (email.to_email, email.routing_table_id) == (world.pd.email, table.pk)
    outbox = page_for(client, world.pd).content.decode()
    assert "Table version 1" in outbox
    detail = page_for(client, world.pd, url=f"/outbox/{email.pk}/").content.decode()
    assert f"{world.programme.name}, version 1" in detail


def test_saving_an_email_changed_since_its_preview_saves_nothing(client, world):
    from clic.mail.models import RoutingTable

    preview, values = _row_edit(client, world, subject="Off sick: {{ trainee.full_name }}")
    digest = re.search(r'name="previewed" value="(\w+)"', preview.content.decode()).group(1)

    response = client.post(f"/sop/{world.programme.pk}/S6/",
                           {**values, "subject": "Changed again", "action": "save",
                            "previewed": digest})

    assert response.status_code == 200
    assert "changed after its preview" in response.content.decode()
    assert not RoutingTable.objects.filter(programme=world.programme).exists()


def test_an_edit_that_breaks_a_rule_is_shown_on_its_field_and_saves_nothing(client, world):
    from clic.mail.models import RoutingTable

    response, _values = _row_edit(client, world, recipients=["pa", "pd", "ccg_admin"],
                                  text="{{ reason }}")
    html = response.content.decode()

    assert response.status_code == 200
    assert "nhsuk-error-summary" in html
    assert "The CCG admin mailbox is told of sickness only for CCG project days." in html
    assert "{{ reason }}: not a variable this email offers." in html
    assert 'name="action" value="save"' not in html
    assert not RoutingTable.objects.filter(programme=world.programme).exists()


def test_only_the_programmes_pds_edit_its_table(client, world):
    client.force_login(world.pa)
    assert client.get(f"/sop/{world.programme.pk}/").status_code == 200
    assert client.get(f"/sop/{world.programme.pk}/S6/").status_code == 404
    client.force_login(world.other_pd)
    assert client.get(f"/sop/{world.programme.pk}/").status_code == 404
    assert client.get(f"/sop/{world.programme.pk}/S6/").status_code == 404
    client.force_login(world.pd)
    assert client.get(f"/sop/{world.programme.pk}/S6/").status_code == 200
    for code in ("INVITE", "ACCOUNT", "S99"):
        assert client.get(f"/sop/{world.programme.pk}/{code}/").status_code == 404

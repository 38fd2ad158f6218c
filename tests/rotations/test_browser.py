"""The timetable journeys in Chromium, with axe-core on every page visited."""

import pytest
from django.core.management import call_command

from clic.accounts.demo import demo_email
from rotations.demo import running_cohort
from rotations.models import Cohort, ProgrammeTemplate, Session, Weekday
from tests.browser.test_login import sign_in
from tests.fixtures.browser import axe_check

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(settings):
    settings.CLIC_MFA_ENFORCED = False
    call_command("load_demo")


def test_pd_changes_a_wednesday_session_and_reads_the_diaries(page, live_server, demo):
    cohort = running_cohort()
    sign_in(page, live_server, demo_email("pd"))
    page.goto(f"{live_server.url}/cohorts/")
    axe_check(page)
    page.get_by_role("link", name=cohort.name).click()
    assert page.get_by_role("heading", level=1).inner_text() == cohort.name
    axe_check(page)
    page.get_by_role("link", name="View and edit the 16-week timetable").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Week 6"
    axe_check(page)
    page.get_by_role("link", name="Week 9", exact=True).click()
    session = Session.objects.get(cohort=cohort, week=9, kind=Session.Kind.ALS)
    page.get_by_role("link", name=f"Change {session.title} on").click()
    axe_check(page)
    page.get_by_label("Venue (optional)").fill("Board room, CCG offices")
    page.get_by_role("button", name="Save the change").click()
    assert "The people affected are being emailed" in page.get_by_role("main").inner_text()
    session.refresh_from_db()
    assert session.venue == "Board room, CCG offices" and session.sequence == 1

    page.goto(f"{live_server.url}/diary/?date={session.date}")
    assert "Board room, CCG offices" in page.get_by_role("main").inner_text()
    axe_check(page)
    page.get_by_role("link", name="Month", exact=True).click()
    axe_check(page)
    page.get_by_role("link", name="Add to Outlook").first.click()
    assert page.get_by_role("heading", level=1).inner_text() == "Add your timetable to Outlook"
    axe_check(page)


def test_pd_uploads_a_bad_csv_and_sees_every_problem(page, live_server, demo, tmp_path):
    cohort = Cohort.objects.get(status=Cohort.Status.DRAFT)
    bad = tmp_path / "trainees.csv"
    bad.write_text("Name,Email,GP practice,Educational Supervisor email,CCG Supervisor email,"
                   "Project day\r\nDr A,not-email,Surgery,es@x.test,sup@x.test,Wednesday\r\n")
    sign_in(page, live_server, demo_email("pd"))
    page.goto(f"{live_server.url}/cohorts/{cohort.pk}/trainees/upload/")
    axe_check(page)
    page.locator("input[type=file][name=file]").set_input_files(str(bad))
    page.get_by_role("button", name="Check the file").click()
    main = page.get_by_role("main").inner_text()
    assert "Nothing was imported: the file has 2 problems" in main
    assert "Wednesday is the teaching" in main
    axe_check(page)
    page.goto(f"{live_server.url}/cohorts/{cohort.pk}/trainees/add/")
    axe_check(page)
    page.goto(f"{live_server.url}/cohorts/new/")
    axe_check(page)


def test_trainee_reads_their_week_and_placement(page, live_server, demo):
    sign_in(page, live_server, demo_email("trainee3"))
    page.goto(f"{live_server.url}/diary/")
    assert "Project work at CCG base" in page.get_by_role("main").inner_text()
    axe_check(page)
    placement = Session.objects.filter(placement__trainee__email=demo_email("trainee3")
                                       ).first().placement
    page.goto(f"{live_server.url}/placements/{placement.pk}/")
    axe_check(page)


def test_pd_checks_every_email_then_publishes_next_terms_cohort(page, live_server, demo):
    """Issue 19: the demo's next cohort waits to be published; its confirmation page lists
    each email (one S1 and one S3 per supervisor) and only its button sends."""
    from clic.mail.models import OutboundEmail

    upcoming = Cohort.objects.get(status=Cohort.Status.DRAFT)
    sign_in(page, live_server, demo_email("pd"))
    page.goto(f"{live_server.url}/cohorts/{upcoming.pk}/")
    page.get_by_role("button", name="Publish the timetable").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Publish the timetable"
    table = page.get_by_role("table").inner_text()
    assert "10 emails to 8 people and mailboxes" in table
    assert demo_email("supervisor2") in table and demo_email("supervisor3") in table
    assert "Dr Isla Fraser and Dr Jamal Khan" in table
    assert not OutboundEmail.objects.filter(cohort=upcoming).exists()
    axe_check(page)
    page.get_by_role("button", name="Publish and send 10 emails").click()
    assert "The timetable is published" in page.get_by_role("main").inner_text()
    axe_check(page)
    assert OutboundEmail.objects.filter(cohort=upcoming).count() == 10
    page.go_back()
    page.reload()
    assert "The timetable was already published on" in page.get_by_role("main").inner_text()
    axe_check(page)

    # The other confirmation pages a PD reaches, each checked by axe (nothing sent).
    running = running_cohort()
    session = Session.objects.get(cohort=running, week=9, kind=Session.Kind.ALS)
    emails = OutboundEmail.objects.count()
    for address in (f"/cohorts/{running.pk}/sessions/{session.pk}/cancel/",
                    f"/cohorts/{running.pk}/evaluation/open/"):
        page.goto(live_server.url + address)
        assert "Who will be" in page.get_by_role("main").inner_text()
        axe_check(page)
    supervisor = running.placements.first().ccg_supervisor
    page.goto(f"{live_server.url}/people/{supervisor.pk}/")
    page.get_by_role("link", name="Remove role CCG Supervisor").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Remove a role"
    axe_check(page)
    assert OutboundEmail.objects.count() == emails


def test_the_publish_confirmation_works_without_javascript(browser, live_server, demo):
    upcoming = Cohort.objects.get(status=Cohort.Status.DRAFT)
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    sign_in(page, live_server, demo_email("pd"))
    page.goto(f"{live_server.url}/cohorts/{upcoming.pk}/publish/")
    page.get_by_role("button", name="Publish and send 10 emails").click()
    assert "The timetable is published" in page.get_by_role("main").inner_text()
    upcoming.refresh_from_db()
    assert upcoming.is_published
    context.close()


def test_pd_copies_the_handbook_previews_a_tuesday_and_saves(page, live_server, demo):
    sign_in(page, live_server, demo_email("pd"))
    page.goto(f"{live_server.url}/cohorts/")
    page.get_by_role("link", name="Timetable templates").click()
    axe_check(page)
    page.get_by_role("link", name="East Kent CLIC handbook (16 weeks)").click()
    axe_check(page)
    page.get_by_role("link", name="Copy it to start another").click()
    axe_check(page)
    page.get_by_label("Name of the new template").fill("East Kent Tuesday pattern")
    page.get_by_role("button", name="Copy the template").click()
    assert page.get_by_role("heading", level=1).inner_text().endswith(
        "Edit East Kent Tuesday pattern")
    axe_check(page)

    # A meeting week beyond the end is refused on its field; nothing is saved.
    page.get_by_label("SOP meeting weeks (optional)").fill("1, 2, 8, 12, 19")
    page.get_by_role("button", name="Preview the weeks").click()
    assert "Week 19 is outside the 16-week programme" in page.locator(
        ".nhsuk-error-summary").inner_text()
    axe_check(page)

    page.get_by_label("SOP meeting weeks (optional)").fill("1, 2, 8, 12, 16")
    for row in (0, 1):
        page.locator(f"#id_sessions-{row}-weekday").select_option(str(Weekday.TUESDAY.value))
    page.get_by_role("button", name="Preview the weeks").click()
    preview = page.get_by_role("table", name="Every week as it would be planned")
    assert preview.inner_text().count("Tuesday 09:30–12:30") == 16
    axe_check(page)
    template = ProgrammeTemplate.objects.get(name="East Kent Tuesday pattern")
    assert template.versions.get().teaching_weekdays == [Weekday.WEDNESDAY]

    page.get_by_role("button", name="Save the template").click()
    assert "Version 1 saved." in page.get_by_role("main").inner_text()
    axe_check(page)
    assert template.versions.get().teaching_weekdays == [Weekday.TUESDAY]

"""The demo's second programme (Derbyshire) runs beside east Kent, and neither programme's
staff see the other's people, cohorts or templates."""

import datetime
import html

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from absences.models import Absence
from clic.accounts.models import User
from clic.accounts.selectors import people_visible_to
from clic.mail.models import OutboundEmail
from rotations.models import Cohort, Session, Weekday
from rotations.selectors import cohorts_visible_to, templates_visible_to
from trainees import demo_derbyshire
from trainees.selectors import placements_visible_to

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_mfa(settings):
    settings.CLIC_MFA_ENFORCED = False


def _person(login) -> User:
    return User.objects.get(email=f"{login}@clic.test")


def test_the_demo_runs_derbyshires_programme_from_its_own_template(client):
    call_command("load_demo")
    cohort = Cohort.objects.get(programme__name__startswith="Derbyshire")
    version = cohort.template_version
    assert (cohort.is_published, cohort.weeks, version.organisation_word) == (
        True, 20, "host organisation")
    teaching = cohort.sessions.filter(placement__isnull=True).exclude(
        kind=Session.Kind.BANK_HOLIDAY)
    assert {s.date.weekday() for s in teaching} == {Weekday.TUESDAY}
    assert teaching.get(kind=Session.Kind.PRESENTATION).week == 20
    halves = cohort.sessions.filter(placement__isnull=False).exclude(
        kind=Session.Kind.BANK_HOLIDAY)
    assert {(s.part, s.date.weekday()) for s in halves} == {
        (Session.Part.AM, Weekday.THURSDAY), (Session.Part.PM, Weekday.FRIDAY)}
    assert cohort.placements.count() == 2
    assert set(OutboundEmail.objects.filter(cohort=cohort, code="S2").values_list(
        "to_email", flat=True)) == {"trainee.derbyshire1@clic.test",
                                    "trainee.derbyshire2@clic.test"}

    client.force_login(_person("pd.derbyshire"))
    page = client.get(reverse("cohort_detail", args=[cohort.pk])).content.decode()
    assert "20 weeks, planned from Derbyshire development programme" in page
    assert "host organisation base" in page and "CCG base" not in page


def test_neither_programmes_staff_see_the_others_people():
    call_command("load_demo")
    east_kent_pd, derbyshire_pd = _person("pd"), _person("pd.derbyshire")
    # GP practices train for any programme, so their people (the Derbyshire trainees' ES)
    # are every programme's to see (clic.accounts.selectors); the programme's and its host
    # organisation's people are not.
    derbyshire_people = set(User.objects.filter(memberships__organisation__name__in=[
        demo_derbyshire.PROGRAMME_NAME, demo_derbyshire.HOST_NAME]).values_list("pk", flat=True))
    east_kent_trainees = {_person(f"trainee{n}").pk for n in range(1, 5)}
    assert len(derbyshire_people) == 5

    assert not derbyshire_people & set(people_visible_to(east_kent_pd).values_list("pk", flat=True))
    assert not east_kent_trainees & set(people_visible_to(derbyshire_pd).values_list("pk",
                                                                                     flat=True))
    assert {c.programme.name for c in cohorts_visible_to(derbyshire_pd)} == {
        "Derbyshire Clinical Commissioning Development Programme"}
    assert not any(c.programme.name.startswith("Derbyshire")
                   for c in cohorts_visible_to(east_kent_pd))
    assert {p.trainee.email for p in placements_visible_to(derbyshire_pd)} == {
        "trainee.derbyshire1@clic.test", "trainee.derbyshire2@clic.test"}
    assert not any(p.trainee.pk in derbyshire_people for p in placements_visible_to(east_kent_pd))
    assert [t.name for t in templates_visible_to(east_kent_pd)] == [
        "East Kent CLIC handbook (16 weeks)"]


def test_each_pd_gets_404_on_the_other_programmes_pages(client):
    call_command("load_demo")
    derbyshire = Cohort.objects.get(programme__name__startswith="Derbyshire")
    east_kent = Cohort.objects.filter(programme__name__startswith="HEE").first()
    template = derbyshire.template_version.template
    client.force_login(_person("pd"))
    for url in (reverse("cohort_detail", args=[derbyshire.pk]),
                reverse("template_detail", args=[template.pk]),
                reverse("placement_detail", args=[derbyshire.placements.first().pk])):
        assert client.get(url).status_code == 404, url
    assert "Derbyshire" not in client.get(reverse("people")).content.decode()
    client.force_login(_person("pd.derbyshire"))
    assert client.get(reverse("cohort_detail", args=[east_kent.pk])).status_code == 404
    people = client.get(reverse("people")).content.decode()
    assert "Dr Amy Clarke" not in people and "Dr Leah Marsh" in people


def _derbyshire_world():
    call_command("load_demo")
    cohort = Cohort.objects.get(programme__name=demo_derbyshire.PROGRAMME_NAME)
    first = cohort.placements.get(trainee__email="trainee.derbyshire1@clic.test")
    return cohort, first


def _tuesday_of(cohort, week):
    return cohort.monday_of_week(week) + datetime.timedelta(days=Weekday.TUESDAY)


def _pages(cohort, placement) -> dict[str, list[tuple[str, list[str]]]]:
    """Each Derbyshire demo person's pages, with text each must show: the programme's own
    20 weeks, Tuesday sessions, meetings and "host organisation" wording."""
    trainee = placement.trainee
    als_week = _tuesday_of(cohort, 5)
    diary = [(f"{reverse('diary_week')}?date={als_week}",
              ["Action learning set (appreciative enquiry)", "Tue"]),
             (f"{reverse('diary_month')}?date={als_week}", ["Action learning set"])]
    meetings = (reverse("meeting_list", args=[placement.pk]),
                ["Week 6 review", "Week 18 review", "Week 20 review"])
    return {
        "pd.derbyshire": [
            (reverse("home"), [trainee.full_name]),
            (reverse("cohort_detail", args=[cohort.pk]), ["20 weeks", "host organisation base"]),
            (reverse("cohort_timetable", args=[cohort.pk]), ["20-week timetable", "(Tuesdays)"]),
            (f"{reverse('cohort_timetable', args=[cohort.pk])}?week=20", ["Panel presentation"]),
            *diary, meetings,
            (reverse("absences:programme"), [trainee.full_name]),
            (reverse("mail_routing_table", args=[cohort.programme_id]), ["host organisation"]),
            (reverse("mail_outbox"), [trainee.email]),
        ],
        "supervisor.derbyshire": [
            (reverse("home"), [trainee.full_name]),
            # Their trainees' project half-days, not the programme's teaching.
            (f"{reverse('diary_week')}?date={als_week}",
             ["Commissioning cycle project work", "Thu", "Personal learning log", "Fri"]),
            meetings, (reverse("absences:supervised"), []),
        ],
        "es.derbyshire": [
            (reverse("home"), [trainee.full_name]),
            (reverse("placement_detail", args=[placement.pk]), [trainee.full_name]),
        ],
        "ccgadmin.derbyshire": [
            (reverse("absences:ccg"), [trainee.full_name, cohort.name]),
        ],
        **{person: [
            (reverse("home"), [cohort.name]), *diary,
            (reverse("meeting_list", args=[p.pk]), meetings[1]),
            (reverse("absences:report", args=[p.pk, "sickness"]),
             ["derbyshire.commissioning@clic.test", "Dr Katie Cuthbert"]),
        ] for person, p in (("trainee.derbyshire1", placement),
                            ("trainee.derbyshire2",
                             cohort.placements.exclude(pk=placement.pk).get()))},
    }


def test_every_derbyshire_person_opens_every_page_their_role_reaches(client):
    cohort, placement = _derbyshire_world()
    east_kent_trainees = [_person(f"trainee{n}").full_name for n in range(1, 5)]
    for login, pages in _pages(cohort, placement).items():
        client.force_login(_person(login))
        for url, texts in pages:
            response = client.get(url)
            assert response.status_code == 200, (login, url)
            page = response.content.decode()
            for text in texts:
                assert text in page, (login, url, text)
            assert "Wednesdays" not in page, (login, url)
            if "/meetings/" in url:
                assert "Week 8 review" not in page, login
            assert not any(name in page for name in east_kent_trainees), (login, url)


def test_a_derbyshire_trainees_feed_and_pdf_carry_the_programmes_timetable(client):
    cohort, placement = _derbyshire_world()
    trainee = placement.trainee
    feed = client.get(reverse("calendar_feed", args=[trainee.calendar_token]))
    assert feed.status_code == 200
    text = b"".join(feed.streaming_content if feed.streaming else [feed.content]).decode()
    assert "Action learning set (appreciative enquiry)" in text
    assert "Panel presentation" in text
    client.force_login(trainee)
    pdf = client.get(reverse("placement_timetable_pdf", args=[placement.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"


def test_east_kent_staff_get_404_on_derbyshire_trainees_pages(client):
    cohort, placement = _derbyshire_world()
    for login in ("pd", "supervisor", "ccgadmin"):
        client.force_login(_person(login))
        for url in (reverse("meeting_list", args=[placement.pk]),
                    reverse("placement_timetable_pdf", args=[placement.pk]),
                    reverse("absences:report", args=[placement.pk, "sickness"])):
            assert client.get(url).status_code == 404, (login, url)
        assert placement.trainee.full_name not in client.get(reverse("home")).content.decode()


def test_derbyshire_sickness_reaches_the_host_mailbox_on_a_project_half_day_only(client, clock):
    cohort, placement = _derbyshire_world()
    mailbox = "derbyshire.commissioning@clic.test"
    project_half = placement.sessions.filter(kind="project",
                                             date__gt=timezone.localdate()).first()
    teaching = cohort.sessions.filter(placement__isnull=True, kind=Session.Kind.TEACHING,
                                      date__gt=project_half.date).first()
    assert project_half.date.weekday() in (Weekday.THURSDAY, Weekday.FRIDAY)
    assert teaching.date.weekday() == Weekday.TUESDAY
    url = reverse("absences:report", args=[placement.pk, "sickness"])
    for day, told in ((project_half.date, True), (teaching.date, False)):
        clock.set(day)
        client.force_login(placement.trainee)
        data = {"first_day": day.isoformat(), "last_day": day.isoformat(), "part": "day",
                "note": "Migraine"}
        preview = html.unescape(client.post(url, {**data, "preview": "1"}).content.decode())
        assert (mailbox in preview) == told, day
        before = OutboundEmail.objects.filter(code="S5").count()
        assert client.post(url, {**data, "confirm": "1"}).status_code == 302
        absence = Absence.objects.filter(placement=placement).latest("pk")
        sent = OutboundEmail.objects.filter(code="S5").order_by("pk")[before:]
        assert (mailbox in {email.to_email for email in sent}) == told, day
        assert absence.first_day == day
        assert all("Migraine" not in email.body_text for email in sent)
        for email in sent:
            if email.to_email == mailbox:
                assert "host organisation" in email.body_text


def test_derbyshire_absence_previews_name_the_host_organisation_not_a_ccg(client, clock):
    """The preview's words for who is told follow the programme's template: a Derbyshire
    trainee reads "host organisation", an east Kent one "CCG"."""
    cohort, placement = _derbyshire_world()
    project_half = placement.sessions.filter(kind="project",
                                             date__gt=timezone.localdate()).first()
    clock.set(project_half.date)
    client.force_login(placement.trainee)
    url = reverse("absences:report", args=[placement.pk, "sickness"])
    form = html.unescape(client.get(url).content.decode())
    assert "For a host organisation project day" in form
    day = project_half.date.isoformat()
    preview = html.unescape(client.post(url, {
        "first_day": day, "last_day": day, "part": "day", "preview": "1"}).content.decode())
    assert "the host organisation admin mailbox (derbyshire.commissioning@clic.test)" in preview
    assert "host organisation project day" in preview
    assert "CCG" not in preview.split("<main", 1)[1]
    east_kent = _person("trainee1")
    client.force_login(east_kent)
    placement = east_kent.placements.order_by("-cohort__start_date").first()
    form = html.unescape(client.get(reverse("absences:report", args=[placement.pk, "sickness"]))
                         .content.decode())
    assert "For a CCG project day" in form

"""The trainee's page (issue 19, section 4): one page per trainee for everyone who may see
them, each section scoped as its own app's pages are. The URL matrix
(tests/security/test_every_url.py) says who opens it; these tests say what each sees."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.security.scene import build_scene

pytestmark = pytest.mark.django_db

SECTIONS = ("project", "meetings", "progress", "concerns", "absences", "reflective",
            "presentation", "assessments")
PROJECT = {"project", "meetings", "progress", "presentation"}

# Who sees which sections: the project's readers its project, meetings, progress and
# presentation; the concerns page's people its concerns; the absences' people (not the ES)
# its absences; the trainee, ES and PDs the reflective entries and the marks.
SEEN = {
    "pd": PROJECT | {"concerns", "absences", "reflective", "assessments"},
    "pa": {"absences"},
    "supervisor": PROJECT | {"concerns", "absences"},
    "lead": PROJECT | {"concerns", "absences"},
    "es": PROJECT | {"reflective", "assessments"},
    "chair": PROJECT | {"concerns", "absences"},
    "ccg_admin": {"absences"},
    "trainee": PROJECT | {"concerns", "absences", "reflective", "assessments"},
}


@pytest.fixture
def scene(world, settings):
    settings.CLIC_MFA_ENFORCED = False
    return build_scene(world)


def _page(client, person, placement) -> str:
    client.force_login(person)
    response = client.get(reverse("trainee_page", args=[placement.pk]))
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("who", sorted(SEEN))
def test_each_role_sees_exactly_its_sections(client, scene, who):
    html = _page(client, getattr(scene.world, who), scene.world.placement)
    shown = {section for section in SECTIONS if f'id="section-{section}"' in html}
    assert shown == SEEN[who]
    assert scene.world.trainee.full_name in html


@pytest.mark.parametrize("who", ["supervisor", "lead", "chair", "ccg_admin"])
def test_ccg_people_see_absences_without_a_reason_or_the_word_sickness(client, scene, who):
    html = _page(client, getattr(scene.world, who), scene.world.placement)
    assert "migraine" not in html and "Sickness absence" not in html
    # The CCG-day sickness, in one word, linking to its page.
    assert reverse("absences:detail", args=[scene.sickness.pk]) in html
    # The sickness on another day is none of the CCG's business.
    assert reverse("absences:detail", args=[scene.other_sickness.pk]) not in html


def test_programme_people_see_every_absence_but_never_its_note(client, scene):
    html = _page(client, scene.world.pa, scene.world.placement)
    assert "Sickness absence" in html
    assert reverse("absences:detail", args=[scene.other_sickness.pk]) in html
    assert "migraine" not in html


@pytest.mark.parametrize("who, sees", [("pd", True), ("supervisor", True), ("lead", False),
                                       ("chair", False)])
def test_concerns_listed_are_those_the_person_may_read(client, scene, who, sees):
    # The scene's concern is the CCG Supervisor's (S14): the raiser and the PDs read it.
    html = _page(client, getattr(scene.world, who), scene.world.placement)
    assert (scene.concern.summary in html) is sees


@pytest.mark.parametrize("who, sees", [("pd", True), ("es", True), ("trainee", True),
                                       ("pa", False), ("supervisor", False), ("chair", False)])
def test_marks_are_shown_only_to_the_trainee_es_and_pds(client, scene, who, sees):
    html = _page(client, getattr(scene.world, who), scene.world.placement)
    assert ("Competent" in html) is sees


@pytest.mark.parametrize("who", ["other_trainee", "other_ccg_supervisor", "other_ccg_admin",
                                 "other_pd"])
def test_outsiders_get_404(client, scene, who):
    client.force_login(getattr(scene.world, who))
    response = client.get(reverse("trainee_page", args=[scene.world.placement.pk]))
    assert response.status_code == 404


def test_staff_lists_of_trainees_link_to_the_page(client, scene):
    url = reverse("trainee_page", args=[scene.world.placement.pk])
    client.force_login(scene.world.pd)
    assert url in client.get(reverse("home")).content.decode()
    assert url in client.get(reverse("cohort_detail", args=[scene.world.cohort.pk])
                             ).content.decode()
    assert url in client.get(reverse("person_detail", args=[scene.world.trainee.pk])
                             ).content.decode()
    client.force_login(scene.world.supervisor)
    assert url in client.get(reverse("home")).content.decode()


def _count(client, person, placement) -> int:
    client.force_login(person)
    url = reverse("trainee_page", args=[placement.pk])
    client.get(url)  # warm the per-process caches
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_page_makes_the_same_queries_however_much_the_trainee_has_done(client, scene):
    from absences.models import Absence
    from absences.services import absence_report
    from assessments import services as assessment_services
    from assessments.models import Capability, ReflectiveEntry
    from projects import services as project_services

    world = scene.world
    before = {who: _count(client, getattr(world, who), world.placement) for who in SEEN}
    cohort = world.cohort
    for number in range(3):
        project_services.concern_raise(placement=world.placement, by=world.supervisor,
                                       summary=f"Concern {number}", details="Details")
        project_services.progress_add(placement=world.placement, by=world.trainee,
                                      date=cohort.start_date, text=f"Step {number}")
        assessment_services.reflective_entry_log(
            placement=world.placement, date=cohort.start_date, title=f"Entry {number}",
            kind=ReflectiveEntry.Kind.LEARNING_LOG, capability=Capability.LEADERSHIP)
    leave_day = scene.leave.first_day
    for weeks in (1, 2):
        day = leave_day + datetime.timedelta(weeks=weeks)
        if day <= cohort.end_date and day.weekday() != 2:
            absence_report(placement=world.placement, kind=Absence.Kind.ANNUAL_LEAVE,
                           first_day=day, last_day=day, reported_by=world.trainee)
    after = {who: _count(client, getattr(world, who), world.placement) for who in SEEN}
    assert after == before


def test_reflective_entries_say_which_finished_weeks_fell_below_two(client, world, settings):
    from assessments.models import Capability, ReflectiveEntry
    from assessments.services import reflective_entry_log

    settings.CLIC_MFA_ENFORCED = False
    start = world.cohort.start_date  # the cohort is in week 6
    for offset in (0, 1, 7, 14, 15, 21, 22, 28, 29):  # two a week but one in week 2
        reflective_entry_log(placement=world.placement, date=start + datetime.timedelta(days=offset),
                             title=f"Entry {offset}", kind=ReflectiveEntry.Kind.LEARNING_LOG,
                             capability=Capability.LEADERSHIP)
    html = _page(client, world.es, world.placement)
    assert "9 entries logged in 6 weeks of the rotation so far; fewer than 2 in week 2." in html

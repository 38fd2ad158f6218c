"""The list and dashboard pages that had no query-count test: the same number of queries for
a cohort of 2 trainees as for one of 5, each trainee with absences, meetings, progress,
reflective entries, a presentation slot and an evaluation answer, and the first trainee with
as many concerns, commented progress entries, reflective entries and meetings as the cohort
has trainees (so no page makes a query per row)."""

import datetime
from html import escape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from absences.models import Absence
from absences.services import absence_report
from assessments.services import (
    SlotSpec,
    evaluation_answer,
    evaluation_open,
    presentation_day_schedule,
    reflective_entry_log,
)
from clic.accounts.models import Role
from projects.models import CommissioningStage, Concern, MeetingKind
from projects.services import (
    concern_raise,
    concern_update,
    meeting_schedule,
    progress_add,
    progress_comment_add,
    project_save,
)
from rotations.models import Session
from rotations.services import cohort_publish
from tests.factories import UserFactory, this_monday
from tests.fixtures.people import give_role
from tests.rotations.helpers import cohort_with_trainees

pytestmark = pytest.mark.django_db


def _cohort(size: int, label: str) -> dict:
    """A running cohort (week 6) of `size` trainees sharing a supervisor, ES and CCG admin,
    published, each trainee with some of everything."""
    world = cohort_with_trainees(size, start=this_monday(weeks_ago=5), label=label)
    cohort, placements = world["cohort"], world["placements"]
    es = give_role(UserFactory(email=f"es-{label}@nhs.test"), Role.ES, placements[0].practice)
    for placement in placements:
        placement.educational_supervisor = es
        placement.save()
    cohort_publish(cohort=cohort, by=world["pd"])
    today = datetime.date.today()
    for number, placement in enumerate(placements):
        trainee = placement.trainee
        day = (Session.objects.filter(placement=placement, date__lt=today)
               .exclude(kind="bank_holiday").order_by("-date").first().date)
        absence_report(placement=placement, kind=Absence.Kind.SICKNESS, first_day=day,
                       last_day=day, reported_by=world["pd"])
        project_save(placement=placement, by=trainee, title=f"Project {number}",
                     ccg_priority="Frailty", aims="Fewer admissions.",
                     commissioning_stage=CommissioningStage.MONITORING)
        meeting_schedule(placement=placement, kind=MeetingKind.REVIEW_8, by=world["supervisor"],
                         date=cohort.monday_of_week(8) + datetime.timedelta(days=3),
                         start_time=datetime.time(10), end_time=datetime.time(11))
        progress_add(placement=placement, by=trainee, date=day, text="Pulled the data.")
        reflective_entry_log(placement=placement, date=day, title="Governing body",
                             kind="learning_log", capability="leadership")
    first = placements[0]
    # The first trainee's own lists grow with the cohort: one item of each per trainee.
    for number in range(size):
        concern = concern_raise(placement=first, by=world["supervisor"],
                                summary=f"Concern {number}", details="Missed a project day.")
        concern_update(concern=concern, by=world["supervisor"], status=Concern.Status.IN_HAND,
                       note="Spoke to the trainee.")
        entry = progress_add(placement=first, by=first.trainee, date=day, text=f"Step {number}.")
        progress_comment_add(entry=entry, by=world["supervisor"], text="Good progress.")
        reflective_entry_log(placement=first, date=day, title=f"Board meeting {number}",
                             kind="learning_log", capability="leadership")
    for number, kind in enumerate(EXTRA_MEETINGS[:size]):
        meeting_schedule(placement=first, kind=kind, by=world["supervisor"],
                         date=cohort.monday_of_week(9) + datetime.timedelta(days=number),
                         start_time=datetime.time(14), end_time=datetime.time(15))
    day = presentation_day_schedule(
        cohort=cohort, organiser=world["pd"],
        date=cohort.monday_of_week(16) + datetime.timedelta(days=2),
        start_time=datetime.time(13), end_time=datetime.time(17), venue="Education centre",
        slots=[SlotSpec(placement=p, order=n, start_time=datetime.time(13 + n // 3, 20 * (n % 3)),
                        length_minutes=20) for n, p in enumerate(placements, start=1)])
    evaluation_open(cohort=cohort, by=world["pd"])
    for number, placement in enumerate(placements):
        evaluation_answer(placement=placement, sessions=4, action_learning_sets=5, ccg_support=3,
                          overall=4, went_well="The project days.",
                          improve=f"Earlier timetables ({number}).")
    return {**world, "es": es, "trainee": first.trainee, "placement": first, "day": day}


# Meetings besides the week 8 review every trainee has, for the first trainee's list.
EXTRA_MEETINGS = [MeetingKind.FIRST_SUPERVISOR, MeetingKind.PROJECT_LEAD, MeetingKind.REVIEW_12,
                  MeetingKind.REVIEW_16, MeetingKind.DEPUTY_CHAIR_START]


PAGES = {
    "home (trainee)": ("trainee", lambda w: reverse("home")),
    "home (CCG Supervisor)": ("supervisor", lambda w: reverse("home")),
    "home (Educational Supervisor)": ("es", lambda w: reverse("home")),
    "home (Programme Director)": ("pd", lambda w: reverse("home")),
    "home (CCG admin)": ("admin", lambda w: reverse("home")),
    "cohort list": ("pd", lambda w: reverse("cohort_list")),
    "cohort page": ("pd", lambda w: reverse("cohort_detail", args=[w["cohort"].pk])),
    "cohort timetable": ("pd", lambda w: reverse("cohort_timetable", args=[w["cohort"].pk])),
    "cohort change log": ("pd", lambda w: reverse("cohort_changes", args=[w["cohort"].pk])),
    "people": ("pd", lambda w: reverse("people")),
    "organisations": ("pd", lambda w: reverse("organisations")),
    "person page": ("pd", lambda w: reverse("person_detail", args=[w["supervisor"].pk])),
    "outbox, one cohort": ("pd", lambda w: f"{reverse('mail_outbox')}?cohort={w['cohort'].pk}"),
    "trainee's absences": ("trainee", lambda w: reverse("absences:mine")),
    "end of rotation": ("pd", lambda w: reverse("assessments_index")),
    "reflective entries, cohort": ("pd", lambda w: reverse("reflective_overview",
                                                           args=[w["cohort"].pk])),
    "placement page": ("supervisor", lambda w: reverse("placement_detail",
                                                       args=[w["placement"].pk])),
    "placement's meetings": ("supervisor", lambda w: reverse("meeting_list",
                                                             args=[w["placement"].pk])),
    "placement's progress": ("supervisor", lambda w: reverse("progress", args=[w["placement"].pk])),
    "placement's concerns": ("pd", lambda w: reverse("concerns", args=[w["placement"].pk])),
    "placement's reflective entries": ("trainee", lambda w: reverse("reflective_entries",
                                                                    args=[w["placement"].pk])),
    "presentation slots": ("pd", lambda w: reverse("presentation_slots_edit", args=[w["day"].pk])),
    "presentation day": ("pd", lambda w: reverse("presentation_day", args=[w["day"].pk])),
    "evaluation results": ("pd", lambda w: reverse("evaluation_results", args=[w["cohort"].pk])),
}
FEEDS = {"calendar feed (CCG Supervisor)": "supervisor", "calendar feed (CCG admin)": "admin",
         "calendar feed (trainee)": "trainee"}


@pytest.fixture
def sizes(settings):
    settings.CLIC_MFA_ENFORCED = False
    return _cohort(2, "small"), _cohort(5, "large")


def _queries(client, user, url) -> tuple[int, list[str], str]:
    """The queries of one request and its page (signed in as `user`; a calendar feed is
    fetched signed out, as calendar programs do)."""
    client.logout()
    if user is not None:
        client.force_login(user)
    client.get(url)  # warm the per-process caches (content types, sessions)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries), [query["sql"] for query in queries], response.content.decode()


def _last_trainee(world) -> str:
    return world["placements"][-1].trainee.full_name


# What the larger cohort's page or feed must show of the rows that grow with it: the last of
# the first trainee's own items, or the last trainee. (A page that listed nothing would make
# the same queries at both sizes.) The pages left out list nothing that grows with the cohort
# (a cohort list of one, a trainee's own absence, a person's roles).
SHOWN = {
    "home (CCG Supervisor)": _last_trainee,
    "home (Educational Supervisor)": _last_trainee,
    "home (Programme Director)": _last_trainee,
    "home (CCG admin)": _last_trainee,
    "cohort page": _last_trainee,
    "cohort timetable": _last_trainee,
    "people": _last_trainee,
    "outbox, one cohort": _last_trainee,
    "reflective entries, cohort": _last_trainee,
    "placement's meetings": lambda w: MeetingKind.DEPUTY_CHAIR_START.label,
    "placement's progress": lambda w: "Step 4.",
    "placement's concerns": lambda w: "Concern 4",
    "placement's reflective entries": lambda w: "Board meeting 4",
    "presentation day": _last_trainee,
    "presentation slots": _last_trainee,
    "evaluation results": lambda w: "Earlier timetables (4).",
    "calendar feed (CCG Supervisor)": _last_trainee,
    "calendar feed (CCG admin)": _last_trainee,
    "calendar feed (trainee)": lambda w: MeetingKind.DEPUTY_CHAIR_START.label,
}


def test_list_dashboard_and_feed_pages_make_the_same_queries_for_2_and_5_trainees(client, sizes):
    different, missing = {}, []
    for page, (who, url) in PAGES.items():
        (small, _, _), (large, large_sql, large_page) = (
            _queries(client, world[who], url(world)) for world in sizes)
        if small != large:
            different[page] = (small, large, large_sql)
        if page in SHOWN and escape(SHOWN[page](sizes[1])) not in large_page:
            missing.append(page)
    for feed, who in FEEDS.items():
        (small, _, _), (large, large_sql, large_feed) = (
            _queries(client, None, reverse("calendar_feed", args=[world[who].calendar_token]))
            for world in sizes)
        if small != large:
            different[feed] = (small, large, large_sql)
        # Long iCalendar lines are folded (RFC 5545 3.1): unfolded before looking.
        if SHOWN[feed](sizes[1]) not in large_feed.replace("\r\n ", ""):
            missing.append(feed)
    assert not different, "\n\n".join(
        f"{page}: {small} and {large} queries\n" + "\n".join(sql)
        for page, (small, large, sql) in different.items())
    assert missing == []

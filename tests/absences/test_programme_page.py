"""The PD's "Absences of your cohorts" page: the current cohorts unless one is chosen (any
of theirs, earlier ones included), a trainee select offering the trainees shown only, the
reports fifty a page with totals that count them all, and queries that do not grow with
the years of cohorts."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from absences.models import Absence
from absences.selectors import programme_absences
from rotations.timetable import bank_holidays
from tests import factories
from tests.factories import this_monday

pytestmark = pytest.mark.django_db

URL = reverse("absences:programme")


def _weekdays(cohort, count: int) -> list[datetime.date]:
    """The first `count` rotation weekdays of a cohort that are not bank holidays."""
    closed = bank_holidays(cohort.start_date, cohort.end_date)
    days = (cohort.start_date + datetime.timedelta(days=n) for n in range(16 * 7))
    found = [day for day in days if day.weekday() < 5 and day not in closed][:count]
    assert len(found) == count
    return found


def _sicknesses(placement, count: int, by) -> list[Absence]:
    return [Absence.objects.create(placement=placement, kind=Absence.Kind.SICKNESS,
                                   first_day=day, last_day=day, reported_by=by)
            for day in _weekdays(placement.cohort, count)]


def _cohort(world, name: str, *, weeks_ago: int, absences: int = 1):
    """A cohort of the world's programme (directed by its PD) that started `weeks_ago`
    weeks ago, with one trainee named after it and their sicknesses."""
    cohort = factories.CohortFactory(name=name, programme=world.programme, ccg=world.ccg,
                                     directors=[world.pd], start_date=this_monday(weeks_ago))
    trainee = factories.UserFactory(full_name=f"Dr {name.replace(' ', '')}")
    placement = factories.PlacementFactory(cohort=cohort, trainee=trainee)
    return cohort, placement, _sicknesses(placement, absences, world.pd)


def _detail(absence) -> str:
    return reverse("absences:detail", args=[absence.pk])


def _options(page: str, name: str) -> list[tuple[str, str]]:
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', page, re.S).group(1)
    return re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select)


@pytest.fixture
def programme(world):
    """The world's current cohort (week 6), one that ended two weeks ago (still current) and
    one that ended 24 weeks ago, each with a trainee and a sickness."""
    current = world.cohort
    current_absences = _sicknesses(world.placement, 1, world.pd)
    recent, recent_placement, recent_absences = _cohort(world, "Recent", weeks_ago=18)
    earlier, earlier_placement, earlier_absences = _cohort(world, "Earlier", weeks_ago=40)
    return {"current": (current, world.placement, current_absences),
            "recent": (recent, recent_placement, recent_absences),
            "earlier": (earlier, earlier_placement, earlier_absences)}


def test_the_current_cohorts_are_shown_and_offered_by_default(client, world, programme):
    client.force_login(world.pd)
    page = client.get(URL).content.decode()
    for shown in ("current", "recent"):
        _, placement, absences = programme[shown]
        assert placement.trainee.full_name in page
        assert _detail(absences[0]) in page
    earlier, earlier_placement, earlier_absences = programme["earlier"]
    assert earlier_placement.trainee.full_name not in page
    assert _detail(earlier_absences[0]) not in page
    # Every cohort of theirs can be chosen, newest first; the trainees are the current ones.
    assert _options(page, "cohort") == [
        ("", "Current cohorts"), *((str(programme[key][0].pk), programme[key][0].name)
                                   for key in ("current", "recent", "earlier"))]
    assert {value for value, _ in _options(page, "trainee")} == {
        "", str(programme["current"][1].pk), str(programme["recent"][1].pk)}
    assert "Showing your current cohorts" in page


def test_choosing_an_earlier_cohort_shows_its_trainees_and_absences(client, world, programme):
    earlier, placement, absences = programme["earlier"]
    client.force_login(world.pd)
    page = client.get(URL, {"cohort": earlier.pk}).content.decode()
    assert f"Showing {earlier.name}." in page
    assert _detail(absences[0]) in page
    assert _options(page, "trainee") == [
        ("", "All trainees"), (str(placement.pk), f"{placement.trainee.full_name} (Earlier)")]
    assert world.trainee.full_name not in page
    assert _detail(programme["current"][2][0]) not in page
    # and one of its trainees
    page = client.get(URL, {"cohort": earlier.pk, "trainee": placement.pk}).content.decode()
    assert _detail(absences[0]) in page and "nhsuk-error-message" not in page


@pytest.mark.parametrize("params", [
    {"trainee": "earlier"},  # an earlier cohort's trainee without their cohort chosen
    {"cohort": "other"},  # another programme's cohort
    {"cohort": "999999"},
    {"cohort": "x"},
])
def test_a_cohort_or_trainee_not_offered_is_an_error_and_ignored(client, world, programme,
                                                                  params):
    from trainees.models import Placement

    other = Placement.objects.exclude(cohort__programme=world.programme).first()
    values = {"earlier": programme["earlier"][1].pk, "other": other.cohort_id}
    client.force_login(world.pd)
    response = client.get(URL, {key: values.get(value, value) for key, value in params.items()})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Select a valid choice" in page
    assert _detail(programme["current"][2][0]) in page  # the current cohorts, as by default
    assert _detail(programme["earlier"][2][0]) not in page
    assert other.trainee.full_name not in page


def test_an_invalid_filter_is_shown_and_left_out_while_the_valid_ones_apply(client, world,
                                                                           programme):
    leave = Absence.objects.create(
        placement=world.placement, kind=Absence.Kind.ANNUAL_LEAVE, state=Absence.State.APPROVED,
        first_day=_weekdays(world.cohort, 3)[-1], last_day=_weekdays(world.cohort, 3)[-1],
        reported_by=world.trainee)
    client.force_login(world.pd)

    page = client.get(URL, {"kind": Absence.Kind.ANNUAL_LEAVE, "start": "31/02/2026",
                            "end": "1 March"}).content.decode()

    assert "From must be a real date" in page and "To must be a real date" in page
    assert _detail(leave) in page
    assert _detail(programme["current"][2][0]) not in page  # a sickness: not the kind chosen


def _queries(client, params=None) -> tuple[int, str, list[str]]:
    client.get(URL, params)  # warm the per-process caches (content types, sessions)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL, params)
    assert response.status_code == 200
    return len(queries), response.content.decode(), [q["sql"] for q in queries]


def test_queries_are_the_same_with_1_and_5_earlier_cohorts(client, world):
    _sicknesses(world.placement, 2, world.pd)
    first, _, _ = _cohort(world, "Earlier 1", weeks_ago=60, absences=1)
    client.force_login(world.pd)
    small = _queries(client)
    small_chosen = _queries(client, {"cohort": first.pk})
    for n in range(2, 6):
        _cohort(world, f"Earlier {n}", weeks_ago=60 - 4 * n, absences=n)
    extra = _sicknesses(factories.PlacementFactory(cohort=world.cohort), 3, world.pd)
    large = _queries(client)
    large_chosen = _queries(client, {"cohort": first.pk})
    assert small[0] == large[0], "\n".join(large[2])
    assert small_chosen[0] == large_chosen[0], "\n".join(large_chosen[2])
    assert _detail(extra[0]) in large[1] and "Dr Earlier5" not in large[1]
    assert len(_options(large[1], "cohort")) == 7  # the empty option, 6 cohorts


def test_reports_come_fifty_a_page_and_the_totals_count_them_all(client, world):
    absences = _sicknesses(world.placement, 55, world.pd)  # latest first on the page
    client.force_login(world.pd)
    first = client.get(URL, {"kind": Absence.Kind.SICKNESS}).content.decode()
    second = client.get(URL, {"kind": Absence.Kind.SICKNESS, "page": 2}).content.decode()
    assert [a for a in absences if _detail(a) + '"' in first] == absences[5:]
    assert [a for a in absences if _detail(a) + '"' in second] == absences[:5]
    assert "Reports 1 to 50 of 55" in first and "Reports 51 to 55 of 55" in second
    # The page links keep the filters.
    assert "?kind=sickness&amp;page=2" in first and "?kind=sickness&amp;page=1" in second
    for page in (first, second):  # days away, of which CCG days, episodes, waiting
        row = re.search(r"Dr Trainee<br>.*?</tr>", page, re.S).group(0)
        # Each cell starts with its column's heading for phones (the responsive table).
        cells = re.findall(r'nhsuk-table__cell--numeric">(?:<span[^>]*>[^<]*</span>)?([^<]*)<',
                           row)
        assert cells[0] == "55" and cells[2] == "55"
    [total] = programme_absences(world.pd, today=timezone.localdate()).totals
    assert (total.days, total.episodes) == (55.0, 55)


def test_the_absences_of_trainees_outside_the_persons_cohorts_are_not_read(world):
    """The selector is the scope, whatever trainees its caller hands it: another
    programme's PD given this cohort's trainees reads none of their absences."""
    _, placement, [absence] = _cohort(world, "Spring cohort", weeks_ago=3)

    assert programme_absences(world.pd, placements=[placement],
                              today=timezone.localdate()).absences == [absence]
    outsider = programme_absences(world.other_pd, placements=[placement],
                                 today=timezone.localdate())
    assert outsider.absences == [] and outsider.totals == []

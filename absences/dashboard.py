"""What CCG people see of the trainees placed with them, always in one word per day and never
a note or a reason (docs/security.md, "Health data"): the CCG admin's dashboard of one cohort,
the CCG's absence register, a CCG Supervisor's or Project Lead's list of their trainees' CCG
days, and the home page's "away today" panel. The reads they share (timetables, routing,
what counts as a day away) are absences.selectors'."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from dateutil.relativedelta import relativedelta
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from clic.accounts.access import access_for
from clic.accounts.models import Organisation, Role
from rotations.models import Cohort
from rotations.timetable import bank_holidays
from trainees.models import Placement
from trainees.selectors import reach

from . import rules
from .models import DAY_KINDS, Absence
from .routing import RoutedDay, Timetable
from .selectors import CCG_WORDS, COUNTED, absence_routing, timetables_for


@dataclass
class CcgEntry:
    """One trainee away on one of their CCG days."""

    trainee_name: str
    placement_id: int
    date: datetime.date
    part: str
    word: str
    pending: bool
    open_ended: bool


@dataclass
class CcgTraineeRow:
    placement: Placement
    ccg_days_scheduled: float = 0.0
    ccg_days_absent: float = 0.0
    episodes: int = 0
    by_word: dict = field(default_factory=dict)


@dataclass
class CcgWeek:
    week: int
    monday: datetime.date
    absent: float = 0.0
    scheduled: float = 0.0
    bar: int = 0  # 0-100 in steps of 5: the CSS class of the chart's bar
    current: bool = False


@dataclass
class DiaryCell:
    date: datetime.date
    in_month: bool
    bank_holiday: str = ""
    # [(trainee name, part, word or "")]: each trainee's CCG day, with the absence if any.
    people: list = field(default_factory=list)


@dataclass
class CcgDashboard:
    ccgs: list[Organisation]
    cohorts: list[Cohort]
    cohort: Cohort | None
    today: datetime.date
    today_entries: list[CcgEntry]
    week_entries: list[CcgEntry]
    trainees: list[CcgTraineeRow]
    weeks: list[CcgWeek]
    month: datetime.date
    diary: list[list[DiaryCell]]
    previous_month: datetime.date
    next_month: datetime.date
    weekday_names: tuple = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")


def ccg_cohorts_of(user) -> tuple[list[Organisation], list[Cohort]]:
    """The CCGs a person runs the dashboard for (as CCG admin or Deputy Clinical Chair), and
    their cohorts: what the pages show of them, by the ids in the person's memberships
    (already read), so neither query joins."""
    ccg_ids = access_for(user).organisation_ids(*rules.CCG_DASHBOARD_ROLES)
    ccgs = list(Organisation.objects.filter(pk__in=ccg_ids, kind=Organisation.Kind.CCG)
                .only("name").order_by("name")) if ccg_ids else []
    cohorts = list(Cohort.objects.filter(ccg__in=ccgs).only("name", "start_date", "weeks",
                                                            "ccg_id")
                   .order_by("-start_date", "name")) if ccgs else []
    return ccgs, cohorts


def _choose_cohort(cohorts: list[Cohort], cohort_id, today) -> Cohort | None:
    if cohort_id:
        for cohort in cohorts:
            if cohort.pk == cohort_id:
                return cohort
        raise Http404
    running = [c for c in cohorts if c.start_date <= today <= c.end_date]
    started = [c for c in cohorts if c.start_date <= today]
    upcoming = sorted((c for c in cohorts if c.start_date > today), key=lambda c: c.start_date)
    return (running or upcoming or started or [None])[0]


def _ccg_absence_days(absences, timetables, today) -> list[tuple[Absence, RoutedDay]]:
    """The CCG-day parts of each absence (live ones: counted or pending)."""
    found = []
    for absence in absences:
        timetable = timetables.get(absence.placement_id)
        if timetable is None:
            continue
        for day in absence_routing(absence, timetable, today).ccg_days:
            found.append((absence, day))
    return found


def _ccg_halves_scheduled(timetable: Timetable) -> dict[datetime.date, str]:
    """{date: part} of every CCG project day the trainee has, per the timetable."""
    days: dict[datetime.date, set] = defaultdict(set)
    for session in timetable.sessions:
        if session.placement_id == timetable.placement_id:
            halves = timetable.ccg_halves(session.date)
            if halves:
                days[session.date] = halves
    return {day: ("day" if len(h) == 2 else next(iter(h))) for day, h in days.items()
            if not timetable.closed_reason(day)}


def ccg_dashboard(user, *, cohort_id=None, month: datetime.date | None = None) -> CcgDashboard:
    """The CCG admin's view of one cohort at their CCG: who is away on a CCG day today and
    this week (one word, no reason), a month diary of CCG days with absences on it, CCG days
    absent per trainee this rotation and per week. The same seven queries however many
    trainees there are."""
    if not rules.can_view_ccg_dashboard(user):
        raise Http404
    today = timezone.localdate()
    ccgs, cohorts = ccg_cohorts_of(user)
    if not ccgs:
        raise Http404
    cohort = _choose_cohort(cohorts, cohort_id, today)
    month = (month or (today if cohort is None or cohort.start_date <= today
                       else cohort.start_date)).replace(day=1)
    grid_start = month - datetime.timedelta(days=month.weekday())
    month_end = month + relativedelta(months=1, days=-1)
    grid_end = month_end + datetime.timedelta(days=4 - month_end.weekday())
    monday = today - datetime.timedelta(days=today.weekday())
    friday = monday + datetime.timedelta(days=4)
    empty = CcgDashboard(ccgs=ccgs, cohorts=cohorts, cohort=cohort, today=today,
                         today_entries=[], week_entries=[], trainees=[], weeks=[], month=month,
                         diary=[], previous_month=month - relativedelta(months=1),
                         next_month=month + relativedelta(months=1))
    if cohort is None:
        return empty
    placements = list(Placement.objects.filter(cohort=cohort).select_related("trainee")
                      .only("cohort_id", "trainee__full_name").order_by("trainee__full_name"))
    for placement in placements:
        placement.cohort = cohort  # the timetables need its dates
    window_start = min(cohort.start_date, grid_start, monday)
    window_end = max(cohort.end_date, grid_end, friday)
    timetables = timetables_for(placements, window_start, window_end)
    absences = list(Absence.objects.filter(
        placement__cohort=cohort, kind__in=DAY_KINDS, first_day__lte=window_end)
        .filter(COUNTED | Q(state=Absence.State.PENDING))
        .filter(Q(last_day__gte=window_start) | Q(last_day__isnull=True))
        .only("id", "placement_id", "kind", "state", "first_day", "last_day", "part"))
    names = {p.pk: p.trainee.full_name for p in placements}
    ccg_days = _ccg_absence_days(absences, timetables, today)

    def entry(absence, day):
        return CcgEntry(trainee_name=names[absence.placement_id], placement_id=absence.placement_id,
                        date=day.date, part=day.part, word=CCG_WORDS[absence.kind],
                        pending=absence.state == Absence.State.PENDING,
                        open_ended=absence.is_open)

    ordered = sorted(ccg_days, key=lambda item: (item[1].date, names[item[0].placement_id]))
    dashboard = empty
    dashboard.today_entries = [entry(a, d) for a, d in ordered if d.date == today]
    dashboard.week_entries = [entry(a, d) for a, d in ordered if monday <= d.date <= friday]

    rows = {p.pk: CcgTraineeRow(placement=p) for p in placements}
    weeks = [CcgWeek(week=w, monday=cohort.monday_of_week(w), current=cohort.week_of(today) == w)
             for w in range(1, cohort.weeks + 1)]
    scheduled = {p.pk: _ccg_halves_scheduled(timetables[p.pk]) for p in placements}
    for placement_id, days in scheduled.items():
        for day, part in days.items():
            week = cohort.week_of(day)
            amount = 1.0 if part == "day" else 0.5
            if week:
                rows[placement_id].ccg_days_scheduled += amount
                weeks[week - 1].scheduled += amount
    episodes: dict[int, set] = defaultdict(set)
    for absence, day in ccg_days:
        if absence.state == Absence.State.PENDING:
            continue
        week = cohort.week_of(day.date)
        if not week:
            continue
        row = rows[absence.placement_id]
        row.ccg_days_absent += day.days
        word = CCG_WORDS[absence.kind]
        row.by_word[word] = row.by_word.get(word, 0) + day.days
        episodes[absence.placement_id].add(absence.pk)
        weeks[week - 1].absent += day.days
    for placement_id, ids in episodes.items():
        rows[placement_id].episodes = len(ids)
    # Each bar is the share of that week's CCG days the cohort missed (1 of 4 is a quarter),
    # not a share of the busiest week, which made a single absence look like a full week.
    for w in weeks:
        w.bar = min(int(round(20 * w.absent / w.scheduled)) * 5, 100) if w.scheduled else 0
    dashboard.trainees = list(rows.values())
    dashboard.weeks = weeks

    on_day: dict[tuple[int, datetime.date], str] = {}
    for absence, day in ccg_days:
        word = CCG_WORDS[absence.kind] + (" (requested)" if absence.state == "pending" else "")
        on_day[(absence.placement_id, day.date)] = word
    closed = bank_holidays(grid_start, grid_end)
    diary, row_cells = [], []
    day = grid_start
    while day <= grid_end:
        if day.weekday() < 5:
            cell = DiaryCell(date=day, in_month=day.month == month.month,
                             bank_holiday=closed.get(day, ""))
            for placement in placements:
                part = scheduled[placement.pk].get(day)
                if part:
                    cell.people.append((placement.trainee.full_name, part,
                                        on_day.get((placement.pk, day), "")))
            row_cells.append(cell)
        if day.weekday() == 4:
            diary.append(row_cells)
            row_cells = []
        day += datetime.timedelta(days=1)
    dashboard.diary = diary
    return dashboard


@dataclass
class RegisterRow:
    trainee: str
    cohort: str
    date: datetime.date
    part: str
    word: str
    state: str
    reported_on: datetime.date

    # As CcgEntry names them, for the templates that list both.
    @property
    def trainee_name(self) -> str:
        return self.trainee

    @property
    def pending(self) -> bool:
        return self.state == "requested"


def ccg_register(user, today: datetime.date) -> list[RegisterRow]:
    """The CCG's absence register: each CCG-day absence of every trainee placed at the
    person's CCGs, one row per day, in one word, without notes or reasons."""
    if not rules.can_view_ccg_dashboard(user):
        raise Http404
    ccgs, cohorts = ccg_cohorts_of(user)
    if not ccgs:
        raise Http404
    return _register_rows(Placement.objects.filter(cohort__in=cohorts), today)


def supervised_absences(user, today: datetime.date) -> list[RegisterRow]:
    """A CCG Supervisor's or Project Lead's trainees' absences on their CCG project days,
    one row per day, in one word (as the CCG register): never a note or a reason, nothing
    of their other days."""
    if not rules.can_view_supervised_absences(user):
        raise Http404
    found = reach(user)
    return _register_rows(Placement.objects.filter(
        pk__in=found.placement_ids(Role.CCG_SUPERVISOR, Role.PROJECT_LEAD)), today)


def _register_rows(placements: QuerySet[Placement], today) -> list[RegisterRow]:
    placements = list(placements.select_related("trainee", "cohort"))
    if not placements:
        return []
    first = min(p.cohort.start_date for p in placements)
    last = max(p.cohort.end_date for p in placements)
    timetables = timetables_for(placements, first, last)
    absences = list(Absence.objects.filter(placement__in=placements, kind__in=DAY_KINDS)
                    .filter(COUNTED | Q(state=Absence.State.PENDING))
                    .select_related("placement__trainee", "placement__cohort"))
    rows = []
    for absence, day in _ccg_absence_days(absences, timetables, today):
        placement = absence.placement
        rows.append(RegisterRow(
            trainee=placement.trainee.full_name, cohort=placement.cohort.name, date=day.date,
            part=day.part, word=CCG_WORDS[absence.kind],
            state=("requested" if absence.state == Absence.State.PENDING
                   else "approved" if absence.state == Absence.State.APPROVED else "reported"),
            reported_on=timezone.localtime(absence.created_at).date()))
    return sorted(rows, key=lambda r: (r.date, r.trainee))




def ccg_away_today(user, today: datetime.date) -> list[CcgEntry]:
    """Trainees at the person's CCGs away on a CCG day today, in one word."""
    _, cohorts = ccg_cohorts_of(user)
    running = [c.pk for c in cohorts if c.start_date <= today <= c.end_date]
    if not running:
        return []
    placements = list(Placement.objects.filter(cohort__in=running).select_related("trainee",
                                                                                  "cohort"))
    timetables = timetables_for(placements, today, today)
    absences = (Absence.objects.filter(placement__in=placements, kind__in=DAY_KINDS,
                                       first_day__lte=today)
                .filter(Q(last_day__gte=today) | Q(last_day__isnull=True)).filter(COUNTED)
                .only("id", "placement_id", "kind", "state", "first_day", "last_day", "part"))
    names = {p.pk: p.trainee.full_name for p in placements}
    return sorted((CcgEntry(trainee_name=names[a.placement_id], placement_id=a.placement_id,
                            date=d.date, part=d.part, word=CCG_WORDS[a.kind], pending=False,
                            open_ended=a.is_open)
                   for a, d in _ccg_absence_days(absences, timetables, today) if d.date == today),
                  key=lambda e: e.trainee_name)

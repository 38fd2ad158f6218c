"""The national dataset: every ICB in England running the CLIC rotation for years, with the
people, timetables, absences, meetings, projects, presentations, assessments and outbox
history that would have built up (`python manage.py generate_scale`).

Why not through the services, as the demo is built: they send email (queue tasks), check
each report against the clock, and write one row at a time; ten years of a national
service is about two million rows. So this module writes rows directly, in bulk, with the
values the services would have written (timetables from rotations.timetable's own
planning functions, absences routed by absences.routing, emails to the catalogue's
recipients), dated as the history happened. Nothing is sent and no task is queued: every
email row is already `sent`.

Deterministic: the same options (seed and `today` included) give the same data."""

import datetime
import itertools
import math
import random
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone

from absences.models import Absence, AbsenceEvent
from absences.routing import (
    CODE_ORDER,
    EDUCATIONAL_KINDS,
    Timetable,
    part_for_session,
    route,
    sop_days,
)
from assessments.models import (
    Capability,
    CapabilityGrade,
    CaseBasedDiscussion,
    EvaluationCompletion,
    EvaluationResponse,
    EvaluationResultsShare,
    EvaluationRound,
    Grade,
    PresentationAssessment,
    PresentationDay,
    PresentationFeedback,
    PresentationInvitation,
    PresentationSlot,
    ReflectiveEntry,
    evaluation_weeks,
)
from clic.accounts.models import Organisation, Role, RoleMembership, User
from clic.mail.catalogue import BY_CODE, Recipient
from clic.mail.demo import host_organisation_wording
from clic.mail.models import RoutingTable
from clic.mail.routing import default_table
from projects.models import (
    HR_ITEM_KEYS,
    CommissioningStage,
    CommitteeSubmission,
    Concern,
    ConcernNote,
    HRChecklist,
    Meeting,
    MeetingNotice,
    ProgressComment,
    ProgressEntry,
    Project,
    SummaryUpload,
    meeting_specs,
)
from rotations.models import Cohort, CohortChange, Session, TemplateVersion
from rotations.selectors import default_template_version
from rotations.timetable import bank_holidays, plan_cohort_sessions, plan_placement_sessions
from trainees import demo_derbyshire
from trainees.models import Placement, Weekday

from . import names
from .bulk import Ids, Table
from .outbox import CohortPeople, Outbox, calendar_attachment, resolve, stable_token

DOMAIN = "scale.nhs.test"
# Not a usable password hash: nobody can sign in as a generated person (and hashing
# thousands of passwords would take minutes).
UNUSABLE_PASSWORD = "!generated-for-scale"
SUPERVISORS, LEADS, PRACTICES = 3, 4, 8
ABSENCE_KINDS = ((Absence.Kind.SICKNESS, 40), (Absence.Kind.ANNUAL_LEAVE, 30),
                 (Absence.Kind.STUDY_LEAVE, 12), (Absence.Kind.CANNOT_ATTEND, 10),
                 (Absence.Kind.RUNNING_LATE, 8))
# Reflective entries logged in a week, and how often (about 1.5 a week against the 2 asked).
ENTRIES_A_WEEK = ((0, 15), (1, 30), (2, 40), (3, 15))
PRESENTING = "Presenting"
# Every third programme (from the second) runs the second programme type.
SECOND_TYPE_EVERY = 3


@dataclass(frozen=True)
class Options:
    icbs: int = 42
    years: int = 10
    cohorts_per_year: int = 3
    trainees: int = 6
    icbs_per_programme: int = 3
    seed: int = 1
    today: datetime.date | None = None


class AlreadyGenerated(Exception):
    pass


def ccg_names(count: int) -> list[str]:
    return [f"NHS {names.ICB_NAMES[n]} ICB" if n < len(names.ICB_NAMES) else f"NHS Area {n + 1} ICB"
            for n in range(count)]


def generate(options: Options, *, log=print, analyze: bool = True) -> Counter:
    """Build the dataset in one transaction, then (unless told not to) vacuum it and refresh
    the planner's statistics. Returns the number of rows written per table (and emails per
    SOP code, as `email <code>`).

    Tests pass analyze=False: the row counts it records outlive the test's rolled-back
    transaction, and later tests' queries would be planned for tables that look empty."""
    if Organisation.objects.filter(kind=Organisation.Kind.CCG,
                                   name__in=ccg_names(options.icbs)).exists():
        raise AlreadyGenerated("This database already holds a generated dataset: generate "
                               "into a fresh database.")
    generator = Generator(options, log)
    with transaction.atomic():
        generator.run()
    if analyze:
        started = time.monotonic()
        with connection.cursor() as cursor:
            # After a bulk load the planner knows nothing of the new rows, and every page of
            # them waits for a first vacuum (visibility map, hint bits), until autovacuum
            # catches up: in the benchmark it did so while pages were being timed. A live
            # service would have had both all along. (Inside a test's transaction, where
            # VACUUM cannot run, the statistics only.)
            cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
        log(f"  vacuumed and statistics refreshed in {time.monotonic() - started:.0f} s")
    return generator.counts


def aware(day: datetime.date, at: datetime.time = datetime.time(9, 0)) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, at))


@dataclass
class CcgStaff:
    ccg: Organisation
    short: str
    supervisors: list[User] = field(default_factory=list)
    leads: list[User] = field(default_factory=list)
    admin: User | None = None
    chair: User | None = None
    practices: list[Organisation] = field(default_factory=list)
    # GP trainers (Educational Supervisors) of each practice.
    trainers: dict[int, list[User]] = field(default_factory=dict)


@dataclass
class ProgrammeStaff:
    programme: Organisation
    directors: list[User] = field(default_factory=list)
    administrator: User | None = None
    template_version: TemplateVersion | None = None
    routing_table: RoutingTable | None = None


class Generator:
    def __init__(self, options: Options, log):
        self.options = options
        self.today = options.today or timezone.localdate()
        self.now = aware(self.today, datetime.time(9, 0))
        self.random = random.Random(options.seed)
        self.log = log
        self.counts: Counter = Counter()
        self._serial = itertools.count(1)
        self.outbox = Outbox(now=self.now)
        self.tables = self._tables()
        self.ids = {model: Ids(model) for model in (
            Session, Absence, AbsenceEvent, Meeting, ProgressEntry, Concern, SummaryUpload,
            CommitteeSubmission, PresentationDay, PresentationSlot, PresentationAssessment,
            CaseBasedDiscussion, EvaluationRound)}
        self.started = time.monotonic()

    # Tables written with COPY, and their columns ---------------------------------------

    def _tables(self) -> dict[str, Table]:
        specs = {
            "session": (Session, ["id", "cohort_id", "placement_id", "week", "date", "part",
                                  "start_time", "end_time", "kind", "title", "venue",
                                  "facilitator_id", "notes", "status", "uid", "sequence",
                                  "created_at", "updated_at"]),
            "change": (CohortChange, ["cohort_id", "session_id", "placement_id", "actor_id",
                                      "action", "summary", "details", "created_at"]),
            "absence": (Absence, ["id", "placement_id", "kind", "first_day", "last_day", "part",
                                  "session_id", "meeting_id", "expected_arrival", "note", "state",
                                  "decision_comment", "decided_by_id", "decided_at",
                                  "reported_by_id", "version", "notified_codes", "created_at",
                                  "updated_at"]),
            "absence_event": (AbsenceEvent, ["id", "absence_id", "action", "actor_id", "summary",
                                             "created_at"]),
            "meeting": (Meeting, ["id", "placement_id", "kind", "status", "date", "start_time",
                                  "end_time", "venue", "scheduled_by_id", "notes",
                                  "agreed_actions", "recorded_by_id", "recorded_at", "uid",
                                  "sequence", "created_at", "updated_at"]),
            "notice": (MeetingNotice, ["placement_id", "kind", "stage", "sent_on", "recipients",
                                       "created_at"]),
            "project": (Project, ["placement_id", "title", "ccg_priority", "priority_source_url",
                                  "aims", "commissioning_stage", "clinical_lead_name", "status",
                                  "proposed_at", "agreed_at", "agreed_by_id", "started_at",
                                  "completed_at", "confirmed_at", "confirmed_by_id", "created_at",
                                  "updated_at"]),
            "progress": (ProgressEntry, ["id", "placement_id", "author_id", "date", "text",
                                         "created_at"]),
            "comment": (ProgressComment, ["entry_id", "author_id", "text", "created_at"]),
            "hr": (HRChecklist, ["placement_id", *[f"{key}_on" for key in HR_ITEM_KEYS],
                                 "confidentiality_agreement", "confidentiality_agreement_name",
                                 "updated_at"]),
            "concern": (Concern, ["id", "placement_id", "raised_by_id", "raised_as", "summary",
                                  "details", "status", "shared_with_trainee", "created_at",
                                  "updated_at"]),
            "concern_note": (ConcernNote, ["concern_id", "author_id", "text", "status",
                                           "created_at"]),
            "upload": (SummaryUpload, ["id", "placement_id", "outcome_file", "outcome_name",
                                       "slide_file", "slide_name", "uploaded_by_id",
                                       "uploaded_at"]),
            "submission": (CommitteeSubmission, ["id", "placement_id", "upload_id",
                                                 "submitted_by_id", "submitted_at", "to_email"]),
            "day": (PresentationDay, ["id", "cohort_id", "date", "start_time", "end_time",
                                      "venue", "online_url", "notes", "status", "organiser_id",
                                      "uid", "sequence", "created_at", "updated_at"]),
            "slot": (PresentationSlot, ["id", "day_id", "placement_id", "order", "start_time",
                                        "length_minutes", "title"]),
            "invitation": (PresentationInvitation, [
                "day_id", "person_id", "reasons", "response", "responded_at", "attendance",
                "attendance_recorded_at", "attendance_recorded_by_id", "created_at"]),
            "feedback": (PresentationFeedback, [
                "slot_id", "giver_id", "went_well", "could_be_better", "relevance", "leadership",
                "communication", "anonymous", "created_at"]),
            "presentation_assessment": (PresentationAssessment, [
                "id", "placement_id", "relevance", "leadership", "communication", "outcome",
                "feedback", "assessed_by_id", "recorded_at", "version"]),
            "cbd": (CaseBasedDiscussion, ["id", "placement_id", "case", "outcome", "feedback",
                                          "assessed_by_id", "recorded_at", "version"]),
            "capability": (CapabilityGrade, ["cbd_id", "capability", "grade", "justification",
                                             "position"]),
            "reflection": (ReflectiveEntry, ["placement_id", "date", "title", "kind",
                                             "capability", "portfolio_url", "created_at"]),
            "evaluation": (EvaluationRound, ["id", "cohort_id", "opened_at", "opened_by_id"]),
            "completion": (EvaluationCompletion, ["round_id", "placement_id", "answered_at"]),
            "response": (EvaluationResponse, ["id", "round_id", "sessions", "action_learning_sets",
                                              "ccg_support", "overall", "went_well", "improve",
                                              "other_comments"]),
            "share": (EvaluationResultsShare, ["round_id", "response_count", "sent_by_id",
                                               "sent_at"]),
        }
        tables = {name: Table.of(model, columns) for name, (model, columns) in specs.items()}
        tables["attendee"] = Table(Meeting.attendees.through._meta.db_table,
                                   ["meeting_id", "user_id"])
        return tables

    def _progress(self, message: str) -> None:
        self.log(f"  {time.monotonic() - self.started:6.0f} s  {message}")

    # The run -----------------------------------------------------------------------------

    def run(self) -> None:
        self._organisations()
        self._staff()
        self._cohorts()
        self._progress(f"{self.counts['cohorts']} cohorts, {self.counts['placements']} "
                       f"placements, {self.counts['users']} people")
        for number, cohort in enumerate(self.cohorts, start=1):
            self._history(cohort)
            if number % 100 == 0:
                self._progress(f"history of {number} cohorts")
        for name, table in [*self.tables.items(), ("email", self.outbox.table)]:
            table.flush()
            self.counts[name] = table.rows
        for code, count in sorted(self.outbox.by_code.items()):
            self.counts[f"email {code}"] = count
        self._progress("all rows written")

    # People and organisations --------------------------------------------------------------

    def _person(self, *, job_title: str, doctor: bool = False,
                joined: datetime.date | None = None) -> User:
        first, last = self.random.choice(names.FIRST_NAMES), self.random.choice(names.SURNAMES)
        serial = next(self._serial)
        email = f"{first}.{last}.{serial}@{DOMAIN}".lower()
        return User(email=email, full_name=f"{'Dr ' if doctor else ''}{first} {last}",
                    job_title=job_title, phone=f"0300 {100000 + serial:06d}",
                    password=UNUSABLE_PASSWORD,
                    date_joined=aware(joined or self.first_day, datetime.time(8, 0)),
                    calendar_token=stable_token("calendar", self.options.seed, email))

    @property
    def first_day(self) -> datetime.date:
        return self.today - datetime.timedelta(days=round(365.25 * self.options.years) + 120)

    def _organisations(self) -> None:
        options = self.options
        ccgs = [Organisation(kind=Organisation.Kind.CCG, name=name,
                             admin_mailbox=f"icb{n + 1:02d}.clic-admin@{DOMAIN}",
                             committee_email=f"icb{n + 1:02d}.clinical-assurance@{DOMAIN}",
                             address=f"{name} offices")
                for n, name in enumerate(ccg_names(options.icbs))]
        Organisation.objects.bulk_create(ccgs, batch_size=1000)
        self.staff = [CcgStaff(ccg=ccg, short=ccg.name.removeprefix("NHS ").removesuffix(" ICB"))
                      for ccg in ccgs]
        programme_count = math.ceil(options.icbs / options.icbs_per_programme)
        programmes = [Organisation(
            kind=Organisation.Kind.PROGRAMME,
            name=f"GP Specialty Training: {self.staff[n * options.icbs_per_programme].short} "
                 f"and neighbours") for n in range(programme_count)]
        Organisation.objects.bulk_create(programmes, batch_size=1000)
        self.programmes = [ProgrammeStaff(programme=p) for p in programmes]
        practices = []
        for staff in self.staff:
            for word in self.random.sample(names.PRACTICE_WORDS, PRACTICES):
                practice = Organisation(
                    kind=Organisation.Kind.PRACTICE,
                    name=f"{word} {self.random.choice(names.PRACTICE_KINDS)}, {staff.short}")
                staff.practices.append(practice)
                practices.append(practice)
        Organisation.objects.bulk_create(practices, batch_size=1000)
        self.counts["organisations"] = len(ccgs) + len(programmes) + len(practices)

    def programme_of(self, staff: CcgStaff) -> ProgrammeStaff:
        return self.programmes[self.staff.index(staff) // self.options.icbs_per_programme]

    def _staff(self) -> None:
        people, memberships = [], []

        def hire(role, organisation, **kwargs) -> User:
            person = self._person(**kwargs)
            people.append(person)
            memberships.append((person, role, organisation))
            return person

        for programme in self.programmes:
            programme.directors = [hire(Role.PD, programme.programme, doctor=True,
                                        job_title="GP Programme Director") for _ in range(2)]
            programme.administrator = hire(Role.PA, programme.programme,
                                           job_title="Programme Administrator")
        for staff in self.staff:
            ccg = staff.ccg
            staff.supervisors = [hire(Role.CCG_SUPERVISOR, ccg, job_title="Head of Quality")
                                 for _ in range(SUPERVISORS)]
            staff.leads = [hire(Role.PROJECT_LEAD, ccg, job_title="Commissioning Manager")
                           for _ in range(LEADS)]
            staff.admin = hire(Role.CCG_ADMIN, ccg, job_title="CCG Admin Support")
            staff.chair = hire(Role.DEPUTY_CHAIR, ccg, doctor=True,
                               job_title="Deputy Clinical Chair")
            for practice in staff.practices:
                staff.trainers[practice.pk] = [
                    hire(Role.ES, practice, doctor=True, job_title="GP Trainer")
                    for _ in range(1 if self.random.random() < 0.75 else 2)]
        self._save_people(people, memberships)

    def _save_people(self, people: list[User], memberships: list[tuple]) -> None:
        User.objects.bulk_create(people, batch_size=2000)
        RoleMembership.objects.bulk_create(
            [RoleMembership(user=person, role=role, organisation=organisation,
                            created_at=person.date_joined)
             for person, role, organisation in memberships], batch_size=2000)
        self.counts["users"] += len(people)
        self.counts["role memberships"] += len(memberships)

    # Cohorts and placements ----------------------------------------------------------------

    def term_starts(self, offset_weeks: int) -> list[datetime.date]:
        """The Mondays cohorts start on: `cohorts_per_year` terms a year (from January),
        staggered by a few weeks between ICBs, over the last `years` years up to today."""
        per_year = self.options.cohorts_per_year
        earliest = self.today - datetime.timedelta(days=round(365.25 * self.options.years))
        starts = []
        for year in range(earliest.year, self.today.year + 1):
            for term in range(per_year):
                first = datetime.date(year, 1 + term * 12 // per_year, 1)
                monday = first + datetime.timedelta(days=(7 - first.weekday()) % 7,
                                                    weeks=offset_weeks)
                if earliest < monday <= self.today:
                    starts.append(monday)
        return starts

    def _cohorts(self) -> None:
        options = self.options
        cohorts, trainees, memberships = [], [], []
        # Two programmes in three run east Kent's handbook (the migration's template) and
        # its "who is told what"; every third, from the second, a template and table of its
        # own shaped like the demo's Derbyshire programme.
        handbook = default_template_version(self.programmes[0].programme)
        for number, programme in enumerate(self.programmes):
            if number % SECOND_TYPE_EVERY == 1:
                programme.template_version = demo_derbyshire.template_make(
                    programme.directors[0], programme.programme,
                    name="Clinical commissioning development programme (20 weeks)")
                programme.routing_table = host_organisation_wording(
                    programme.programme, by=programme.directors[0])
            else:
                programme.template_version, programme.routing_table = handbook, default_table()
        for index, staff in enumerate(self.staff):
            programme = self.programme_of(staff)
            for term, start in enumerate(self.term_starts(offset_weeks=index % 4)):
                published = aware(start - datetime.timedelta(weeks=8), datetime.time(10, 0))
                cohort = Cohort(
                    name=f"{staff.short} CLIC {start:%B %Y}", programme=programme.programme,
                    ccg=staff.ccg, start_date=start, als_facilitator=programme.directors[term % 2],
                    teaching_venue=f"{staff.short} GP education centre",
                    ccg_venue=f"{staff.ccg.name} offices", status=Cohort.Status.PUBLISHED,
                    template_version=programme.template_version,
                    weeks=programme.template_version.weeks,
                    published_at=published, published_by=programme.directors[0])
                cohort.scale_staff, cohort.scale_programme = staff, programme
                cohort.scale_key = (index, term)
                cohorts.append(cohort)
                for _ in range(options.trainees):
                    trainee = self._person(doctor=True, joined=start - datetime.timedelta(weeks=9),
                                           job_title="GP Specialty Trainee (ST2)")
                    trainees.append((cohort, trainee))
                    memberships.append((trainee, Role.TRAINEE, programme.programme))
        Cohort.objects.bulk_create(cohorts, batch_size=1000)
        Cohort.directors.through.objects.bulk_create(
            [Cohort.directors.through(cohort_id=cohort.pk, user_id=director.pk)
             for cohort in cohorts for director in cohort.scale_programme.directors],
            batch_size=5000)
        self._save_people([trainee for _, trainee in trainees], memberships)
        placements = []
        for cohort, trainee in trainees:
            staff = cohort.scale_staff
            practice = self.random.choice(staff.practices)
            version = cohort.template_version
            day = (self.random.choices([Weekday.THURSDAY, Weekday.TUESDAY, Weekday.MONDAY],
                                       weights=[85, 10, 5])[0]
                   if version.other_project_day_allowed else version.project_weekday)
            moved = day != Weekday.THURSDAY
            placement = Placement(
                cohort=cohort, trainee=trainee, practice=practice,
                educational_supervisor=self.random.choice(staff.trainers[practice.pk]),
                ccg_supervisor=self.random.choice(staff.supervisors),
                project_lead=self.random.choice(staff.leads), project_day=day,
                project_day_agreed_by_pd=moved, project_day_agreed_by_es=moved,
                project_day_agreed_by_supervisor=moved)
            # A quarter of the Project Leads were named once the rotation began (S4).
            placement.scale_lead_named_late = self.random.random() < 0.25
            placements.append(placement)
        Placement.objects.bulk_create(placements, batch_size=2000)
        by_cohort: dict[int, list[Placement]] = {}
        for placement in placements:
            by_cohort.setdefault(placement.cohort_id, []).append(placement)
        for cohort in cohorts:
            cohort.scale_placements = by_cohort[cohort.pk]
        self.cohorts = cohorts
        self.counts["cohorts"] = len(cohorts)
        self.counts["cohorts on a programme's own template"] = sum(
            1 for cohort in cohorts if cohort.template_version.template.programme_id)
        self.counts["placements"] = len(placements)

    # One cohort's history ------------------------------------------------------------------

    def _history(self, cohort: Cohort) -> None:
        staff, programme = cohort.scale_staff, cohort.scale_programme
        placements = cohort.scale_placements
        people = CohortPeople(
            cohort=cohort, placements=placements, directors=programme.directors,
            administrators=[programme.administrator], deputy_chairs=[staff.chair],
            admin_mailbox=staff.ccg.admin_mailbox, committee_email=staff.ccg.committee_email,
            routing_table=programme.routing_table)
        pd = programme.directors[0]
        self._changes(cohort, pd)
        for placement in placements:
            # Publishing allocates each trainee: S1 to the supervisor, CCG admin and PDs,
            # S2 to the trainee, S3 to the supervisor (rotations.notifications).
            for code, suffix in (("S1", "allocated"), ("S2", "welcome"), ("S3", "first-meeting")):
                self.outbox.send(code=code, event_key=f"placement:{placement.pk}:{suffix}",
                                 about_model=Placement, about_id=placement.pk, people=people,
                                 placement=placement, at=cohort.published_at)
            if placement.scale_lead_named_late:
                self.outbox.send(
                    code="S4", people=people, placement=placement, about_model=Placement,
                    about_id=placement.pk,
                    event_key=f"s4:placement:{placement.pk}:lead:{placement.project_lead_id}",
                    at=aware(cohort.start_date + datetime.timedelta(days=2), datetime.time(11)))
        timetables = self._sessions(cohort, people, pd)
        for placement in placements:
            self._absences(placement, timetables[placement.pk], people)
            self._meetings(placement, people)
            self._project(placement, people)
            self._reflections(placement, people)
        self._presentations(cohort, people)
        self._evaluation(cohort, people)

    def _stage(self, cohort: Cohort) -> str:
        if self.today > cohort.end_date:
            return "ended"
        return "running"

    def _changes(self, cohort: Cohort, pd: User) -> None:
        table = self.tables["change"]
        table.add(cohort.pk, None, None, pd.pk, CohortChange.Action.CREATED,
                  f"Cohort created: {cohort.name}", {},
                  cohort.published_at - datetime.timedelta(weeks=2))
        for placement in cohort.scale_placements:
            table.add(cohort.pk, None, placement.pk, pd.pk, CohortChange.Action.TRAINEE_ADDED,
                      f"{placement.trainee} added", {},
                      cohort.published_at - datetime.timedelta(weeks=1))
        table.add(cohort.pk, None, None, pd.pk, CohortChange.Action.PUBLISHED,
                  f"Timetable published for {len(cohort.scale_placements)} trainees; S1, S2 and "
                  "S3 emails queued", {}, cohort.published_at)

    def _sessions(self, cohort: Cohort, people: CohortPeople, pd: User) -> dict[int, Timetable]:
        """The timetable as publishing makes it (rotations.timetable), one Wednesday teaching
        session later given its topic and moved (an S10 to the cohort)."""
        planned = plan_cohort_sessions(cohort)
        for placement in cohort.scale_placements:
            placement.cohort = cohort
            planned.extend(plan_placement_sessions(placement))
        changed_week = self.random.randint(3, cohort.weeks - 1)
        changed = next((s for s in planned if s.placement_id is None and s.week == changed_week
                        and s.kind == Session.Kind.TEACHING), None)
        change_at = None
        if changed is not None:
            change_at = aware(changed.date - datetime.timedelta(days=6), datetime.time(14, 0))
            if change_at > self.now:
                changed, change_at = None, None
        table = self.tables["session"]
        ids = self.ids[Session]
        for number, session in enumerate(planned):
            session.pk = ids.next()
            session.uid = f"{stable_token('session', self.options.seed, *cohort.scale_key, number)}@clic"
            updated = cohort.published_at
            if session is changed:
                session.title = "Workshop: population health and the ICB's priorities"
                session.venue = f"{cohort.ccg.name} offices, board room"
                session.sequence = 1
                updated = change_at
            table.add(session.pk, cohort.pk, session.placement_id, session.week, session.date,
                      session.part, session.start_time, session.end_time, session.kind,
                      session.title, session.venue, session.facilitator_id, session.notes,
                      session.status, session.uid, session.sequence, cohort.published_at,
                      updated)
        if changed is not None:
            self.tables["change"].add(
                cohort.pk, changed.pk, None, pd.pk, CohortChange.Action.SESSION_EDITED,
                f"Week {changed.week} teaching changed", {"Title": ["", changed.title]},
                change_at)
            # rotations.notifications.session_changed: the cohort's trainees (and the
            # facilitator, if any) are named by the event.
            recipients = [p.trainee for p in cohort.scale_placements]
            self.outbox.send(
                code="S10", event_key=f"session:{changed.pk}:v{changed.sequence}",
                about_model=Session, about_id=changed.pk, people=people, at=change_at,
                recipients=recipients, attachments=[calendar_attachment(
                    uid=changed.uid, sequence=changed.sequence, summary=changed.title,
                    start=aware(changed.date, changed.start_time),
                    end=aware(changed.date, changed.end_time))])
        closed = bank_holidays(cohort.start_date, cohort.end_date)
        shared = [s for s in planned if s.placement_id is None]
        cohort.scale_sessions = planned
        return {p.pk: Timetable(placement_id=p.pk, rotation_start=cohort.start_date,
                                rotation_end=cohort.end_date,
                                sessions=shared + [s for s in planned if s.placement_id == p.pk],
                                bank_holidays=closed)
                for p in cohort.scale_placements}

    # Absences ------------------------------------------------------------------------------

    def _absences(self, placement: Placement, timetable: Timetable, people: CohortPeople) -> None:
        cohort = placement.cohort
        rotation_days = [day for day in (cohort.start_date + datetime.timedelta(days=n)
                                         for n in range(cohort.weeks * 7))
                         if not timetable.closed_reason(day)]
        taken: set[tuple[datetime.date, str]] = set()
        kinds, weights = zip(*ABSENCE_KINDS, strict=True)
        for _ in range(self.random.choice((4, 5, 5, 6, 6, 7, 7))):
            kind = self.random.choices(kinds, weights=weights)[0]
            if kind in (Absence.Kind.CANNOT_ATTEND, Absence.Kind.RUNNING_LATE):
                self._session_absence(placement, kind, timetable, people, taken)
            else:
                self._day_absence(placement, kind, timetable, rotation_days, people, taken)

    def _free(self, taken, first, last, part) -> bool:
        halves = ("am", "pm") if part == Absence.Part.DAY else (part,)
        days = [first + datetime.timedelta(days=n) for n in range((last - first).days + 1)]
        return not any((day, half) in taken for day in days for half in halves)

    def _take(self, taken, first, last, part) -> None:
        halves = ("am", "pm") if part == Absence.Part.DAY else (part,)
        for n in range((last - first).days + 1):
            for half in halves:
                taken.add((first + datetime.timedelta(days=n), half))

    def _day_absence(self, placement, kind, timetable, rotation_days, people, taken) -> None:
        """Sickness, annual or study leave on rotation days, routed by the timetable."""
        first = self.random.choice(rotation_days)
        if kind == Absence.Kind.SICKNESS:
            length = self.random.choices((1, 2, 3, 4, 5), weights=(60, 25, 7, 5, 3))[0]
        elif kind == Absence.Kind.ANNUAL_LEAVE:
            length = self.random.choices((1, 2, 3, 5), weights=(40, 25, 15, 20))[0]
        else:
            length = self.random.choice((1, 1, 2))
        last = min(first + datetime.timedelta(days=length - 1), timetable.rotation_end)
        while timetable.closed_reason(last):
            last -= datetime.timedelta(days=1)
        part = Absence.Part.DAY
        if first == last and self.random.random() < 0.15:
            part = self.random.choice((Absence.Part.AM, Absence.Part.PM))
        reported = (aware(first, datetime.time(7, 45)) if kind == Absence.Kind.SICKNESS
                    else aware(first - datetime.timedelta(weeks=3), datetime.time(20, 0)))
        if kind == Absence.Kind.SICKNESS and first > self.today:
            return  # sickness is not reported ahead
        if reported > self.now or not self._free(taken, first, last, part):
            return
        self._take(taken, first, last, part)
        state = Absence.State.REPORTED
        if kind != Absence.Kind.SICKNESS:
            state = (Absence.State.PENDING if first > self.today + datetime.timedelta(days=7)
                     else self.random.choices((Absence.State.APPROVED, Absence.State.DECLINED),
                                              weights=(90, 10))[0])
        routing = route(timetable, first, last, part)
        self._absence(placement, people, kind=kind, first=first, last=last, part=part,
                      state=state, codes=sop_days(kind, routing), reported=reported)

    def _session_absence(self, placement, kind, timetable, people, taken) -> None:
        """Cannot attend an educational session (S8), or running late for a session (S9)."""
        if kind == Absence.Kind.CANNOT_ATTEND:
            choices = [s for s in timetable.sessions if s.kind in EDUCATIONAL_KINDS]
        else:
            choices = [s for s in timetable.sessions if s.kind != Session.Kind.BANK_HOLIDAY]
        session = self.random.choice(choices)
        part = part_for_session(session)
        reported = (aware(session.date - datetime.timedelta(days=5), datetime.time(18, 0))
                    if kind == Absence.Kind.CANNOT_ATTEND
                    else aware(session.date, datetime.time(8, 50)))
        if reported > self.now:
            return
        if kind == Absence.Kind.CANNOT_ATTEND:
            if not self._free(taken, session.date, session.date, part):
                return
            self._take(taken, session.date, session.date, part)
            codes = sop_days(kind, route(timetable, session.date, session.date, part))
            recipients = None
        else:
            codes = {"S9": []}
            # absences.routing.late_recipients: a CCG session's supervisor and lead; a
            # cohort session's PDs and facilitator.
            recipients = ([Recipient.CCG_SUPERVISOR, Recipient.PROJECT_LEAD]
                          if session.placement_id else
                          [Recipient.PD] + ([session.facilitator] if session.facilitator_id
                                            else []))
        self._absence(placement, people, kind=kind, first=session.date, last=session.date,
                      part=part, state=Absence.State.REPORTED, codes=codes, reported=reported,
                      session=session, recipients=recipients)

    def _absence(self, placement, people, *, kind, first, last, part, state, codes, reported,
                 session=None, recipients=None) -> None:
        absence_id = self.ids[Absence].next()
        trainee = placement.trainee
        programme = placement.cohort.scale_programme
        reporter = trainee if self.random.random() < 0.9 else programme.administrator
        decided_by, decided_at, comment = None, None, ""
        if state in (Absence.State.APPROVED, Absence.State.DECLINED):
            decided_by = programme.directors[absence_id % 2]
            decided_at = reported + datetime.timedelta(days=2)
            comment = "Approved." if state == Absence.State.APPROVED else (
                "Declined: it clashes with your presentation preparation.")
        ordered = [code for code in CODE_ORDER if code in codes]
        self.tables["absence"].add(
            absence_id, placement.pk, kind, first, last, part,
            session.pk if session else None, None,
            datetime.time(9, 20) if kind == Absence.Kind.RUNNING_LATE else None, "", state,
            comment, decided_by.pk if decided_by else None, decided_at, reporter.pk, 1, ordered,
            reported, decided_at or reported)
        events = self.tables["absence_event"]
        events.add(self.ids[AbsenceEvent].next(), absence_id, AbsenceEvent.Action.REPORTED,
                   reporter.pk, f"{Absence.Kind(kind).label} reported by {reporter}.", reported)
        for code in ordered:
            self.outbox.send(code=code, event_key=f"absence:{absence_id}:v1:{code}",
                             about_model=Absence, about_id=absence_id, people=people,
                             placement=placement, at=reported, recipients=recipients)
        if decided_by is not None:
            event_id = self.ids[AbsenceEvent].next()
            approved = state == Absence.State.APPROVED
            events.add(event_id, absence_id,
                       AbsenceEvent.Action.APPROVED if approved else AbsenceEvent.Action.DECLINED,
                       decided_by.pk, f"{Absence.Kind(kind).label}: "
                       f"{'approved' if approved else 'declined'} by {decided_by}.", decided_at)
            self.outbox.send(code="ABS-DECISION", event_key=f"absence:{absence_id}:decision:"
                             f"{event_id}", about_model=Absence, about_id=absence_id,
                             people=people, placement=placement, at=decided_at)

    # Meetings, project, progress, HR checklist, concerns, summaries --------------------------

    def _meetings(self, placement: Placement, people: CohortPeople) -> None:
        cohort = placement.cohort
        roles = {"ccg_supervisor": placement.ccg_supervisor, "project_lead": placement.project_lead,
                 "deputy_chair": cohort.scale_staff.chair, "trainee": placement.trainee}
        for spec in meeting_specs(cohort):
            if spec.optional and self.random.random() < 0.5:
                continue
            late = not spec.optional and self.random.random() < 0.1
            week = self.random.randint(spec.first_week, spec.last_week) + (1 if late else 0)
            date = cohort.monday_of_week(min(week, cohort.weeks)) + datetime.timedelta(
                days=placement.project_day)
            if date > self.today + datetime.timedelta(days=14):
                continue
            held = date < self.today
            arranger = roles[spec.arranger]
            meeting_id = self.ids[Meeting].next()
            start = datetime.time(10, 0) if spec.arranger != "trainee" else datetime.time(14, 0)
            created = aware(date - datetime.timedelta(days=10), datetime.time(12, 0))
            recorded = aware(date, datetime.time(17, 0)) if held else None
            self.tables["meeting"].add(
                meeting_id, placement.pk, spec.kind,
                Meeting.Status.HELD if held else Meeting.Status.SCHEDULED, date, start,
                datetime.time(start.hour + 1, 0), cohort.ccg_venue, arranger.pk,
                "Talked through progress against the project plan." if held else "",
                "Trainee to update the project plan before the next review." if held else "",
                arranger.pk if held else None, recorded, f"meeting-{meeting_id}@clic", 0,
                created, recorded or created)
            for person in dict.fromkeys([placement.trainee, *(roles[r] for r in spec.attendees)]):
                self.tables["attendee"].add(meeting_id, person.pk)
            remind_on = spec.remind_on(cohort)
            if late and remind_on <= self.today:
                self._meeting_notice(placement, people, spec, "reminder", remind_on,
                                     [Recipient(spec.arranger)])
                escalate_on = spec.escalate_on(cohort)
                if date >= escalate_on and escalate_on <= self.today:
                    self._meeting_notice(
                        placement, people, spec, "escalation", escalate_on,
                        [Recipient.PD if spec.arranger == "ccg_supervisor"
                         else Recipient.CCG_SUPERVISOR])

    def _meeting_notice(self, placement, people, spec, stage, day, recipients) -> None:
        at = aware(day, datetime.time(7, 0))
        code = "MEETING_OVERDUE" if stage == "escalation" else "MEETING_DUE"
        self.outbox.send(code=code, event_key=f"meeting-{stage}:placement:{placement.pk}:"
                         f"{spec.kind}", about_model=Placement, about_id=placement.pk,
                         people=people, placement=placement, at=at, recipients=recipients)
        self.tables["notice"].add(placement.pk, spec.kind, stage, day, "", at)

    def _project(self, placement: Placement, people: CohortPeople) -> None:
        cohort = placement.cohort
        stage = self._stage(cohort)
        week = cohort.week_of(self.today)
        title, priority = self.random.choice(names.PROJECT_IDEAS)
        proposed = aware(cohort.start_date + datetime.timedelta(days=8), datetime.time(16, 0))
        if proposed > self.now:
            return
        agreed = proposed + datetime.timedelta(days=6)
        status = (Project.Status.COMPLETED if stage == "ended"
                  else Project.Status.IN_PROGRESS if agreed <= self.now
                  else Project.Status.PROPOSED)
        is_agreed = status != Project.Status.PROPOSED
        completed = aware(cohort.end_date - datetime.timedelta(days=3)) if stage == "ended" else None
        self.tables["project"].add(
            placement.pk, title, priority, "", f"Understand and improve: {title.lower()}.",
            self.random.choice(CommissioningStage.values), "", status, proposed,
            agreed if is_agreed else None, placement.ccg_supervisor.pk if is_agreed else None,
            agreed if is_agreed else None, completed, agreed if is_agreed else None,
            cohort.scale_programme.directors[0].pk if is_agreed else None, proposed,
            completed or (agreed if is_agreed else proposed))
        placement.scale_project_title = title
        # Progress entries, one every few weeks, half with a comment from the supervisor.
        for week_number in range(3, (week or cohort.weeks + 1), 3):
            day = cohort.monday_of_week(week_number) + datetime.timedelta(days=placement.project_day)
            entry_id = self.ids[ProgressEntry].next()
            written = aware(day, datetime.time(16, 30))
            self.tables["progress"].add(entry_id, placement.pk, placement.trainee.pk, day,
                                        f"Week {week_number}: met the team, pulled the data, "
                                        "drafted the next steps.", written)
            if self.random.random() < 0.5:
                self.tables["comment"].add(entry_id, placement.ccg_supervisor.pk,
                                           "Good progress: keep the scope tight.",
                                           written + datetime.timedelta(days=1))
        ticked = [cohort.start_date + datetime.timedelta(days=n % 5) for n in range(len(HR_ITEM_KEYS))]
        ticked = [day if day <= self.today else None for day in ticked]
        self.tables["hr"].add(placement.pk, *ticked, "", "", aware(cohort.start_date))
        if self.random.random() < 0.04:
            self._concern(placement, people)
        if stage == "ended" and self.random.random() < 0.95:
            self._summaries(placement, people)

    def _concern(self, placement: Placement, people: CohortPeople) -> None:
        cohort = placement.cohort
        by_lead = self.random.random() < 0.5
        raiser = placement.project_lead if by_lead else placement.ccg_supervisor
        raised = aware(cohort.monday_of_week(6) + datetime.timedelta(days=placement.project_day),
                       datetime.time(15, 0))
        if raised > self.now:
            return
        concern_id = self.ids[Concern].next()
        closed = self._stage(cohort) == "ended"
        self.tables["concern"].add(
            concern_id, placement.pk, raiser.pk,
            Concern.RaisedAs.PROJECT_LEAD if by_lead else Concern.RaisedAs.CCG_SUPERVISOR,
            "Project days missed without notice",
            "Not at the ICB on two project days and nobody was told.",
            Concern.Status.CLOSED if closed else Concern.Status.OPEN, False, raised,
            raised + datetime.timedelta(weeks=2) if closed else raised)
        if closed:
            self.tables["concern_note"].add(concern_id, cohort.scale_programme.directors[0].pk,
                                            "Discussed with the trainee; resolved.",
                                            Concern.Status.CLOSED,
                                            raised + datetime.timedelta(weeks=2))
        code = "S15" if by_lead else "S14"
        self.outbox.send(code=code, event_key=f"{code.lower()}:concern:{concern_id}",
                         about_model=Concern, about_id=concern_id, people=people,
                         placement=placement, at=raised)

    def _summaries(self, placement: Placement, people: CohortPeople) -> None:
        """S11 (the trainee's summaries) and S12 (the slide to the committee). The files are
        not written: no page that is benchmarked opens them."""
        cohort = placement.cohort
        uploaded = aware(cohort.end_date - datetime.timedelta(days=9), datetime.time(17, 0))
        upload_id = self.ids[SummaryUpload].next()
        token = stable_token("summary", self.options.seed, placement.trainee.email)
        self.tables["upload"].add(upload_id, placement.pk,
                                  f"projects/{placement.pk}/{token[:32]}.docx", "Project summary.docx",
                                  f"projects/{placement.pk}/{token[-32:]}.pptx", "Summary slide.pptx",
                                  placement.trainee.pk, uploaded)
        self.outbox.send(code="S11", event_key=f"s11:summaries:{upload_id}",
                         about_model=SummaryUpload, about_id=upload_id, people=people,
                         placement=placement, at=uploaded)
        submitted = uploaded + datetime.timedelta(days=4)
        submission_id = self.ids[CommitteeSubmission].next()
        self.tables["submission"].add(submission_id, placement.pk, upload_id,
                                      placement.ccg_supervisor.pk, submitted,
                                      people.committee_email)
        self.outbox.send(code="S12", event_key=f"s12:submission:{submission_id}",
                         about_model=CommitteeSubmission, about_id=submission_id, people=people,
                         placement=placement, at=submitted)

    def _reflections(self, placement: Placement, people: CohortPeople) -> None:
        """Reflective entries week by week; the Friday beat reminds the trainee of any week
        with fewer than two (REFLECT)."""
        cohort = placement.cohort
        counts, weights = zip(*ENTRIES_A_WEEK, strict=True)
        for week in range(1, cohort.weeks + 1):
            monday = cohort.monday_of_week(week)
            friday_noon = aware(monday + datetime.timedelta(days=4), datetime.time(12, 0))
            if monday > self.today:
                break
            logged = 0
            for n in range(self.random.choices(counts, weights=weights)[0]):
                day = monday + datetime.timedelta(days=min(n * 2, 3))
                if day > self.today:
                    break
                logged += 1
                kind = self.random.choice(ReflectiveEntry.Kind.values)
                self.tables["reflection"].add(
                    placement.pk, day, self.random.choice(names.REFLECTION_TITLES), kind,
                    self.random.choice(Capability.values), "", aware(day, datetime.time(21, 0)))
            if logged < 2 and friday_noon <= self.now:
                self.outbox.send(code="REFLECT",
                                 event_key=f"reflective-reminder:{placement.pk}:{monday}",
                                 about_model=Placement, about_id=placement.pk, people=people,
                                 placement=placement, at=friday_noon)

    # The end of the rotation ---------------------------------------------------------------

    def _presentations(self, cohort: Cohort, people: CohortPeople) -> None:
        """The presentation day (booked in week 4: S13 to everyone it names), the PD's
        presentation assessment and CbD (S16 each) once it is over."""
        scheduled = aware(cohort.monday_of_week(4), datetime.time(11, 0))
        if scheduled > self.now:
            return
        closed = bank_holidays(cohort.start_date, cohort.end_date)
        version = cohort.template_version
        date = cohort.monday_of_week(version.presentation_week) + datetime.timedelta(
            days=version.teaching_weekdays[0])
        while date in closed:
            date += datetime.timedelta(days=1)
        organiser = people.directors[0]
        day_id = self.ids[PresentationDay].next()
        uid = f"presentation-{stable_token('day', self.options.seed, *cohort.scale_key)}@clic"
        self.tables["day"].add(day_id, cohort.pk, date, datetime.time(13, 30),
                               datetime.time(16, 30), cohort.teaching_venue, "", "",
                               PresentationDay.Status.SCHEDULED, organiser.pk, uid, 0, scheduled,
                               scheduled)
        past = date < self.today
        slots = []
        for order, placement in enumerate(people.placements, start=1):
            slot_id = self.ids[PresentationSlot].next()
            minutes = 13 * 60 + 30 + 25 * (order - 1)
            self.tables["slot"].add(slot_id, day_id, placement.pk, order,
                                    datetime.time(minutes // 60, minutes % 60), 25,
                                    getattr(placement, "scale_project_title", ""))
            slots.append((slot_id, placement))
        self.outbox.send(
            code="S13", event_key=f"presentation:{day_id}:seq0", about_model=PresentationDay,
            about_id=day_id, people=people, at=scheduled,
            attachments=[calendar_attachment(uid=uid, sequence=0, summary="CLIC presentations",
                                             start=aware(date, datetime.time(13, 30)),
                                             end=aware(date, datetime.time(16, 30)))])
        present = self._invitations(day_id, people, organiser, scheduled, past)
        if not past:
            return
        for slot_id, placement in slots:
            givers = [p for p in present if p.pk != placement.trainee_id]
            for giver in self.random.sample(givers, min(2, len(givers))):
                self.tables["feedback"].add(
                    slot_id, giver.pk, "Clear aims and good use of the ICB's data.",
                    "More on what happens next.", *self.random.choices((3, 4, 5), k=3),
                    self.random.random() < 0.3, aware(date, datetime.time(17, 0)))
            self._assessments(placement, people, aware(date, datetime.time(17, 30)))

    def _invitations(self, day_id, people, organiser, scheduled, past) -> list[User]:
        """assessments.services.presentation_invitations_sync: an invitation for every person
        S13 names. Returns who was there."""
        present = []
        everyone = self.people_by_email(people)
        # The organiser is one of the cohort's directors, so _s13_recipients adds nobody to
        # the catalogue row's roles.
        for addressee in resolve(BY_CODE["S13"].recipients, placement=None, people=people):
            person = everyone.get(addressee.email)
            if person is None:
                continue  # a mailbox, not someone who can reply
            roles = [PRESENTING if role in (Recipient.PEERS.label, Recipient.COHORT_TRAINEES.label)
                     else role for role in addressee.roles]
            if person.pk == organiser.pk:
                roles.append("Organiser")
            response = self.random.choices(
                [PresentationInvitation.Response.ATTENDING, PresentationInvitation.Response.APOLOGIES,
                 PresentationInvitation.Response.PENDING], weights=(70, 20, 10))[0]
            attendance = ""
            if past:
                attendance = (PresentationInvitation.Attendance.PRESENT
                              if response == PresentationInvitation.Response.ATTENDING
                              or PRESENTING in roles else PresentationInvitation.Attendance.APOLOGIES)
                if attendance == PresentationInvitation.Attendance.PRESENT:
                    present.append(person)
            replied = scheduled + datetime.timedelta(days=3)
            self.tables["invitation"].add(
                day_id, person.pk, ", ".join(dict.fromkeys(roles))[:500], response,
                replied if response != PresentationInvitation.Response.PENDING else None,
                attendance, scheduled + datetime.timedelta(weeks=12) if past else None,
                organiser.pk if past else None, scheduled)
        return present

    @staticmethod
    def people_by_email(people: CohortPeople) -> dict[str, User]:
        found = {}
        for p in people.placements:
            for user in (p.trainee, p.ccg_supervisor, p.project_lead, p.educational_supervisor):
                if user is not None:
                    found[user.email] = user
        for user in [*people.directors, *people.administrators, *people.deputy_chairs]:
            found[user.email] = user
        return found

    def _assessments(self, placement: Placement, people: CohortPeople,
                     at: datetime.datetime) -> None:
        pd = people.directors[0]
        outcome = self.random.choices((Grade.COMPETENT, Grade.EXCELLENT, Grade.NEEDS_DEVELOPMENT),
                                      weights=(70, 20, 10))[0]
        record_id = self.ids[PresentationAssessment].next()
        self.tables["presentation_assessment"].add(
            record_id, placement.pk, *self.random.choices((3, 4, 5), k=3), outcome,
            "A well-argued project with a clear recommendation.", pd.pk, at, 1)
        self.outbox.send(code="S16", event_key=f"assessment:presentation:{record_id}:v1",
                         about_model=PresentationAssessment, about_id=record_id, people=people,
                         placement=placement, at=at)
        cbd_id = self.ids[CaseBasedDiscussion].next()
        cbd_at = at + datetime.timedelta(days=1)
        self.tables["cbd"].add(cbd_id, placement.pk,
                               "A patient whose care crossed practice and hospital boundaries.",
                               outcome, "Linked the case well to commissioning decisions.", pd.pk,
                               cbd_at, 1)
        for position, capability in enumerate(
                self.random.sample([Capability.LEADERSHIP, Capability.COMMUNITY,
                                    Capability.TEAMWORK, Capability.PERFORMANCE], 2), start=1):
            self.tables["capability"].add(cbd_id, capability, outcome,
                                          "Evidenced in the discussion.", position)
        self.outbox.send(code="S16", event_key=f"assessment:cbd:{cbd_id}:v1",
                         about_model=CaseBasedDiscussion, about_id=cbd_id, people=people,
                         placement=placement, at=cbd_at)

    def _evaluation(self, cohort: Cohort, people: CohortPeople) -> None:
        """Opened in its first evaluation week (S17 to the trainees); once the rotation is
        over the PD shares the results (S17R)."""
        opened = aware(cohort.monday_of_week(evaluation_weeks(cohort)[0]), datetime.time(8, 0))
        if opened > self.now:
            return
        round_id = self.ids[EvaluationRound].next()
        self.tables["evaluation"].add(round_id, cohort.pk, opened, None)
        self.outbox.send(code="S17", event_key=f"evaluation:{round_id}",
                         about_model=EvaluationRound, about_id=round_id, people=people, at=opened)
        answered = [p for p in people.placements if self.random.random() < 0.75]
        for placement in answered:
            self.tables["completion"].add(round_id, placement.pk,
                                          opened + datetime.timedelta(days=3))
            self.tables["response"].add(uuid.UUID(int=self.random.getrandbits(128), version=4),
                                        round_id, *self.random.choices((3, 4, 5), k=4),
                                        "The action learning sets.", "", "")
        shared = aware(cohort.end_date + datetime.timedelta(days=14), datetime.time(10, 0))
        if answered and shared <= self.now:
            self.tables["share"].add(round_id, len(answered), people.directors[0].pk, shared)
            self.outbox.send(code="S17R", event_key=f"evaluation-results:{round_id}:"
                             f"n{len(answered)}", about_model=EvaluationRound, about_id=round_id,
                             people=people, at=shared)



"""One of everything, made through the services the pages use, for the access tests: the
world's cohort published, with an absence of each kind, a project with its meetings,
progress, concern, summaries and HR checklist, a presentation day, both assessments, a
reflective entry, an open evaluation, a finished timetable pack and the emails all of that
caused."""

import datetime
import io
import zipfile
from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from absences import services as absence_services
from absences.models import Absence
from assessments import services as assessment_services
from assessments.models import Capability, Grade, ReflectiveEntry
from clic.accounts.models import Role
from clic.mail.models import OutboundEmail
from community import services as community_services
from projects import services as project_services
from projects.models import CommissioningStage, MeetingKind
from rotations import services as rotation_services
from rotations.models import Session
from tests import factories
from tests.factories import this_monday
from tests.fixtures.clock import on
from tests.fixtures.people import World, give_role


def pdf_bytes() -> bytes:
    from weasyprint import HTML

    return HTML(string="<h1>Frailty pathway</h1><p>Outcome summary.</p>").write_pdf()


def pptx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, xml in [("[Content_Types].xml", "<Types/>"),
                          ("ppt/presentation.xml", "<p:presentation/>"),
                          ("ppt/slides/slide1.xml", "<p:sld/>")]:
            archive.writestr(name, '<?xml version="1.0"?>' + xml)
    return buffer.getvalue()


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


@dataclass
class Scene:
    world: World
    cohort_session: Session  # a Wednesday session of the whole cohort
    project_session: Session  # one of the trainee's CCG project days
    sickness: Absence  # on a CCG project day, with a note
    other_sickness: Absence  # on a non-CCG day: CCG people see nothing of it
    open_sickness: Absence  # no last day yet ("I'm back")
    leave: Absence  # an annual leave request waiting for a decision
    entry: object  # progress entry
    concern: object  # raised by the CCG Supervisor (S14)
    summaries: object
    day: object  # presentation day
    slot: object
    invitation: object  # the trainee's invitation to the presentation day
    reflective_entry: ReflectiveEntry
    pack: object
    email_to_ccg_admin: OutboundEmail  # S5 to the CCG's admin mailbox
    email_to_trainee: OutboundEmail
    template: object  # the programme's own timetable template
    alumni: "AlumniScene | None" = None  # added by add_alumni, for the pages that need them


@dataclass
class AlumniScene:
    """Last year's trainee of the world's programme, now an alumnus who mentors the world's
    trainee; and an outsider's ended rotation that they may still choose to stay on from."""

    alumnus: object  # the person
    membership: object  # their community.models.Alumnus
    pair: object
    joinable: object  # the other trainee's ended placement, in the other programme


MENTORING_NOTE = "Private mentoring note: career doubts"


def add_alumni(scene: Scene) -> Scene:
    world = scene.world
    alumnus = give_role(factories.UserFactory(email="alumnus@nhs.test", full_name="Dr Alumnus"),
                        Role.TRAINEE, world.programme)
    ended = factories.CohortFactory(programme=world.programme, ccg=world.ccg,
                                    start_date=this_monday(weeks_ago=60))
    membership = community_services.alumnus_join(
        user=alumnus, placement=factories.PlacementFactory(cohort=ended, trainee=alumnus))
    community_services.alumnus_update(
        alumnus=membership, listed=True, current_role="GP partner", organisation="A practice",
        interests="Frailty", happy_to_be_contacted=True, offers_mentoring=True,
        mentoring_offer="Project work")
    pair = community_services.mentoring_pair_create(mentor=membership, placement=world.placement,
                                                    by=world.pd)
    community_services.mentoring_meeting_log(pair=pair, by=alumnus,
                                             met_on=timezone.localdate(),
                                             note=MENTORING_NOTE)
    other_ended = factories.CohortFactory(programme=world.other_pd.memberships.get().organisation,
                                          start_date=this_monday(weeks_ago=60))
    joinable = factories.PlacementFactory(cohort=other_ended, trainee=world.other_trainee)
    scene.alumni = AlumniScene(alumnus=alumnus, membership=membership, pair=pair,
                               joinable=joinable)
    return scene


def _project_day(placement, today) -> datetime.date:
    sessions = Session.objects.filter(placement=placement, status=Session.Status.SCHEDULED,
                                      kind=Session.Kind.PROJECT)
    before = sessions.filter(date__lte=today).order_by("-date").first()
    return (before or sessions.order_by("date").first()).date


def _ordinary_day(placement, near: datetime.date) -> datetime.date:
    """A rotation weekday near a date that is no CCG project day and no bank holiday."""
    from rotations.timetable import bank_holidays

    cohort = placement.cohort
    closed = bank_holidays(near - datetime.timedelta(days=14), near + datetime.timedelta(days=14))
    ccg_days = set(Session.objects.filter(placement=placement).values_list("date", flat=True))
    for offset in (0, -1, 1, -2, 2, -3, 3, -4, 4, -5, 5, -6, 6):
        day = near + datetime.timedelta(days=offset)
        if (day.weekday() < 5 and day not in closed and day not in ccg_days
                and cohort.start_date <= day <= cohort.end_date):
            return day
    raise AssertionError(f"no ordinary day near {near}")


def build_scene(world: World) -> Scene:
    today = timezone.localdate()
    cohort, placement = world.cohort, world.placement
    rotation_services.cohort_publish(cohort=cohort, by=world.pd)
    cohort.refresh_from_db()
    cohort_session = Session.objects.filter(cohort=cohort, placement__isnull=True,
                                            kind=Session.Kind.TEACHING).first()
    project_session = Session.objects.filter(placement=placement,
                                             kind=Session.Kind.PROJECT).first()
    pack = rotation_services.timetable_pack_request(cohort=cohort, by=world.pd)
    pack = rotation_services.timetable_pack_build(pack_id=pack.pk)

    report = absence_services.absence_report
    ccg_day = _project_day(placement, today)
    sickness = report(placement=placement, kind=Absence.Kind.SICKNESS, first_day=ccg_day,
                      last_day=ccg_day, note="Private note: migraine", reported_by=world.trainee)
    other_day = _ordinary_day(placement, today)
    other_sickness = report(placement=placement, kind=Absence.Kind.SICKNESS,
                            first_day=other_day, last_day=other_day, reported_by=world.trainee)
    open_sickness = report(placement=placement, kind=Absence.Kind.SICKNESS,
                           first_day=_ordinary_day(placement, today + datetime.timedelta(days=5)),
                           last_day=None, reported_by=world.pd)
    leave_day = _ordinary_day(placement, today + datetime.timedelta(days=30))
    leave = report(placement=placement, kind=Absence.Kind.ANNUAL_LEAVE, first_day=leave_day,
                   last_day=leave_day, reported_by=world.trainee)

    project_services.project_save(placement=placement, by=world.trainee, title="Frailty pathway",
                                  ccg_priority="Ageing well", aims="Fewer admissions",
                                  commissioning_stage=CommissioningStage.MONITORING)
    project_services.meeting_schedule(placement=placement, kind=MeetingKind.REVIEW_8,
                                      date=cohort.monday_of_week(8), by=world.supervisor)
    entry = project_services.progress_add(placement=placement, by=world.trainee,
                                          date=cohort.start_date, text="Met the team")
    concern = project_services.concern_raise(placement=placement, by=world.supervisor,
                                             summary="Missed meetings", details="Three in a row")
    pdf = pdf_bytes()
    summaries = project_services.summaries_upload(placement=placement, by=world.trainee,
                                                  outcome=upload("outcome.pdf", pdf),
                                                  slide=upload("slide.pptx", pptx_bytes()))
    project_services.hr_checklist_update(placement=placement, by=world.trainee, done={},
                                         agreement=upload("agreement.pdf", pdf))

    day = assessment_services.presentation_day_schedule(
        cohort=cohort, organiser=world.pd,
        date=cohort.monday_of_week(16) + datetime.timedelta(days=2),
        start_time=datetime.time(13, 30), end_time=datetime.time(16, 30), venue="Canterbury",
        slots=[assessment_services.SlotSpec(placement=placement, order=1,
                                            start_time=datetime.time(13, 30),
                                            length_minutes=20)])
    slot = day.slots.get()
    # Both assessments are recorded once the trainee has presented: on the day.
    with on(day.date):
        assessment_services.presentation_assessment_record(
            placement=placement, by=world.pd, relevance=4, leadership=4, communication=5,
            outcome=Grade.COMPETENT, feedback="Clear and well argued")
        assessment_services.case_based_discussion_record(
            placement=placement, by=world.pd, case="A frail patient", outcome=Grade.COMPETENT,
            feedback="Good", capabilities=[assessment_services.CapabilitySpec(
                capability=Capability.COMMUNICATION, grade=Grade.COMPETENT,
                justification="Yes")])
    reflective_entry = assessment_services.reflective_entry_log(
        placement=placement, date=max(cohort.start_date, today - datetime.timedelta(days=1)),
        title="Commissioning and my practice", kind=ReflectiveEntry.Kind.LEARNING_LOG,
        capability=Capability.COMMUNICATION)
    assessment_services.evaluation_open(cohort=cohort, by=world.pd)

    return Scene(
        world=world, cohort_session=cohort_session,
        project_session=project_session, sickness=sickness, other_sickness=other_sickness,
        open_sickness=open_sickness, leave=leave, entry=entry, concern=concern,
        summaries=summaries, day=day, slot=slot,
        invitation=day.invitations.get(person=world.trainee),
        reflective_entry=reflective_entry, pack=pack,
        email_to_ccg_admin=OutboundEmail.objects.filter(
            code="S5", to_email=world.ccg.admin_mailbox).earliest("id"),
        email_to_trainee=OutboundEmail.objects.filter(
            code="S2", to_email=world.trainee.email).get(),
        template=rotation_services.template_copy(
            source=world.cohort.template_version, programme=world.programme,
            name="The programme's timetable", by=world.pd))

"""The demo world (`load_demo`: a cohort in week 6 with every role, absences, projects, a
presentation day) plus the few objects it lacks, committed once for a whole test module.

Each test still runs in its own transaction that is rolled back, so what one test saves
never reaches the next; the module's teardown flushes the database as pytest-django does
after a transactional test.
"""

import datetime
import functools
import io
import zipfile
from dataclasses import dataclass, field
from unittest import mock

from django.contrib.auth.tokens import default_token_generator
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from clic.accounts.demo import demo_email


@functools.cache
def pdf_bytes() -> bytes:
    from weasyprint import HTML

    return HTML(string="<h1>Outcome</h1><p>Summary.</p>").write_pdf()


def pptx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, xml in [("[Content_Types].xml", "<Types/>"),
                          ("ppt/presentation.xml", "<p:presentation/>"),
                          ("ppt/slides/slide1.xml", "<p:sld/>")]:
            archive.writestr(zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0)),
                             '<?xml version="1.0"?>' + xml)
    return buffer.getvalue()


@dataclass
class Scene:
    today: datetime.date
    people: dict  # demo login -> User
    running: object  # the published cohort, in week 6
    upcoming: object  # a draft cohort with two trainees and no presentation day
    placements: dict  # demo trainee login -> Placement in the running cohort
    session: object  # a whole-cohort action learning set in week 9
    project_sessions: list  # trainee1's CCG project sessions
    sessions_ahead: list  # whole-cohort sessions from today on
    sickness: object  # trainee1's sickness on a project day (S5)
    leave: object  # trainee1's annual leave request, pending
    open_sickness: object  # trainee3's sickness with no last day
    entry: object  # a progress entry of trainee1's
    concern: object  # raised by the Project Lead about trainee4
    day: object  # the presentation day
    slot: object  # trainee1's slot
    invitation: object  # the CCG Supervisor's invitation
    reflective_entry: object
    pack: object
    email: object  # an outbox row
    membership: object  # the ES's role, to remove
    invitee: object  # invited, has not set a password
    extra: dict = field(default_factory=dict)

    def user(self, login: str | None):
        return None if login is None else self.people[login]

    def invitation_link_args(self) -> tuple[str, str]:
        return (urlsafe_base64_encode(force_bytes(self.invitee.pk)),
                default_token_generator.make_token(self.invitee))


def _first_that_works(candidates, attempt):
    from absences.services import AbsenceRefused

    for candidate in candidates:
        try:
            return attempt(candidate)
        except AbsenceRefused:
            continue
    raise AssertionError("no candidate date was accepted")


def build_scene() -> Scene:
    """The demo and its extras. Nothing is published to the broker: the rows stay queued."""
    from absences.models import Absence
    from absences.services import absence_report
    from assessments.models import PresentationDay, PresentationInvitation, ReflectiveEntry
    from assessments.services import evaluation_open
    from clic.accounts import services as account_services
    from clic.accounts.models import Role, User
    from clic.mail.models import OutboundEmail
    from projects.models import Concern, ProgressEntry
    from projects.services import summaries_upload
    from rotations.demo import running_cohort
    from rotations.models import Cohort, Session
    from rotations.services import timetable_pack_request
    from trainees.models import Weekday
    from trainees.services import placement_add

    with mock.patch("celery.app.task.Task.apply_async", return_value=None):
        call_command("load_demo", stdout=io.StringIO())
        today = timezone.localdate()
        people = {user.email.split("@")[0]: user
                  for user in User.objects.filter(email__endswith="@clic.test")}
        running = running_cohort()
        upcoming = Cohort.objects.get(status=Cohort.Status.DRAFT)
        placements = {p.trainee.email.split("@")[0]: p
                      for p in running.placements.select_related("trainee")}
        programme, ccg = running.programme, running.ccg
        practice = placements["trainee1"].practice
        for n in (5, 6):
            trainee = account_services.user_invite(
                email=demo_email(f"trainee{n}"), full_name=f"Dr Next {n}",
                roles=[(Role.TRAINEE, programme)], invited_by=None, send=False)
            placement_add(cohort=upcoming, trainee=trainee, practice=practice,
                          educational_supervisor=people["es"],
                          ccg_supervisor=people["supervisor"], project_lead=people["lead"],
                          project_day=Weekday.THURSDAY)
        invitee = account_services.user_invite(
            email=demo_email("newcomer"), full_name="Dr New Comer",
            roles=[(Role.PROJECT_LEAD, ccg)], invited_by=people["pd"], send=False)
        chloe = placements["trainee3"]
        open_sickness = _first_that_works(
            [today - datetime.timedelta(days=n) for n in range(0, 10)],
            lambda day: absence_report(placement=chloe, kind=Absence.Kind.SICKNESS,
                                       first_day=day, last_day=None, reported_by=chloe.trainee))
        summaries_upload(placement=placements["trainee1"], by=people["trainee1"],
                         outcome=SimpleUploadedFile("outcome.pdf", pdf_bytes()),
                         slide=SimpleUploadedFile("slide.pptx", pptx_bytes()))
        evaluation_open(cohort=running, by=people["pd"])
        pack = timetable_pack_request(cohort=running, by=people["pd"])
        day = PresentationDay.objects.get(cohort=running, status=PresentationDay.Status.SCHEDULED)
        amy = placements["trainee1"]
        scene = Scene(
            today=today, people=people, running=running, upcoming=upcoming,
            placements=placements,
            session=Session.objects.filter(cohort=running, placement__isnull=True, week=9,
                                           kind=Session.Kind.ALS).first(),
            project_sessions=list(Session.objects.filter(placement=amy).order_by("date")[:40]),
            sessions_ahead=list(Session.objects.filter(
                cohort=running, placement__isnull=True, date__gte=today).order_by("date")[:20]),
            sickness=Absence.objects.filter(placement=amy, kind=Absence.Kind.SICKNESS).first(),
            leave=Absence.objects.filter(placement=amy, kind=Absence.Kind.ANNUAL_LEAVE,
                                         state=Absence.State.PENDING).first(),
            open_sickness=open_sickness,
            entry=ProgressEntry.objects.filter(placement=amy).first(),
            concern=Concern.objects.get(),
            day=day, slot=day.slots.get(placement=amy),
            invitation=PresentationInvitation.objects.get(day=day, person=people["supervisor"]),
            reflective_entry=ReflectiveEntry.objects.filter(placement=amy).first(),
            pack=pack, email=OutboundEmail.objects.order_by("pk").first(),
            membership=people["es"].memberships.first(), invitee=invitee)
    return scene

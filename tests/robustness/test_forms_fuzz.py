"""Generated input to every form of the service, posted as the person the form is for.

Hypothesis draws each field from the values a real user would type (dates in the rotation,
ids of the right objects) mixed with hostile ones: unicode, 10,000-character strings, NUL
bytes, markup and script, dates in year 1 or 9999, negative and huge numbers, files of the
wrong kind, and unexpected extra fields. Whatever arrives, the service must not answer 500;
and when it answers with the form again and an error on it, nothing may have been saved:
no row of any of the service's tables added, changed or removed, and so no email queued.

FORMS lists every view that takes a POST (and the GET filter forms); a test fails when a URL
of the service is neither in it nor in READ_ONLY, so a new form is fuzzed from day one.
"""

import datetime
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from absences.models import Absence
from assessments.models import (
    EVALUATION_RATINGS,
    Capability,
    Grade,
    PresentationInvitation,
    ReflectiveEntry,
)
from assessments.services import MAX_CBD_CAPABILITIES
from clic.accounts.demo import DEMO_PASSWORD
from clic.accounts.models import Organisation, Role
from clic.audit.models import AuditEvent
from clic.mail.catalogue import Recipient, code_choices
from clic.mail.models import OutboundEmail
from community.models import Alumnus, MentoringPair
from interests.models import ConflictDecision, Interest
from projects.models import CommissioningStage, Concern, MeetingKind
from rotations.models import Session
from trainees.models import Weekday

from .scene import Scene, pdf_bytes, pptx_bytes

pytestmark = pytest.mark.django_db

# CLIC_FUZZ_EXAMPLES=200 for a deeper run by hand; 15 keeps `make test` quick.
FUZZ = settings(max_examples=int(os.environ.get("CLIC_FUZZ_EXAMPLES", "15")), deadline=None,
                database=None, print_blob=True, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow, HealthCheck.data_too_large])

# Hostile values ----------------------------------------------------------------------------

HOSTILE_TEXT = [
    "", " ", "\t\r\n", "\x00", "a\x00b", "<script>alert(1)</script>",
    '"><img src=x onerror=alert(document.cookie)>', "' OR '1'='1' --",
    "Robert'); DROP TABLE accounts_user;--", "{{ 7|add:7 }}{% debug %}", "%s%s%s%n",
    "../../../../etc/passwd", "\u202egnp.exe", "Zoë Ångström ǅ 𝕏 🙂\u200b\ufeff", "١٢٣٤",
    "x" * 10_000, "🙂" * 2_500, "-1", "0", "99999999999999999999999999", "NaN", "1e309",
    "null", "None", "true", "[]", "{}", "javascript:alert(1)", "//evil.example/",
    "http://" + "a" * 600 + ".example", "mailto:a@b", "a@b", "@", "x" * 300 + "@nhs.net",
]
HOSTILE_DATES = [
    "0001-01-01", "9999-12-31", "0000-00-00", "2026-02-30", "2027-02-29", "1899-12-31",
    "31/12/9999", "01/01/0001", "+275760-09-13", "2026-13-01", "10000-01-01", "-2026-01-01",
    "2026-1-1", "20260101", "1/1/1", "today",
]
HOSTILE_TIMES = ["24:00", "23:59:59.999999", "-1:00", "99:99", "00:00", "12:60", "noon",
                 "9", "25", "1:2:3:4"]
HOSTILE_NUMBERS = ["-1", "0", "-9223372036854775809", "9223372036854775808", "1.5", "1e3",
                   "0x10", "٣", "²", "①", "+5", " 5 ", "2147483648"]

hostile_text = st.sampled_from(HOSTILE_TEXT)
any_text = st.one_of(hostile_text, st.text(max_size=60))


def _valid(values) -> list:
    return [str(v) for v in values if v is not None]


def text(*valid) -> st.SearchStrategy:
    valid = _valid(valid) or ["A sensible value"]
    return st.one_of(st.sampled_from(valid), any_text)


def date(*valid: datetime.date) -> st.SearchStrategy:
    return st.one_of(
        st.sampled_from([d.isoformat() for d in valid] or ["2026-01-01"]),
        st.sampled_from(HOSTILE_DATES),
        st.dates().map(datetime.date.isoformat),  # year 1 to 9999
        st.dates().map(lambda d: d.strftime("%d/%m/%Y")),
        any_text)


def time(*valid: str) -> st.SearchStrategy:
    return st.one_of(st.sampled_from(list(valid) or ["10:00"]), st.sampled_from(HOSTILE_TIMES),
                     st.times().map(lambda t: t.isoformat()), any_text)


def number(*valid) -> st.SearchStrategy:
    return st.one_of(st.sampled_from(_valid(valid) or ["1"]), st.sampled_from(HOSTILE_NUMBERS),
                     st.integers(min_value=-(2 ** 70), max_value=2 ** 70).map(str), any_text)


def choice(*valid) -> st.SearchStrategy:
    return st.one_of(st.sampled_from(_valid(valid)), st.sampled_from(HOSTILE_NUMBERS),
                     any_text)


def several(*valid) -> st.SearchStrategy:
    return st.lists(choice(*valid), max_size=4)


# Well formed, and longer than any mailbox's address can be; and one a mailbox can have
# whose first part is longer than a name (a new person is named after it). st.emails()
# seldom draws either.
LONG_ADDRESSES = ["a" * 250 + "@nhs.net", "b" * 240 + "@nhs.net"]


def email(*valid) -> st.SearchStrategy:
    return st.one_of(st.sampled_from(_valid(valid) or ["someone@nhs.net"]),
                     st.sampled_from(LONG_ADDRESSES), st.emails(), any_text)


def url(*valid) -> st.SearchStrategy:
    return st.one_of(st.sampled_from(_valid(valid) or ["https://www.nhs.uk/"]), any_text)


def boolean() -> st.SearchStrategy:
    return st.sampled_from(["on", "", "1", "0", "false", "\x00", "yes"])


# Real files, of the right kind and of the wrong kind ----------------------------------------

def _png() -> bytes:
    import qrcode

    image = qrcode.make("CLIC")
    from io import BytesIO

    buffer = BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _zip() -> bytes:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "not an office document")
    return buffer.getvalue()


GOOD_CSV = ("Name,Email,GP practice,Educational Supervisor email,CCG Supervisor email,"
            "Project day\r\nDr Fuzz,fuzz@nhs.test,Fuzz Surgery,es@clic.test,"
            "supervisor@clic.test,Thursday\r\n")


def _files() -> list[tuple[str, bytes]]:
    elf = Path("/bin/ls").read_bytes()[:50_000]
    return [
        ("outcome.pdf", pdf_bytes()), ("slide.pptx", pptx_bytes()), ("trainees.csv", GOOD_CSV.encode()),
        ("image.csv", _png()), ("archive.pdf", _zip()), ("program.pptx", elf),
        ("utf16.csv", GOOD_CSV.encode("utf-16")), ("empty.pdf", b""), ("picture.png", _png()),
        ("../../etc/passwd.pdf", pdf_bytes()), ("no-extension", b"%PDF-1.4"),
        ("trainees.csv", b"\xff\xfe\x00\x00garbage"), ("scan.jpeg", b"\xff\xd8\xff\xe0" + b"0" * 64),
        ("big.csv", GOOD_CSV.encode() + b"#" * (2 * 1024 * 1024)),
    ]


_FILES: list = []


def upload() -> st.SearchStrategy:
    if not _FILES:
        _FILES.extend(_files())
    # A fresh file object for every example: reading one consumes it.
    return st.sampled_from(range(len(_FILES))).map(
        lambda i: SimpleUploadedFile(_FILES[i][0], _FILES[i][1]))


# The forms --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Form:
    """A page that takes input: its URL, who it is for and what its fields accept."""

    url: str
    user: str | None  # a demo login; None: anonymous
    args: Callable[[Scene], tuple] = lambda s: ()
    fields: Callable[[Scene], dict] = lambda s: {}
    buttons: tuple[dict, ...] = ({},)  # which submit button was pressed
    method: str = "POST"
    id: str = ""
    reachable: bool = True  # the form page opens for this user before any fuzzing
    extra: dict = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.id or self.url


def _near(scene: Scene, *days: int) -> list[datetime.date]:
    return [scene.today + datetime.timedelta(days=d) for d in days]


def _person_ids(scene: Scene, *logins) -> list[int]:
    return [scene.people[login].pk for login in logins]


def _alumnus(scene: Scene, login: str):
    return Alumnus.objects.get(user=scene.people[login])


def _earlier_placement(scene: Scene, login: str):
    return scene.people[login].placements.get()


def _pair(scene: Scene, login: str):
    return MentoringPair.objects.get(mentor__user=scene.people[login])


def _open_survey(scene: Scene):
    """The demo's temperature check of this year, open and not answered by trainee 1."""
    from surveys.models import Survey

    return Survey.objects.get(programme_id=scene.running.programme_id, year=scene.today.year)


def _draft_survey(scene: Scene):
    """Next year's temperature check, a draft."""
    from surveys.models import Survey
    from surveys.services import survey_create

    return (Survey.objects.filter(programme_id=scene.running.programme_id,
                                  year=scene.today.year + 1).first()
            or survey_create(programme=scene.running.programme, year=scene.today.year + 1,
                             by=scene.people["pd"]))


def _cohort_fields(scene: Scene) -> dict:
    monday = scene.today + datetime.timedelta(days=7 - scene.today.weekday(), weeks=30)
    return {"name": text("East Kent CLIC 2030"), "programme": choice(scene.running.programme_id),
            "ccg": choice(scene.running.ccg_id), "start_date": date(monday),
            "directors": several(*_person_ids(scene, "pd", "pd2")),
            "als_facilitator": choice(*_person_ids(scene, "pd", "pd2")),
            "teaching_venue": text("Education Centre"), "ccg_venue": text("CCG offices")}


def _interest_of(scene: Scene, login: str):
    return Interest.objects.filter(person=scene.people[login]).first()


def _interest_fields(scene: Scene) -> dict:
    return {"kind": choice(*Interest.Kind.values), "organisation": choice(scene.running.ccg_id, ""),
            "organisation_name": text("Kent Community Health NHS Foundation Trust", ""),
            "description": text("Sessional adviser"),
            "starts_on": date(*_near(scene, -400, 0)), "ends_on": date(*_near(scene, -1, 30))}


def _derbyshire_template(scene: Scene):
    from rotations.models import ProgrammeTemplate

    return ProgrammeTemplate.objects.get(programme__isnull=False)


def _template_fields(scene: Scene) -> dict:
    """The second programme's template page: its settings, a teaching session and a week
    (the formset counts are fuzzed too)."""
    return {
        "weeks": number(20, 1, 0, 53), "organisation_word": text("host organisation"),
        "project_weekday": choice(*Weekday.values), "other_project_day_allowed": boolean(),
        "afternoon_weekday": choice("", *Weekday.values), "morning_start": time("09:00"),
        "morning_end": time("12:30"), "afternoon_start": time("13:30"),
        "afternoon_end": time("17:00"), "meeting_weeks": text("1, 6, 12", "1, 99"),
        "presentation_week": number(20, 21), "presentation_title": text("Panel"),
        "entries_per_week": number(1, 2), "sessions-TOTAL_FORMS": number(1, 0, 1000),
        "sessions-INITIAL_FORMS": number(0, 1), "sessions-0-weekday": choice(*Weekday.values),
        "sessions-0-part": choice("am", "pm"), "sessions-0-start": time("09:30"),
        "sessions-0-end": time("12:30"), "sessions-0-kind": choice("teaching", "als"),
        "sessions-0-title": text("Classroom day"), "sessions-0-weeks": text("", "1, 5", "99"),
        "weeks-TOTAL_FORMS": number(20, 1, 100), "weeks-INITIAL_FORMS": number(0, 20),
        **{f"weeks-{n}-{half}_{part}": (choice("project", "meeting") if part == "kind"
                                        else text("Project work", ""))
           for n in range(20) for half in ("morning", "afternoon") for part in ("kind", "title")},
    }


def _day_fields(scene: Scene) -> dict:
    week16 = scene.running.monday_of_week(16)
    return {"date": date(week16 + datetime.timedelta(days=2), scene.today),
            "start_time": time("13:30"), "end_time": time("16:30"), "venue": text("Hall"),
            "online_url": url("https://teams.microsoft.com/l/x"), "notes": text("Parking")}


def _slot_fields(placements) -> dict:
    fields = {}
    for n, placement in enumerate(placements, start=1):
        prefix = f"slot-{placement.pk}-"
        fields |= {prefix + "order": number(n), prefix + "start_time": time("13:30", "14:00"),
                   prefix + "length_minutes": number(20, 5, 240)}
    return fields


def _absence_fields(scene: Scene) -> dict:
    days = _near(scene, 0, 1, 2, -1, -3, 7, 30)
    return {"first_day": date(*days), "last_day": date(*days),
            "part": choice(*Absence.Part.values),
            "session": choice(*[s.pk for s in scene.sessions_ahead[:5]]),
            "occasion": choice(*[f"session:{s.pk}" for s in scene.sessions_ahead[:3]],
                               "meeting:1", "session:0"),
            "expected_arrival": time("10:15"), "note": text("Back soon")}


ABSENCE_BUTTONS = ({"preview": "1"}, {"confirm": "1"}, {"change": "1"}, {})
TRAINEE_FIELDS = {
    "name": text("Dr New Trainee"), "email": email("new.trainee@nhs.test"),
    "gp_practice": text("Canterbury Road Surgery"), "es_email": email("es@clic.test"),
    "es_name": text("Dr Es"), "ccg_supervisor_email": email("supervisor@clic.test"),
    "ccg_supervisor_name": text(), "project_lead_email": email("lead@clic.test", ""),
    "project_lead_name": text(), "project_day": choice(*Weekday.values),
    "agreed_by_pd": boolean(), "agreed_by_es": boolean(), "agreed_by_supervisor": boolean()}

FORMS: list[Form] = [
    # Accounts
    Form("invitation_accept", None, lambda s: s.invitation_link_args(), lambda s: {
        "password1": text("correct horse battery staple"),
        "password2": text("correct horse battery staple")}),
    Form("person_invite", "pd", fields=lambda s: {
        "full_name": text("Dr Someone"), "email": email("someone@nhs.net"),
        "job_title": text(), "role": choice(*Role.values),
        "organisation": choice(s.running.programme_id, s.running.ccg_id)}),
    Form("person_detail", "pd", lambda s: (s.people["es"].pk,), lambda s: {
        "role": choice(*Role.values), "organisation": choice(s.running.ccg_id)}),
    Form("person_reinvite", "pd", lambda s: (s.invitee.pk,), reachable=False),
    Form("membership_remove", "pd", lambda s: (s.people["es"].pk, s.membership.pk)),
    Form("organisation_create", "pd", fields=lambda s: {
        "kind": choice(*Organisation.Kind.values), "name": text("A new CCG"),
        "admin_mailbox": email(), "committee_email": email(), "address": text()}),
    Form("organisation_edit", "pd", lambda s: (s.running.ccg_id,), lambda s: {
        "kind": choice(*Organisation.Kind.values), "name": text("East Kent CCG"),
        "admin_mailbox": email(), "committee_email": email(), "address": text()}),
    Form("profile", "trainee1", fields=lambda s: {
        "full_name": text("Dr Amy Clarke"), "job_title": text(), "phone": text("01227 000 000")}),
    Form("calendar_token_reset", "trainee1", reachable=False),
    Form("mail_outbox_resend", "pd", lambda s: (s.email.pk,), lambda s: {
        "next": text("/outbox/", "//evil.example/", "https://evil.example/")}, reachable=False),
    Form("mail_routing_row", "pd", lambda s: (s.running.programme_id, "S5"), lambda s: {
        "recipients": choice(*Recipient.values), "reply_to": choice(*Recipient.values, "raised_by"),
        "subject": text("Sickness absence: {{ trainee.full_name }}", "{{ reason }}", "{% if %}"),
        "text": text("Off on {{ days.0 }}", "{{ note }}", "{% for x in %}", "{% debug %}"),
        "previewed": text("0" * 32)},
        buttons=({"action": "preview"}, {"action": "save"}, {})),
    # allauth's pages, as the service configures them
    Form("account_login", None, fields=lambda s: {
        "login": email("trainee1@clic.test"), "password": text(DEMO_PASSWORD),
        "remember": boolean()}),
    Form("account_reset_password", None, fields=lambda s: {"email": email("trainee1@clic.test")}),
    Form("account_change_password", "trainee1", fields=lambda s: {
        "oldpassword": text(DEMO_PASSWORD), "password1": text("a long new pass phrase"),
        "password2": text("a long new pass phrase")}),
    # Cohorts and timetable
    Form("cohort_create", "pd", fields=_cohort_fields),
    Form("cohort_edit", "pd", lambda s: (s.upcoming.pk,), _cohort_fields),
    Form("cohort_publish", "pd", lambda s: (s.upcoming.pk,)),
    Form("template_copy", "pd.derbyshire", lambda s: (_derbyshire_template(s).pk,),
         lambda s: {"programme": choice(_derbyshire_template(s).programme_id),
                    "name": text("Our spring pattern")}),
    Form("template_edit", "pd.derbyshire", lambda s: (_derbyshire_template(s).pk,),
         _template_fields, buttons=({"action": "preview"}, {"action": "save"})),
    Form("session_edit", "pd", lambda s: (s.running.pk, s.session.pk), lambda s: {
        "kind": choice(*[k for k in Session.Kind.values if k != Session.Kind.BANK_HOLIDAY]),
        "title": text("Action learning set"), "date": date(s.session.date, *_near(s, 1, 60)),
        "start_time": time("13:30"), "end_time": time("16:30"), "venue": text("Room 2"),
        "facilitator": choice(*_person_ids(s, "pd", "pd2")), "notes": text()}),
    Form("session_cancel", "pd", lambda s: (s.running.pk, s.session.pk), lambda s: {
        "reason": text("Room unavailable")}),
    Form("session_reinstate", "pd", lambda s: (s.running.pk, s.session.pk)),
    Form("pack_request", "pd", lambda s: (s.running.pk,), reachable=False),
    Form("pack_retry", "pd", lambda s: (s.running.pk, s.pack.pk), reachable=False),
    # Trainees
    Form("trainee_add", "pd", lambda s: (s.upcoming.pk,), lambda s: TRAINEE_FIELDS,
         buttons=({}, {"add_another": "1"})),
    Form("trainees_upload", "pd", lambda s: (s.upcoming.pk,), lambda s: {"file": upload()}),
    Form("trainees_upload_confirm", "pd", lambda s: (s.upcoming.pk,), lambda s: {
        "csv_text": text("Name,Email\r\nDr A,a@nhs.test\r\n")}, reachable=False),
    Form("placement_edit", "pd", lambda s: (s.placements["trainee1"].pk,), lambda s: {
        "practice": choice(s.placements["trainee1"].practice_id),
        "educational_supervisor": choice(*_person_ids(s, "es", "pd2")),
        "ccg_supervisor": choice(*_person_ids(s, "supervisor")),
        "project_lead": choice(*_person_ids(s, "lead"), ""),
        "project_day": choice(*Weekday.values), "agreed_by_pd": boolean(),
        "agreed_by_es": boolean(), "agreed_by_supervisor": boolean()}),
    # Projects
    Form("project_edit", "trainee2", lambda s: (s.placements["trainee2"].pk,), lambda s: {
        "title": text("Diabetes education"), "ccg_priority": text("Variation"),
        "priority_source_url": url(), "aims": text("Reduce variation"),
        "commissioning_stage": choice(*CommissioningStage.values),
        "clinical_lead_name": text()}),
    Form("project_action", "supervisor",
         lambda s: (s.placements["trainee2"].pk,
                    st.sampled_from(["agree", "start", "complete", "confirm", "explode"])),
         reachable=False),
    Form("project_lead", "supervisor", lambda s: (s.placements["trainee2"].pk,), lambda s: {
        "lead": choice(*_person_ids(s, "lead", "pd")), "full_name": text("Ms New Lead"),
        "email": email("new.lead@nhs.net"), "job_title": text()}),
    Form("meeting_schedule", "supervisor",
         lambda s: (s.placements["trainee2"].pk, st.sampled_from(MeetingKind.values)),
         lambda s: {"date": date(*_near(s, 1, 14)), "start_time": time("09:30"),
                    "end_time": time("10:30"), "venue": text("CCG"),
                    "attendees": several(*_person_ids(s, "supervisor", "lead", "chair"))}),
    Form("meeting_cancel", "supervisor",
         lambda s: (s.placements["trainee2"].pk, st.sampled_from(MeetingKind.values)),
         reachable=False),
    Form("meeting_record", "supervisor",
         lambda s: (s.placements["trainee2"].pk, st.sampled_from(MeetingKind.values)),
         lambda s: {"held_on": date(*_near(s, -1, -7)), "notes": text("We met"),
                    "agreed_actions": text()}),
    Form("progress", "trainee1", lambda s: (s.placements["trainee1"].pk,), lambda s: {
        "date": date(*_near(s, 0, -2)), "text": text("Progress made")}),
    Form("progress_comment", "supervisor", lambda s: (s.placements["trainee1"].pk, s.entry.pk),
         lambda s: {"text": text("Well done")}, reachable=False),
    Form("hr_checklist", "trainee2", lambda s: (s.placements["trainee2"].pk,), lambda s: {
        **{key: boolean() for key in ("project_day_agreed", "diary_shared",
                                      "knows_sickness_reporting", "knows_running_late",
                                      "it_arranged", "confidentiality_signed")},
        **{f"{key}_on": date(*_near(s, 0, -3, 3)) for key in (
            "project_day_agreed", "diary_shared", "knows_sickness_reporting",
            "knows_running_late", "it_arranged", "confidentiality_signed")},
        "agreement": upload()}),
    Form("concern_raise", "supervisor", lambda s: (s.placements["trainee4"].pk,), lambda s: {
        "summary": text("Missed days"), "details": text("Details of the concern")}),
    Form("concern_detail", "lead", lambda s: (s.placements["trainee4"].pk, s.concern.pk),
         lambda s: {"status": choice(*Concern.Status.values), "note": text()}),
    Form("concern_share", "lead", lambda s: (s.placements["trainee4"].pk, s.concern.pk),
         lambda s: {"shared": choice("1", "0")}, reachable=False),
    Form("summaries", "trainee2", lambda s: (s.placements["trainee2"].pk,), lambda s: {
        "outcome": upload(), "slide": upload()}),
    Form("committee_submit", "supervisor", lambda s: (s.placements["trainee1"].pk,),
         lambda s: {"upload": text("1", "x")}),
    # Absences
    *[Form("absences:report", "trainee1", lambda s, slug=slug: (s.placements["trainee1"].pk, slug),
           _absence_fields, buttons=ABSENCE_BUTTONS, id=f"absences:report:{slug}")
      for slug in ("sickness", "annual-leave", "study-leave", "cannot-attend", "running-late")],
    Form("absences:report", "pd", lambda s: (s.placements["trainee2"].pk, "sickness"),
         _absence_fields, buttons=ABSENCE_BUTTONS, id="absences:report:on-behalf"),
    Form("absences:report", "trainee1",
         lambda s: (s.placements["trainee1"].pk, st.sampled_from(["sick", "SICKNESS", "x" * 200])),
         _absence_fields, id="absences:report:bad-kind", reachable=False),
    Form("absences:change", "trainee1", lambda s: (s.sickness.pk,), _absence_fields,
         buttons=ABSENCE_BUTTONS),
    Form("absences:withdraw", "trainee1", lambda s: (s.leave.pk,)),
    Form("absences:back", "trainee3", lambda s: (s.open_sickness.pk,), lambda s: {
        "last_day": date(*_near(s, -1, 0, -20, 5))}, buttons=ABSENCE_BUTTONS),
    Form("absences:decide", "pd", lambda s: (s.leave.pk,), lambda s: {
        "decision": choice("approve", "decline"), "comment": text("Enjoy it")}),
    # End of rotation
    Form("presentation_schedule", "pd", lambda s: (s.upcoming.pk,), lambda s: {
        **_day_fields(s), **_slot_fields(s.upcoming.placements.all())}),
    Form("presentation_day_move", "pd", lambda s: (s.day.pk,), _day_fields),
    Form("presentation_slots_edit", "pd", lambda s: (s.day.pk,),
         lambda s: _slot_fields(s.running.placements.all())),
    Form("presentation_day_cancel", "pd", lambda s: (s.day.pk,), lambda s: {
        "reason": text("Snow")}),
    Form("presentation_chase", "pd", lambda s: (s.day.pk,), reachable=False),
    Form("presentation_attendance", "pd", lambda s: (s.day.pk,), lambda s: {
        f"attendance_{inv.pk}": choice(*PresentationInvitation.Attendance.values)
        for inv in s.day.invitations.all()[:6]}),
    Form("presentation_slot_title", "trainee1", lambda s: (s.slot.pk,), lambda s: {
        "title": text("My project")}),
    Form("presentation_invitation_respond", "supervisor", lambda s: (s.invitation.pk,),
         lambda s: {"response": choice(*PresentationInvitation.Response.values)},
         reachable=False),
    Form("presentation_feedback_give", "supervisor", lambda s: (s.slot.pk,), lambda s: {
        "went_well": text("Clear"), "could_be_better": text("Slides"),
        "relevance": choice(1, 3, 5), "leadership": choice(2, 4),
        "communication": choice(5), "anonymous": boolean()}),
    Form("presentation_assessment_record", "pd", lambda s: (s.placements["trainee1"].pk,),
         lambda s: {"relevance": choice(1, 5), "leadership": choice(3),
                    "communication": choice(4), "outcome": choice(*Grade.values),
                    "feedback": text("Good")}),
    Form("cbd_record", "pd", lambda s: (s.placements["trainee1"].pk,), lambda s: {
        "case": text("A case"), "outcome": choice(*Grade.values), "feedback": text("Fine"),
        **{f"capability-{n}-{name}": strategy for n in range(MAX_CBD_CAPABILITIES)
           for name, strategy in (("capability", choice(*Capability.values, "")),
                                  ("grade", choice(*Grade.values, "")),
                                  ("justification", text("Shown by the case")))}}),
    Form("reflective_entries", "trainee1", lambda s: (s.placements["trainee1"].pk,), lambda s: {
        "date": date(*_near(s, 0, -1)), "title": text("An entry"),
        "kind": choice(*ReflectiveEntry.Kind.values), "capability": choice(*Capability.values),
        "portfolio_url": url()}),
    Form("reflective_entry_delete", "trainee1", lambda s: (s.reflective_entry.pk,)),
    Form("evaluation_open", "pd", lambda s: (s.running.pk,)),
    Form("evaluation_share", "pd", lambda s: (s.running.pk,), lambda s: {
        "message": text("Thank you")}, buttons=({}, {"confirm": "1"})),
    Form("evaluation_answer", "trainee1", lambda s: (s.running.pk,), lambda s: {
        **{name: choice(1, 3, 5) for name in EVALUATION_RATINGS},
        "went_well": text(), "improve": text(), "other_comments": text()}),
    # Alumni and mentoring
    Form("community:join", "alumnus1", lambda s: (_earlier_placement(s, "alumnus1").pk,),
         reachable=False),  # already an alumnus: the page is a 404 to them
    Form("community:profile", "alumnus1", lambda s: (_alumnus(s, "alumnus1").pk,), lambda s: {
        "listed": boolean(), "current_role": text("GP partner"), "organisation": text("Surgery"),
        "interests": text("Frailty"), "happy_to_be_contacted": boolean(),
        "offers_mentoring": boolean(), "mentoring_offer": text("Project work", "")}),
    Form("community:leave", "alumnus2", lambda s: (_alumnus(s, "alumnus2").pk,)),
    Form("community:mentoring", "pd", lambda s: (s.running.programme_id,), lambda s: {
        "mentor": choice(_alumnus(s, "alumnus1").pk, _alumnus(s, "alumnus2").pk),
        "placement": choice(*[p.pk for p in s.placements.values()])}),
    Form("community:pair", "alumnus1", lambda s: (_pair(s, "alumnus1").pk,), lambda s: {
        "met_on": date(*_near(s, 0, -1, 1, -400)), "note": text("We met")}),
    Form("survey_create", "pd", fields=lambda s: {
        "programme": choice(s.running.programme_id), "year": number(s.today.year + 1)}),
    Form("survey_detail", "pd", lambda s: (_draft_survey(s).pk,), lambda s: {
        "text": text("Did the induction prepare you?"), "kind": choice("scale", "text")}),
    Form("survey_open", "pd", lambda s: (_draft_survey(s).pk,), lambda s: {
        "closes_on": date(*_near(s, 0, 14))}),
    Form("survey_close", "pd", lambda s: (_open_survey(s).pk,), reachable=False),
    Form("survey_answer", "trainee1", lambda s: (_open_survey(s).pk,), lambda s: {
        f"question_{question.pk}": choice(1, 3, 5) if question.kind == "scale" else text()
        for question in _open_survey(s).questions.all()}),
    Form("survey_summary_request", "pd", lambda s: (_open_survey(s).pk,), reachable=False),
    # Register of interests
    Form("interest_declare", "supervisor", fields=_interest_fields),
    Form("interest_edit", "supervisor", lambda s: (_interest_of(s, "supervisor").pk,),
         _interest_fields),
    Form("interests_nothing_to_declare", "chair", reachable=False),
    Form("conflict_decide", "pd", lambda s: (s.placements["trainee1"].pk,), lambda s: {
        "choice": choice(*ConflictDecision.Choice.values)}),
    # Filters and other query strings (GET)
    Form("absences:programme", "pd", method="GET", fields=lambda s: {
        "cohort": choice(s.running.pk), "trainee": choice(s.placements["trainee1"].pk),
        "kind": choice(*Absence.Kind.values), "start": date(s.today), "end": date(s.today),
        "page": number(1, 2, "last")}),
    Form("absences:ccg", "ccgadmin", method="GET", fields=lambda s: {
        "cohort": choice(s.running.pk), "month": text(f"{s.today:%Y-%m}", "0000-00", "9999-12")}),
    Form("absences:start", "pd", method="GET", reachable=False, fields=lambda s: {
        "placement": choice(s.placements["trainee1"].pk), "date": date(s.today),
        "kind": choice("sickness", "annual-leave")}),
    Form("mail_outbox", "pd", method="GET", fields=lambda s: {
        "cohort": choice(s.running.pk), "placement": choice(s.placements["trainee1"].pk),
        "code": choice(*[code for code, _ in code_choices()]),
        "status": choice(*OutboundEmail.Status.values), "page": number(1, 2, "last")}),
    Form("diary_week", "pd", method="GET", fields=lambda s: {
        "date": date(s.today), "placement": choice(s.placements["trainee1"].pk),
        "cohort": choice(s.running.pk)}),
    Form("diary_month", "supervisor", method="GET", fields=lambda s: {
        "date": date(s.today), "placement": choice(s.placements["trainee1"].pk),
        "cohort": choice(s.running.pk)}),
    Form("cohort_timetable", "pd", lambda s: (s.running.pk,), method="GET",
         fields=lambda s: {"week": number(1, 16, 17)}),
    Form("people", "pd", method="GET", fields=lambda s: {"q": text("Clarke")}),
    Form("earlier_trainees", "supervisor", method="GET",
         fields=lambda s: {"page": number(1, 2, "last")}),
    Form("audit_events", "pd", method="GET", fields=lambda s: {
        "placement": choice(s.placements["trainee1"].pk),
        "actor": choice(*_person_ids(s, "pd", "trainee1")),
        "action": choice(*AuditEvent.Action.values), "object_type": text("absence"),
        "start": date(s.today), "end": date(s.today), "page": number(1, 2)}),
]



def _demo_role(title: str) -> int:
    from opportunities.models import Opportunity

    return Opportunity.objects.get(title=title).pk


def _monitoring_fields(scene: Scene) -> dict:
    from opportunities.models import MONITORING_QUESTIONS, MonitoringResponse

    return {name: choice(*(value for value, _ in MonitoringResponse._meta.get_field(name).choices))
            for name in MONITORING_QUESTIONS}


FORMS += [
    # The leadership opportunities board (the demo's roles)
    Form("opportunity_publish", "pd", fields=lambda s: {
        "programme": choice(s.running.programme_id), "title": text("Clinical lead"),
        "organisation": text("East Kent CCG"), "time_commitment": text("2 sessions a week"),
        "closing_date": date(*_near(s, -1, 0, 30)), "apply_url": url("https://jobs.nhs.uk/x", ""),
        "apply_email": email("jobs@nhs.net", ""), "description": text("Lead the pathway.")}),
    Form("opportunity_interest", "trainee1",
         lambda s: (_demo_role("Clinical director, Canterbury primary care network"),),
         reachable=False),
    # Daniel is interested in the network role and has not answered yet.
    Form("opportunity_monitoring", "trainee4",
         lambda s: (_demo_role("Clinical director, Canterbury primary care network"),),
         _monitoring_fields, buttons=({}, {"decline": "yes"})),
    Form("opportunity_digest", "trainee2", fields=lambda s: {"subscribe": choice("yes", "no")}),
]

# Pages that only show or download: no form, no query string that changes what is saved.
READ_ONLY = {
    "healthz", "nhsuk_image", "home", "people", "organisations", "cohort_list", "cohort_detail",
    "cohort_changes", "cohort_timetable", "pack_detail", "pack_download",
    "placement_timetable_pdf", "diary_week", "diary_month", "calendar_subscribe",
    "calendar_feed", "trainees_template", "placement_detail", "supervision", "project_detail",
    "meeting_list", "hr_agreement_download", "concerns", "summary_download", "mail_outbox",
    "mail_outbox_detail", "mail_catalogue", "mail_routing_table", "assessments_index", "presentation_day",
    "presentation_invitations", "presentation_feedback", "assessment_detail",
    "end_of_rotation_pdf", "reflective_overview", "evaluation_results", "absences:mine",
    "absences:start", "absences:detail", "absences:programme", "absences:ccg",
    "absences:ccg_register", "absences:programme_csv", "absences:supervised", "data_export",
    "data_export_download", "trainee_page", "concerns_received", "cohort_timetable_overview",
    "template_list", "template_detail", "opportunity_board", "opportunity_detail",
    "opportunity_monitoring_summary", "community:index", "community:directory",
    "survey_list", "survey_results", "survey_summary", "survey_summary_download",
    "interests_mine", "interests_register",
}
# The service's own packages (anything else is Django's or allauth's).
SERVICE_PACKAGES = {"clic", "rotations", "trainees", "projects", "absences", "assessments",
                    "opportunities", "community", "surveys"}


def _service_url_names() -> set[str]:
    names = set()

    def walk(patterns, namespace=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, f"{pattern.namespace}:" if pattern.namespace
                     else namespace)
            elif (isinstance(pattern, URLPattern) and pattern.name
                  and pattern.callback.__module__.split(".")[0] in SERVICE_PACKAGES):
                names.add(namespace + pattern.name)

    walk(get_resolver().url_patterns)
    return names


def test_every_url_of_the_service_is_fuzzed_or_read_only():
    fuzzed = {form.url for form in FORMS}
    unclassified = _service_url_names() - fuzzed - READ_ONLY
    assert not unclassified, f"Add these URLs to FORMS (or READ_ONLY): {sorted(unclassified)}"


# The check --------------------------------------------------------------------------------


def _service_tables() -> list[str]:
    """Every table of the service's own apps (not sessions, not an audit log of reads)."""
    labels = {"accounts", "mail", "rotations", "trainees", "projects", "absences",
              "assessments", "opportunities", "community", "surveys", "interests"}
    return sorted(model._meta.db_table for model in apps.get_models()
                  if model._meta.app_label in labels and not model._meta.proxy
                  and "audit" not in model._meta.db_table)


def fingerprint(tables: list[str]) -> str:
    """One digest of every row of every table: any insert, update or delete changes it."""
    parts = " UNION ALL ".join(
        f"SELECT '{table}' || md5(t::text) AS h FROM \"{table}\" t" for table in tables)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT md5(coalesce(string_agg(h, ',' ORDER BY h), '')) FROM ({parts}) s")
        return cursor.fetchone()[0]


def _draw_args(data, args: tuple) -> tuple:
    return tuple(data.draw(arg) if isinstance(arg, st.SearchStrategy) else arg for arg in args)


def shows_errors(response) -> bool:
    if response.status_code not in (200, 400):
        return False
    page = response.content.decode(errors="replace")
    return "nhsuk-error-summary" in page or "nhsuk-error-message" in page


@pytest.mark.parametrize("form", FORMS, ids=lambda form: form.name)
def test_generated_input_never_breaks_a_form_and_a_refusal_saves_nothing(client, scene, form):
    user = scene.user(form.user)
    if user is not None:
        client.force_login(user)
    tables = _service_tables()
    fields = form.fields(scene)
    static_args = form.args(scene)
    if form.reachable and not any(isinstance(a, st.SearchStrategy) for a in static_args):
        page = client.get(reverse(form.url, args=static_args))
        assert page.status_code == 200, f"{form.name} is not open to {form.user}"
    junk = st.dictionaries(st.sampled_from(["confirm", "change", "preview", "id", "pk", "user",
                                            "status", "csrfmiddlewaretoken", "\x00", "é" * 50]),
                           any_text, max_size=2)

    # The state before each example is the state after the one before it.
    last = {"fingerprint": fingerprint(tables), "emails": OutboundEmail.objects.count()}

    @FUZZ
    @given(data=st.data())
    def post(data):
        url = reverse(form.url, args=_draw_args(data, static_args))
        values = data.draw(st.fixed_dictionaries({}, optional=fields), label="fields")
        values |= data.draw(st.sampled_from(form.buttons), label="button")
        values |= data.draw(junk, label="junk")
        before = dict(last)
        response = (client.get if form.method == "GET" else client.post)(url, values)
        assert response.status_code < 500
        last.update(fingerprint=fingerprint(tables), emails=OutboundEmail.objects.count())
        if shows_errors(response):
            assert last["emails"] == before["emails"], "a refused form queued an email"
            assert last["fingerprint"] == before["fingerprint"], "a refused form saved something"

    post()


def test_fingerprint_sees_an_insert_an_update_and_a_delete(scene):
    tables = _service_tables()
    start = fingerprint(tables)
    Session.objects.filter(pk=scene.session.pk).update(venue="Somewhere else")
    changed = fingerprint(tables)
    assert changed != start
    Session.objects.filter(pk=scene.session.pk).update(venue=scene.session.venue)
    assert fingerprint(tables) == start
    ReflectiveEntry.objects.get(pk=scene.reflective_entry.pk).delete()
    assert fingerprint(tables) not in (start, changed)

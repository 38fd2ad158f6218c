"""Data rights (issue 8, item 4): a person downloads everything held about them; placements
past the retention period are anonymised, keeping the counts reports need."""

import datetime
import io
import json
import zipfile

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from absences.models import Absence
from assessments.models import PresentationFeedback, ReflectiveEntry
from clic.accounts.retention import retention_cutoff
from clic.mail.models import OutboundEmail
from projects.models import Concern, ConcernNote, HRChecklist, ProgressEntry
from rotations.models import Cohort
from tests.security.scene import build_scene

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene(world, settings):
    settings.CLIC_MFA_ENFORCED = False
    return build_scene(world)


def _feedback(scene, giver, *, anonymous: bool, text: str):
    """Feedback on the trainee's talk (written directly: the day is weeks away)."""
    return PresentationFeedback.objects.create(
        slot=scene.slot, giver=giver, went_well=text, could_be_better="Slower",
        relevance=4, leadership=4, communication=4, anonymous=anonymous)


def download(user) -> zipfile.ZipFile:
    client = Client()
    client.force_login(user)
    response = client.get(reverse("data_export_download"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"]
    return zipfile.ZipFile(io.BytesIO(response.content))


def placement_json(archive: zipfile.ZipFile) -> dict:
    (name,) = [n for n in archive.namelist() if n.endswith("placement.json")]
    return json.loads(archive.read(name))


# --- Subject access ---------------------------------------------------------------------


def test_the_profile_links_to_the_download_of_everything_held(client, scene):
    client.force_login(scene.world.trainee)
    profile = client.get(reverse("profile")).content.decode()
    assert f'href="{reverse("data_export")}"' in profile
    page = client.get(reverse("data_export")).content.decode()
    assert f'href="{reverse("data_export_download")}"' in page


def test_a_trainee_downloads_all_their_data_in_one_zip(scene, clock):
    world = scene.world
    _feedback(scene, world.supervisor, anonymous=False, text="Clear aims")
    _feedback(scene, world.lead, anonymous=True, text="Good slides")
    # The feedback is released to the trainee once the day is past.
    clock.set(scene.day.date + datetime.timedelta(days=1))

    archive = download(world.trainee)  # the ZIP is the response itself: no background job

    names = archive.namelist()
    assert {"README.txt", "account.json", "emails.json"} <= set(names)
    pdfs = [n for n in names if n.endswith(".pdf")]
    assert {n.rsplit("/", 1)[1] for n in pdfs} == {"end-of-rotation.pdf",
                                                    "portfolio-timetable.pdf"}
    assert all(archive.read(n).startswith(b"%PDF") for n in pdfs)

    account = json.loads(archive.read("account.json"))
    assert account["email"] == world.trainee.email
    assert [r["role"] for r in account["roles"]] == ["Trainee"]

    data = placement_json(archive)
    assert data["placement"]["ccg_supervisor"]["email"] == world.supervisor.email
    assert len(data["timetable"]) == world.placement.sessions.count() + world.cohort.sessions.filter(
        placement__isnull=True).count()
    assert "Private note: migraine" in [a["note"] for a in data["absences"]]
    assert data["project"]["title"] == "Frailty pathway"
    assert data["progress_log"][0]["text"] == "Met the team"
    assert [m["meeting"] for m in data["meetings"]] == ["Week 8 review"]
    assert len(data["hr_checklist"]) == 6
    assert data["presentation_assessment"]["outcome"] == "Competent"
    assert data["case_based_discussion"]["capabilities"][0]["justification"] == "Yes"
    assert data["reflective_entries"][0]["title"] == "Commissioning and my practice"
    given = {item["went_well"]: item["from"] for item in data["feedback_received"]}
    assert given == {"Clear aims": world.supervisor.full_name, "Good slides": "Anonymous"}
    assert world.lead.full_name not in json.dumps(data["feedback_received"])
    # The concern was not shared with the trainee: the service's rule holds here too.
    assert data["concerns_shared_with_you"] == []
    assert "Three in a row" not in json.dumps(data)

    emails = json.loads(archive.read("emails.json"))
    codes = {e["sop_code"] for e in emails}
    assert {"S2", "S5", "S6"} <= codes  # to them, and about them to others


def test_sign_in_links_are_never_in_the_download(scene):
    from clic.accounts.services import invitation_send, invitation_url

    world = scene.world
    invitation_send(user=world.trainee, invited_by=world.pa)
    emails = json.loads(download(world.trainee).read("emails.json"))
    invite = [e for e in emails if e["sop_code"] == "INVITE"]
    assert invite and "sign-in link" in invite[0]["body"]
    link = invitation_url(world.trainee).split("/invitation/")[1]
    assert link.split("/")[0] not in json.dumps(emails)


def test_each_person_downloads_only_their_own(scene):
    world = scene.world
    for who in ("pd", "supervisor", "ccg_admin", "other_trainee"):
        archive = download(getattr(world, who))
        everything = b"".join(archive.read(name) for name in archive.namelist()
                              if not name.endswith(".pdf")).decode()
        assert "Private note: migraine" not in everything
        assert json.loads(archive.read("account.json"))["email"] == getattr(world, who).email
        if who == "other_trainee":
            assert world.trainee.full_name not in everything


def test_anonymous_people_cannot_download(client):
    response = client.get(reverse("data_export_download"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# --- Retention ------------------------------------------------------------------------------


def _age(cohort, *, years: int) -> None:
    """Move a cohort's rotation back in time (only its dates matter here)."""
    start = timezone.localdate() - datetime.timedelta(days=round(365.25 * years))
    start -= datetime.timedelta(days=start.weekday())
    Cohort.objects.filter(pk=cohort.pk).update(start_date=start)
    cohort.refresh_from_db()


def _counts(placement) -> dict:
    from assessments.selectors import absence_days_by_kind

    return {
        "absences": sorted(Absence.objects.filter(placement=placement)
                           .values_list("kind", "state", "first_day", "last_day")),
        "days": absence_days_by_kind(placement, timezone.localdate()),
        "progress": ProgressEntry.objects.filter(placement=placement).count(),
        "reflective": ReflectiveEntry.objects.filter(placement=placement).count(),
        "concerns": list(Concern.objects.filter(placement=placement).values_list("status")),
        "outcomes": (placement.presentation_assessment.outcome,
                     placement.case_based_discussion.outcome),
        "emails": OutboundEmail.objects.filter(placement=placement).count(),
    }


def _run(*args) -> str:
    out = io.StringIO()
    call_command("anonymise_old_placements", *args, stdout=out)
    return out.getvalue()


def test_the_retention_period_is_six_years_by_default(settings):
    assert settings.CLIC_RETENTION_YEARS == 6
    assert retention_cutoff(datetime.date(2032, 2, 29)) == datetime.date(2026, 2, 28)


def test_old_placements_are_anonymised_keeping_the_counts(scene):
    world = scene.world
    placement, trainee = world.placement, world.trainee
    project_services_note(scene)
    _age(world.cohort, years=7)
    before = _counts(placement)

    output = _run()

    assert "1 of 1 placements" in output and "1 former trainees" in output
    trainee.refresh_from_db()
    assert trainee.full_name == f"Former trainee #{trainee.pk}"
    assert trainee.email.endswith("@anonymised.invalid") and trainee.phone == ""
    assert not trainee.is_active and not trainee.has_usable_password()
    assert not Absence.objects.filter(placement=placement).exclude(note="").exists()
    assert not ProgressEntry.objects.filter(placement=placement).exclude(text="").exists()
    assert not ConcernNote.objects.filter(concern__placement=placement).exclude(text="").exists()
    assert set(ReflectiveEntry.objects.filter(placement=placement)
               .values_list("title", "portfolio_url")) == {("Reflective entry", "")}
    assert not OutboundEmail.objects.filter(placement=placement).exclude(body_text="").exists()
    assert not OutboundEmail.objects.filter(to_email="trainee@nhs.test").exists()
    assert not HRChecklist.objects.get(placement=placement).confidentiality_agreement
    assert _counts(placement) == before  # reports still add up
    # Nothing about them is left to find by name or address.
    from django.core import serializers

    dump = serializers.serialize("json", [*Absence.objects.all(), *OutboundEmail.objects.all(),
                                          *ProgressEntry.objects.all()])
    assert "Dr Trainee" not in dump and "trainee@nhs.test" not in dump


def project_services_note(scene):
    from projects import services

    services.concern_update(concern=scene.concern, by=scene.world.pd, status="in_hand",
                            note="Talked it through with Dr Trainee")


def test_running_it_again_changes_nothing(scene):
    _age(scene.world.cohort, years=7)
    _run()
    from clic.audit.models import AuditEvent

    events = AuditEvent.objects.count()
    output = _run()
    assert "0 of 1 placements" in output and "0 former trainees" in output
    assert "already done" in output
    assert AuditEvent.objects.count() == events


def test_a_dry_run_says_what_would_change_and_changes_nothing(scene):
    world = scene.world
    _age(world.cohort, years=7)
    output = _run("--dry-run")
    assert "would be anonymised" in output and "Dry run: nothing was saved." in output
    world.trainee.refresh_from_db()
    assert world.trainee.full_name == "Dr Trainee"
    assert Absence.objects.filter(note="Private note: migraine").exists()
    assert world.placement.hr_checklist.confidentiality_agreement.storage.exists(
        world.placement.hr_checklist.confidentiality_agreement.name)


def test_a_trainee_with_a_newer_placement_keeps_their_account(scene):
    from tests import factories

    world = scene.world
    _age(world.cohort, years=7)
    factories.PlacementFactory(trainee=world.trainee)  # a rotation of theirs running now
    _run()
    world.trainee.refresh_from_db()
    assert world.trainee.full_name == "Dr Trainee" and world.trainee.is_active
    assert not Absence.objects.filter(placement=world.placement).exclude(note="").exists()


def test_placements_inside_the_retention_period_are_untouched(scene):
    _age(scene.world.cohort, years=5)
    assert "0 of 0 placements" in _run()
    assert Absence.objects.filter(note="Private note: migraine").exists()


def test_the_nightly_beat_runs_the_retention(scene, settings):
    from clic.accounts.tasks import retention_run

    assert settings.CELERY_BEAT_SCHEDULE["retention"]["task"] == retention_run.name
    _age(scene.world.cohort, years=7)
    assert retention_run() == 1
    assert retention_run() == 0

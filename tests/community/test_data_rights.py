import datetime
import io
import json
import zipfile

import pytest
from django.core.management import call_command
from django.utils import timezone

from clic.accounts.exporters import subject_access_zip
from community.models import Alumnus, MentoringMeeting
from community.services import alumnus_leave, mentoring_meeting_log
from rotations.models import Cohort

pytestmark = pytest.mark.django_db

NOTE = "Private: thinking of leaving general practice"


def _age(cohort, *, years: int) -> None:
    start = timezone.localdate() - datetime.timedelta(days=round(365.25 * years))
    Cohort.objects.filter(pk=cohort.pk).update(start_date=start - datetime.timedelta(
        days=start.weekday()))


def _retention() -> str:
    out = io.StringIO()
    call_command("anonymise_old_placements", stdout=out)
    return out.getvalue()


def test_an_alumnus_keeps_their_name_past_the_retention_period_while_their_choice_holds(
        world, pair):
    mentoring_meeting_log(pair=pair, by=pair.mentor.user, met_on=timezone.localdate(), note=NOTE)
    _age(pair.mentor.cohort, years=7)
    output = _retention()
    person = pair.mentor.user
    person.refresh_from_db()
    assert (person.full_name, person.email) == ("Dr Former", "former@nhs.test")
    assert f"Former trainee #{person.pk}: name and email kept" in output
    assert "0 former trainees" in output
    assert MentoringMeeting.objects.get().note == NOTE


def test_after_leaving_the_retention_rules_apply_again(world, pair):
    mentoring_meeting_log(pair=pair, by=pair.mentor.user, met_on=timezone.localdate(), note=NOTE)
    _age(pair.mentor.cohort, years=7)
    alumnus_leave(alumnus=pair.mentor)
    assert "1 former trainees" in _retention()
    person = pair.mentor.user
    person.refresh_from_db()
    assert person.full_name == f"Former trainee #{person.pk}"
    assert MentoringMeeting.objects.get().note == ""  # their words as a mentor go too
    assert MentoringMeeting.objects.count() == 1  # the PDs' counts still add up


def test_the_choice_lapses_after_five_years(world, mentor, clock):
    _age(mentor.cohort, years=7)
    clock.set(mentor.keep_until + datetime.timedelta(days=1))
    assert "1 former trainees" in _retention()
    mentor.refresh_from_db()
    assert mentor.user.email.endswith("@anonymised.invalid")
    assert (mentor.listed, mentor.current_role, mentor.mentoring_offer) == (False, "", "")


def test_a_trainees_mentoring_notes_go_with_their_placement(world, pair):
    mentoring_meeting_log(pair=pair, by=world.trainee, met_on=timezone.localdate(), note=NOTE)
    _age(world.cohort, years=7)
    _retention()
    meeting = MentoringMeeting.objects.get()
    assert (meeting.note, meeting.met_on) == ("", timezone.localdate())


def test_the_subject_access_export_holds_the_alumni_entry_and_mentoring(world, pair):
    mentoring_meeting_log(pair=pair, by=world.trainee, met_on=timezone.localdate(), note=NOTE)
    for person, role in ((pair.mentor.user, "mentor"), (world.trainee, "trainee")):
        archive = zipfile.ZipFile(io.BytesIO(subject_access_zip(person)))
        data = json.loads(archive.read("alumni.json"))
        assert data["mentoring"][0]["meetings"][0]["note"] == NOTE, role
        assert data["mentoring"][0]["mentor"] == "Dr Former"
    mentor_data = json.loads(zipfile.ZipFile(io.BytesIO(subject_access_zip(pair.mentor.user)))
                             .read("alumni.json"))
    assert mentor_data["alumni"][0]["mentoring_offer"] == "Project work in urgent care"
    assert "alumni.json" not in zipfile.ZipFile(io.BytesIO(subject_access_zip(world.pd))).namelist()
    assert Alumnus.objects.count() == 1

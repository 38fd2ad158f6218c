import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from clic.accounts.models import Role, RoleMembership
from clic.mail.models import OutboundEmail
from clic.mail.services import build_message
from community import selectors, services
from community.models import Alumnus, MentoringMeeting, MentoringPair
from projects.models import CommissioningStage
from projects.services import project_save
from tests import factories

from .helpers import ended_placement, mentor_from

pytestmark = pytest.mark.django_db


def test_joining_the_alumni_gives_the_role_for_five_years(former):
    alumnus = services.alumnus_join(user=former.trainee, placement=former)
    today = timezone.localdate()
    assert (alumnus.programme, alumnus.cohort, alumnus.joined_on) == (
        former.cohort.programme, former.cohort, today)
    assert alumnus.keep_until == today.replace(year=today.year + 5)
    assert RoleMembership.objects.filter(user=former.trainee, role=Role.ALUMNUS,
                                         organisation=former.cohort.programme).exists()


def test_joining_before_the_rotation_ends_is_refused_and_saves_nothing(world):
    with pytest.raises(ValidationError, match="once your rotation has ended"):
        services.alumnus_join(user=world.trainee, placement=world.placement)
    assert not Alumnus.objects.exists()
    assert not RoleMembership.objects.filter(role=Role.ALUMNUS).exists()


def test_joining_from_someone_elses_rotation_is_refused(world, former):
    with pytest.raises(ValidationError, match="Only the trainee"):
        services.alumnus_join(user=world.trainee, placement=former)
    assert not Alumnus.objects.exists()


def test_joining_twice_is_refused(former):
    services.alumnus_join(user=former.trainee, placement=former)
    with pytest.raises(ValidationError, match="already one of the programme's alumni"):
        services.alumnus_join(user=former.trainee, placement=former)
    assert Alumnus.objects.count() == 1


def test_leaving_removes_the_role_what_was_shared_and_the_offer(mentor):
    services.alumnus_leave(alumnus=mentor)
    mentor.refresh_from_db()
    assert mentor.left_on == timezone.localdate()
    assert (mentor.listed, mentor.offers_mentoring, mentor.current_role, mentor.interests,
            mentor.mentoring_offer) == (False, False, "", "", "")
    assert not RoleMembership.objects.filter(user=mentor.user, role=Role.ALUMNUS).exists()
    assert list(selectors.directory(mentor.programme, timezone.localdate())) == []


def test_joining_again_after_leaving_starts_the_period_afresh(mentor, former, clock):
    services.alumnus_leave(alumnus=mentor)
    later = timezone.localdate() + datetime.timedelta(days=400)
    clock.set(later)
    again = services.alumnus_join(user=former.trainee, placement=former)
    assert (again.pk, again.left_on, again.keep_until) == (
        mentor.pk, None, later.replace(year=later.year + 5))


def test_offering_to_mentor_without_saying_what_is_refused(former):
    alumnus = services.alumnus_join(user=former.trainee, placement=former)
    with pytest.raises(ValidationError) as refused:
        services.alumnus_update(alumnus=alumnus, listed=True, current_role="", organisation="",
                                interests="", happy_to_be_contacted=False, offers_mentoring=True,
                                mentoring_offer="  ")
    assert refused.value.message_dict == {
        "mentoring_offer": ["Say briefly what you offer as a mentor."]}
    alumnus.refresh_from_db()
    assert (alumnus.listed, alumnus.offers_mentoring) == (False, False)


def test_pairing_emails_the_mentor_and_the_trainee_with_replies_to_the_pd(world, mentor):
    pair = services.mentoring_pair_create(mentor=mentor, placement=world.placement, by=world.pd)
    emails = {e.to_email: e for e in OutboundEmail.objects.filter(code="MENTOR-PAIRED")}
    assert set(emails) == {"former@nhs.test", "trainee@nhs.test"}
    to_mentor, to_trainee = emails["former@nhs.test"], emails["trainee@nhs.test"]
    assert to_mentor.subject == f"You are mentoring {world.trainee.full_name}"
    assert to_trainee.subject == "Dr Former is your CLIC mentor"
    assert "Project work in urgent care" in to_trainee.body_text
    assert f"/mentoring/{pair.pk}/" in to_mentor.body_text
    for email in emails.values():
        assert email.placement_id == world.placement.pk
        assert build_message(email).reply_to == [f"{world.pd.full_name} <pd@nhs.test>"]


def test_a_mentor_who_supervises_the_trainee_is_refused_and_nothing_is_sent(world, mentor):
    world.placement.educational_supervisor = mentor.user
    world.placement.save()
    with pytest.raises(ValidationError) as refused:
        services.mentoring_pair_create(mentor=mentor, placement=world.placement, by=world.pd)
    assert "supervises" in refused.value.message_dict["mentor"][0]
    assert not MentoringPair.objects.exists()
    assert not OutboundEmail.objects.filter(code="MENTOR-PAIRED").exists()


def test_a_pair_that_exists_is_refused(world, mentor, pair):
    with pytest.raises(ValidationError) as refused:
        services.mentoring_pair_create(mentor=mentor, placement=world.placement, by=world.pd)
    assert refused.value.message_dict["placement"] == [
        f"Dr Former already mentors {world.trainee.full_name}."]
    assert MentoringPair.objects.count() == 1
    assert OutboundEmail.objects.filter(code="MENTOR-PAIRED").count() == 2


def test_a_trainee_whose_rotation_ended_is_not_paired(world, mentor):
    ended = ended_placement(world, "oldtrainee")
    with pytest.raises(ValidationError, match="rotation has ended"):
        services.mentoring_pair_create(mentor=mentor, placement=ended, by=world.pd)
    assert not MentoringPair.objects.exists()


def test_an_alumnus_who_does_not_offer_is_not_paired(world, former):
    quiet = mentor_from(former, offer="")
    with pytest.raises(ValidationError, match="does not offer to mentor"):
        services.mentoring_pair_create(mentor=quiet, placement=world.placement, by=world.pd)


def test_either_of_the_pair_logs_a_meeting(world, pair):
    today = timezone.localdate()
    services.mentoring_meeting_log(pair=pair, by=world.trainee, met_on=today, note="Went well")
    services.mentoring_meeting_log(pair=pair, by=pair.mentor.user, met_on=today, note="")
    assert MentoringMeeting.objects.filter(pair=pair).count() == 2


def test_a_meeting_in_the_future_is_refused(world, pair):
    with pytest.raises(ValidationError) as refused:
        services.mentoring_meeting_log(pair=pair, by=world.trainee, note="",
                                       met_on=timezone.localdate() + datetime.timedelta(days=1))
    assert refused.value.message_dict == {
        "met_on": ["The date you met must be today or in the past."]}
    assert not MentoringMeeting.objects.exists()


def test_a_meeting_before_the_pairing_is_refused(world, pair):
    with pytest.raises(ValidationError, match="on or after the day you were paired"):
        services.mentoring_meeting_log(pair=pair, by=world.trainee, note="",
                                       met_on=pair.paired_on - datetime.timedelta(days=1))
    assert not MentoringMeeting.objects.exists()


def test_someone_outside_the_pair_cannot_log_a_meeting(world, pair):
    with pytest.raises(ValidationError, match="Only the mentor and the trainee"):
        services.mentoring_meeting_log(pair=pair, by=world.pd, note="",
                                       met_on=timezone.localdate())
    assert not MentoringMeeting.objects.exists()


def test_suggestions_put_the_same_practice_and_stage_first_and_leave_out_supervisors(world):
    project_save(placement=world.placement, by=world.trainee, title="Frailty", ccg_priority="Age",
                 aims="Fewer falls", commissioning_stage=CommissioningStage.MONITORING)
    elsewhere = mentor_from(ended_placement(world, "elsewhere"))
    same_stage_placement = ended_placement(world, "samestage")
    project_save(placement=same_stage_placement, by=same_stage_placement.trainee, title="Audit",
                 ccg_priority="Age", aims="Audit", commissioning_stage=CommissioningStage.MONITORING)
    same_stage = mentor_from(same_stage_placement)
    same_practice = mentor_from(ended_placement(world, "samepractice", practice=world.practice))
    supervisor = mentor_from(ended_placement(world, "supervisor2"))
    world.placement.ccg_supervisor = supervisor.user
    world.placement.save()
    mentors = selectors.mentors_on_offer(world.programme, timezone.localdate())
    found = selectors.suggestions(mentors, world.placement, paired=set())
    assert [s.mentor for s in found] == [same_practice, same_stage, elsewhere]
    assert found[0].reasons == ["was at the same GP practice", "was placed at the same CCG"]
    assert found[1].reasons == ["had a project in the same stage of the commissioning cycle",
                                "was placed at the same CCG"]
    # Someone else's supervisor may mentor them, unless already paired with them.
    peer = factories.PlacementFactory(cohort=world.cohort)
    assert supervisor in [s.mentor for s in selectors.suggestions(mentors, peer, paired=set())]
    assert supervisor not in [s.mentor for s in selectors.suggestions(
        mentors, peer, paired={(supervisor.pk, peer.pk)})]

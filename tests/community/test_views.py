import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from clic.accounts.models import Role, RoleMembership
from clic.mail.models import OutboundEmail
from community.models import Alumnus, MentoringMeeting, MentoringPair
from community.services import mentoring_meeting_log

from .helpers import ended_placement, mentor_from

pytestmark = pytest.mark.django_db

NOTE = "Talked about leaving partnership: private"


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_join_page_says_what_is_kept_and_for_how_long_then_joins(former):
    client = signed_in(former.trainee)
    home = client.get(reverse("home")).content.decode()
    join = reverse("community:join", args=[former.pk])
    assert join in home
    page = client.get(join).content.decode()
    for kept in ("your name and email address", "your programme and cohort",
                 "what you choose to share in the alumni directory",
                 "Until you leave the alumni, or for 5 years"):
        assert kept in page
    assert not Alumnus.objects.exists()  # reading the page chooses nothing
    response = client.post(join)
    alumnus = Alumnus.objects.get(user=former.trainee)
    assert response["Location"] == reverse("community:profile", args=[alumnus.pk])
    assert client.get(join).status_code == 404  # chosen once


def test_a_running_rotation_has_no_join_page(client, world):
    client.force_login(world.trainee)
    assert client.get(reverse("community:join", args=[world.placement.pk])).status_code == 404
    assert client.post(reverse("community:join", args=[world.placement.pk])).status_code == 404
    assert not Alumnus.objects.exists()


def test_leaving_asks_first_then_leaves(mentor):
    client = signed_in(mentor.user)
    leave = reverse("community:leave", args=[mentor.pk])
    assert "Leave the alumni" in client.get(leave).content.decode()
    assert Alumnus.objects.get().left_on is None
    client.post(leave)
    assert Alumnus.objects.get().left_on == timezone.localdate()
    assert client.get(reverse("community:profile", args=[mentor.pk])).status_code == 404


def test_the_profile_form_shows_the_services_refusal_and_saves_nothing(mentor):
    client = signed_in(mentor.user)
    response = client.post(reverse("community:profile", args=[mentor.pk]), {
        "listed": "on", "current_role": "Changed", "offers_mentoring": "on",
        "mentoring_offer": ""})
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page and "Say briefly what you offer as a mentor." in page
    mentor.refresh_from_db()
    assert mentor.current_role == "GP partner"


def test_the_directory_shows_only_what_each_alumnus_shares(world, former):
    mentor_from(former, contact=False)
    contact = mentor_from(ended_placement(world, "contactable"), contact=True)
    unlisted = mentor_from(ended_placement(world, "unlisted"), listed=False)
    page = signed_in(world.trainee).get(
        reverse("community:directory", args=[world.programme.pk])).content.decode()
    assert "Dr Former" in page and "GP partner" in page and "Frailty" in page
    assert "former@nhs.test" not in page  # not happy to be contacted
    assert contact.user.email in page
    assert unlisted.user.full_name not in page


@pytest.mark.parametrize("reader", ["pa", "other_pd", "other_trainee", "supervisor"])
def test_the_directory_is_a_404_to_everyone_else(world, mentor, reader):
    response = signed_in(getattr(world, reader)).get(
        reverse("community:directory", args=[world.programme.pk]))
    assert response.status_code == 404


def test_mentoring_notes_are_read_by_the_pair_only(world, pair, former):
    mentoring_meeting_log(pair=pair, by=world.trainee, met_on=timezone.localdate(), note=NOTE)
    address = reverse("community:pair", args=[pair.pk])
    for person in (world.trainee, pair.mentor.user):
        assert NOTE in signed_in(person).get(address).content.decode()
    another_alumnus = mentor_from(ended_placement(world, "another")).user
    for person in (world.pd, world.supervisor, world.es, another_alumnus):
        client = signed_in(person)
        assert client.get(address).status_code == 404
        assert client.post(address, {"met_on": timezone.localdate().isoformat(),
                                     "note": "x"}).status_code == 404
        for page in (reverse("home"), reverse("community:index"),
                     reverse("community:mentoring", args=[world.programme.pk]),
                     reverse("community:directory", args=[world.programme.pk])):
            assert NOTE not in client.get(page).content.decode()
    assert MentoringMeeting.objects.count() == 1


def test_the_pd_sees_how_often_pairs_met_never_what_was_said(world, pair):
    today = timezone.localdate()
    mentoring_meeting_log(pair=pair, by=world.trainee, met_on=today, note=NOTE)
    mentoring_meeting_log(pair=pair, by=pair.mentor.user, met_on=today, note="Second private")
    page = signed_in(world.pd).get(
        reverse("community:mentoring", args=[world.programme.pk])).content.decode()
    row = page[page.index(world.trainee.full_name):page.index("</tr>", page.index(
        world.trainee.full_name))]
    assert ">2<" in row and today.strftime("%-d %b %Y") in row
    assert "1 of 1 pair has met." in page
    assert NOTE not in page and "Second private" not in page


def test_the_pd_pairs_from_the_page_and_both_are_emailed(world, mentor):
    client = signed_in(world.pd)
    address = reverse("community:mentoring", args=[world.programme.pk])
    assert "was at the same GP practice" in client.get(address).content.decode()
    response = client.post(address, {"mentor": mentor.pk, "placement": world.placement.pk})
    assert response.status_code == 302
    assert MentoringPair.objects.filter(mentor=mentor, placement=world.placement).exists()
    assert set(OutboundEmail.objects.filter(code="MENTOR-PAIRED")
               .values_list("to_email", flat=True)) == {"former@nhs.test", "trainee@nhs.test"}


def test_pairing_a_supervisor_with_their_trainee_is_refused_on_the_form(world, mentor):
    world.placement.project_lead = mentor.user
    world.placement.save()
    response = signed_in(world.pd).post(
        reverse("community:mentoring", args=[world.programme.pk]),
        {"mentor": mentor.pk, "placement": world.placement.pk})
    page = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in page
    assert f"Dr Former supervises {world.trainee.full_name}" in page
    assert not MentoringPair.objects.exists() and not OutboundEmail.objects.filter(
        code="MENTOR-PAIRED").exists()


def test_a_meeting_dated_tomorrow_is_refused_on_the_form(world, pair):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = signed_in(world.trainee).post(reverse("community:pair", args=[pair.pk]), {
        "met_on-day": tomorrow.day, "met_on-month": tomorrow.month, "met_on-year": tomorrow.year,
        "note": "Planned"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "The date you met must be today or in the past." in page
    assert not MentoringMeeting.objects.exists()


def test_only_the_programmes_pds_pair_mentors(world, mentor):
    for person in (world.pa, world.other_pd, mentor.user, world.trainee):
        response = signed_in(person).post(
            reverse("community:mentoring", args=[world.programme.pk]),
            {"mentor": mentor.pk, "placement": world.placement.pk})
        assert response.status_code == 404
    assert not MentoringPair.objects.exists()


def test_an_alumnus_home_panel_links_to_their_mentoring(world, pair):
    page = signed_in(pair.mentor.user).get(reverse("home")).content.decode()
    assert f"Mentoring {world.trainee.full_name}" in page
    assert Role.ALUMNUS.label in page
    assert "Your trainees as Alumnus" not in page


def test_no_one_is_made_an_alumnus_by_someone_else(world, former):
    client = signed_in(world.pd)
    response = client.post(reverse("person_detail", args=[former.trainee.pk]),
                           {"role": Role.ALUMNUS, "organisation": world.programme.pk})
    assert "Select a valid choice" in response.content.decode()
    invite = client.post(reverse("person_invite"), {
        "full_name": "Dr New", "email": "new@nhs.test", "role": Role.ALUMNUS,
        "organisation": world.programme.pk})
    assert "Select a valid choice" in invite.content.decode()
    assert not RoleMembership.objects.filter(role=Role.ALUMNUS).exists()

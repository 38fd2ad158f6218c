import datetime
import html

import pytest
from django.urls import reverse

from opportunities.models import DigestSubscription, Interest, MonitoringResponse, Opportunity
from tests import factories

from .test_services import ANSWERS


@pytest.fixture(autouse=True)
def _no_second_factor(settings):
    settings.CLIC_MFA_ENFORCED = False  # PDs' two-factor sign-in is tested in tests/accounts


def signed_in(client, person):
    client.force_login(person)
    return client


def test_trainees_see_open_roles_on_their_home_page_and_the_board(client, world):
    open_role = factories.OpportunityFactory(programme=world.programme, title="Frailty lead")
    factories.OpportunityFactory(title="Someone else's role")
    signed_in(client, world.trainee)

    home = client.get(reverse("home")).content.decode()
    board = client.get(reverse("opportunity_board")).content.decode()

    for page in (home, board):
        assert "Frailty lead" in page
        assert reverse("opportunity_detail", args=[open_role.pk]) in page
        assert "Someone else&#x27;s role" not in page and "Someone else's role" not in page


def test_people_outside_the_audience_have_no_panel_on_their_home_page(client, world):
    factories.OpportunityFactory(programme=world.programme, title="Frailty lead")

    page = signed_in(client, world.supervisor).get(reverse("home")).content.decode()

    assert "Leadership opportunities" not in page and "Frailty lead" not in page


def test_a_role_closes_at_the_end_of_its_closing_date(client, world, clock):
    clock.set(datetime.date(2026, 12, 7))
    role = factories.OpportunityFactory(programme=world.programme, title="Frailty lead",
                                        closing_date=datetime.date(2026, 12, 7))
    trainee, pd = world.trainee, world.pd
    assert "Frailty lead" in signed_in(client, trainee).get(reverse("home")).content.decode()

    clock.set(datetime.date(2026, 12, 8))
    client.force_login(trainee)
    assert "Frailty lead" not in client.get(reverse("opportunity_board")).content.decode()
    assert "Frailty lead" not in client.get(reverse("home")).content.decode()
    assert client.get(reverse("opportunity_detail", args=[role.pk])).status_code == 404

    client.force_login(pd)
    board = client.get(reverse("opportunity_board")).content.decode()
    assert "Frailty lead" in board and "Closed" in board
    detail = client.get(reverse("opportunity_detail", args=[role.pk])).content.decode()
    assert "This role closed on 7 December 2026" in detail


def test_publish_form_refuses_a_closing_date_in_the_past_on_the_field(client, world, clock):
    clock.set(datetime.date(2026, 12, 7))
    response = signed_in(client, world.pd).post(reverse("opportunity_publish"), {
        "programme": world.programme.pk, "title": "Frailty lead", "organisation": "East Kent CCG",
        "time_commitment": "2 sessions a week", "closing_date-day": "6", "closing_date-month": "12",
        "closing_date-year": "2026", "apply_email": "jobs@nhs.test", "description": "Lead it."})

    page = response.content.decode()
    assert response.status_code == 200
    assert "nhsuk-error-summary" in page
    assert page.count("Closing date must be today or in the future") == 2  # summary and field
    assert not Opportunity.objects.exists()


def test_publish_form_publishes_to_the_chosen_programme(client, world, clock):
    clock.set(datetime.date(2026, 12, 7))
    response = signed_in(client, world.pd).post(reverse("opportunity_publish"), {
        "programme": world.programme.pk, "title": "Frailty lead", "organisation": "East Kent CCG",
        "time_commitment": "2 sessions a week", "closing_date-day": "7", "closing_date-month": "12",
        "closing_date-year": "2026", "apply_url": "https://jobs.nhs.uk/frailty",
        "description": "Lead it."})

    role = Opportunity.objects.get()
    assert response["Location"] == reverse("opportunity_detail", args=[role.pk])
    assert (role.programme, role.closing_date, role.apply_url, role.published_by) == (
        world.programme, datetime.date(2026, 12, 7), "https://jobs.nhs.uk/frailty", world.pd)


def test_publish_form_offers_only_the_publishers_programmes(client, world):
    page = signed_in(client, world.other_pd).get(reverse("opportunity_publish")).content.decode()
    response = client.post(reverse("opportunity_publish"), {
        "programme": world.programme.pk, "title": "Frailty lead", "organisation": "CCG",
        "time_commitment": "1 session", "closing_date": "2099-01-01",
        "apply_email": "jobs@nhs.test", "description": "Lead it."})

    assert world.programme.name not in page
    assert "nhsuk-error-summary" in response.content.decode()
    assert not Opportunity.objects.exists()


def test_interest_then_optional_monitoring_is_seen_by_the_publisher_without_answers(client, world):
    role = factories.OpportunityFactory(programme=world.programme, published_by=world.chair)
    signed_in(client, world.trainee)

    response = client.post(reverse("opportunity_interest", args=[role.pk]))
    assert response["Location"] == reverse("opportunity_monitoring", args=[role.pk])
    form = client.get(response["Location"]).content.decode()
    assert "Prefer not to say" in form and "fewer than 5" in form
    response = client.post(reverse("opportunity_monitoring", args=[role.pk]), ANSWERS)
    assert response["Location"] == reverse("opportunity_detail", args=[role.pk])
    assert MonitoringResponse.objects.filter(opportunity=role, ethnic_group="asian").count() == 1

    for manager in (world.chair, world.pd):
        page = signed_in(client, manager).get(
            reverse("opportunity_detail", args=[role.pk])).content.decode()
        assert "1 person has said they are interested" in page
        assert world.trainee.full_name in page and world.trainee.email in page
        assert "Asian or Asian British" in page
        # One answer: every group is fewer than 5, so nothing about it can be read.
        assert ">1<" not in page.replace(" ", "").replace("\n", "")


def test_monitoring_can_be_declined_and_is_not_offered_again(client, world):
    role = factories.OpportunityFactory(programme=world.programme)
    signed_in(client, world.trainee).post(reverse("opportunity_interest", args=[role.pk]))

    client.post(reverse("opportunity_monitoring", args=[role.pk]), {"decline": "yes"})
    again = client.post(reverse("opportunity_monitoring", args=[role.pk]), ANSWERS)

    assert again["Location"] == reverse("opportunity_detail", args=[role.pk])
    assert not MonitoringResponse.objects.exists()
    assert Interest.objects.get().monitoring_done


def test_monitoring_form_with_a_missing_answer_says_so_and_saves_nothing(client, world):
    role = factories.OpportunityFactory(programme=world.programme)
    signed_in(client, world.trainee).post(reverse("opportunity_interest", args=[role.pk]))

    response = client.post(reverse("opportunity_monitoring", args=[role.pk]),
                           {**ANSWERS, "religion": ""})

    assert ('Answer "Religion or belief", or choose "Prefer not to say"'
            in html.unescape(response.content.decode()))
    assert not MonitoringResponse.objects.exists()
    assert not Interest.objects.get().monitoring_done


def test_a_manager_cannot_say_they_are_interested_in_their_own_programmes_role(client, world):
    role = factories.OpportunityFactory(programme=world.programme)

    response = signed_in(client, world.pd).post(reverse("opportunity_interest", args=[role.pk]))

    assert response.status_code == 403
    assert not Interest.objects.exists()


def test_digest_page_subscribes_and_unsubscribes_and_says_when_it_emails(client, world):
    signed_in(client, world.trainee)
    page = client.get(reverse("opportunity_digest")).content.decode()
    assert "In a week with no new roles you get no email." in page

    client.post(reverse("opportunity_digest"), {"subscribe": "yes"})
    assert DigestSubscription.objects.filter(person=world.trainee).exists()
    assert "You are subscribed" in client.get(reverse("opportunity_digest")).content.decode()

    client.post(reverse("opportunity_digest"), {"subscribe": "no"})
    assert not DigestSubscription.objects.exists()


def test_monitoring_across_roles_counts_only_the_managers_roles(client, world):
    ours = factories.OpportunityFactory(programme=world.programme)
    theirs = factories.OpportunityFactory()
    for role, how_many in ((ours, 5), (theirs, 7)):
        for _ in range(how_many):
            MonitoringResponse.objects.create(opportunity=role, answered_in="2026-12-01",
                                              **{**ANSWERS, "disability": "yes"})

    page = signed_in(client, world.pd).get(
        reverse("opportunity_monitoring_summary")).content.decode()

    assert ">5<" in page.replace(" ", "").replace("\n", "")
    assert ">7<" not in page.replace(" ", "").replace("\n", "")

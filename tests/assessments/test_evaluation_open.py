"""Opening the evaluation and sharing its results: confirmation pages that list everyone to
be emailed, and send only on confirm (issue 19, section 3)."""

import pytest
from django.urls import reverse

from assessments import selectors, services
from clic.mail.notices import email_plan
from tests import factories

from .helpers import emails

pytestmark = pytest.mark.django_db


def _address(world) -> str:
    return reverse("evaluation_open", args=[world.cohort.pk])


def _sent() -> set[tuple[str, str, str]]:
    return {(email.code, email.to_email, email.subject) for email in emails("S17")}


def test_the_confirmation_lists_exactly_the_trainees_emailed(client, world, peer):
    client.force_login(world.pd)

    page = client.get(_address(world)).content.decode()
    listed = selectors.evaluation_open_plan(world.cohort)
    assert not selectors.evaluation_round_of(world.cohort) and not emails("S17")
    client.post(_address(world))

    assert listed.as_outbox_rows() == _sent()
    assert {address for _, address, _ in _sent()} == {"trainee@nhs.test", "peer@nhs.test"}
    assert "trainee@nhs.test" in page and "peer@nhs.test" in page
    assert "Open the evaluation and email 2 trainees" in page


def test_after_opening_it_lists_only_trainees_who_have_not_had_the_link(client, world):
    services.evaluation_open(cohort=world.cohort, by=world.pd)
    late = factories.PlacementFactory(cohort=world.cohort, trainee__email="late@nhs.test")
    client.force_login(world.pd)

    page = client.get(_address(world)).content.decode()
    listed = selectors.evaluation_open_plan(world.cohort)
    client.post(_address(world))

    assert {(code, address) for code, address, _ in listed.as_outbox_rows()} == {
        ("S17", "late@nhs.test")}
    assert [email.to_email for email in emails("S17")].count("late@nhs.test") == 1
    assert "Email the link to 1 trainee" in page
    assert late.trainee.email in page and "trainee@nhs.test</td>" not in page


def test_a_repeated_confirm_sends_nothing_and_says_when_and_by_whom(client, world):
    client.force_login(world.pd)
    client.post(_address(world))
    sent = len(emails("S17"))

    again = client.post(_address(world), follow=True).content.decode()
    back = client.get(_address(world)).content.decode()

    assert len(emails("S17")) == sent == 1
    for page in (again, back):
        assert "Every trainee has had the link. The evaluation was opened on " in page
        assert "by Dr Pd: nothing was sent again." in page
    assert "Go back without sending" not in back


def test_opening_the_page_opens_nothing(client, world):
    client.force_login(world.pd)

    assert client.get(_address(world)).status_code == 200

    assert selectors.evaluation_round_of(world.cohort) is None
    assert not emails("S17")


def test_sharing_the_results_lists_exactly_whom_it_emails_before_sending(client, world, peer):
    evaluation = services.evaluation_open(cohort=world.cohort)
    services.evaluation_answer(placement=peer, sessions=4, action_learning_sets=4,
                               ccg_support=4, overall=4)
    client.force_login(world.pd)
    address = reverse("evaluation_share", args=[world.cohort.pk])

    page = client.post(address, {"message": "Thank you all"}).content.decode()
    results = selectors.evaluation_results(evaluation)
    listed = email_plan([selectors.evaluation_results_notice(
        evaluation, results=results, message="Thank you all")])
    assert not emails("S17R")
    client.post(address, {"message": "Thank you all", "confirm": "1"})
    again = client.post(address, {"message": "", "confirm": "1"}, follow=True).content.decode()

    sent = {(email.code, email.to_email, email.subject) for email in emails("S17R")}
    assert listed.as_outbox_rows() == sent
    assert {"pa@nhs.test", "es@nhs.test", "peer@nhs.test"} <= {a for _, a, _ in sent}
    assert f"Send the results to {len(sent)} people" in page and "Thank you all" in page
    assert "The results with 1 answer were already sent on " in again
    assert "by Dr Pd: nothing was sent again." in again

"""Sending the slide to the committee, an address outside the service: a confirmation page
first, and a slide sent once (issue 19, section 3)."""

import pytest
from django.urls import reverse

from clic.mail.models import OutboundEmail
from clic.mail.notices import email_plan
from projects import selectors, services
from projects.models import CommitteeSubmission

from .helpers import pptx_bytes, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def slide(world, pdf_bytes):
    return services.summaries_upload(placement=world.placement, by=world.trainee,
                                     outcome=upload("outcome.pdf", pdf_bytes),
                                     slide=upload("Frailty slide.pptx", pptx_bytes()))


def _address(world) -> str:
    return reverse("committee_submit", args=[world.placement.pk])


def _sent() -> set[tuple[str, str, str]]:
    return set(OutboundEmail.objects.filter(code="S12").values_list("code", "to_email",
                                                                    "subject"))


def test_the_confirmation_lists_exactly_where_the_slide_goes(client, world, slide):
    client.force_login(world.supervisor)

    page = client.get(_address(world)).content.decode()
    listed = email_plan([selectors.committee_notice(placement=world.placement, upload=slide)])
    assert not _sent() and not CommitteeSubmission.objects.exists()
    client.post(_address(world), {"upload": slide.pk})

    assert listed.as_outbox_rows() == _sent()
    assert {(code, address) for code, address, _ in _sent()} == {("S12",
                                                                 world.ccg.committee_email)}
    assert world.ccg.committee_email in page
    assert f"Send Frailty slide.pptx to {world.ccg.committee_email}" in page


def test_the_summaries_page_links_to_the_confirmation_rather_than_sending(client, world, slide):
    client.force_login(world.lead)

    page = client.get(reverse("summaries", args=[world.placement.pk])).content.decode()

    assert f'href="{_address(world)}"' in page
    assert f'action="{_address(world)}"' not in page


def test_a_repeated_send_sends_nothing_and_says_when_and_by_whom(client, world, slide):
    client.force_login(world.supervisor)
    client.post(_address(world), {"upload": slide.pk})

    client.force_login(world.lead)
    again = client.post(_address(world), {"upload": slide.pk}, follow=True).content.decode()
    back = client.get(_address(world)).content.decode()
    summaries = client.get(reverse("summaries", args=[world.placement.pk])).content.decode()

    assert CommitteeSubmission.objects.count() == 1 and len(_sent()) == 1
    assert OutboundEmail.objects.filter(code="S12").count() == 1
    for page in (again, back):
        assert (f"Frailty slide.pptx was already sent to {world.ccg.committee_email} on "
                in page)
        assert "by Dr Supervisor: nothing was sent again." in page
    assert "Send Frailty slide.pptx" not in back
    assert f'href="{_address(world)}"' not in summaries


def test_the_service_sends_a_slide_once(world, slide):
    first = services.committee_submit(placement=world.placement, by=world.supervisor)
    second = services.committee_submit(placement=world.placement, by=world.lead, upload=slide)

    assert second == first
    assert OutboundEmail.objects.filter(code="S12").count() == 1


def test_the_version_confirmed_is_the_one_sent(client, world, slide, pdf_bytes):
    client.force_login(world.supervisor)
    client.get(_address(world))
    services.summaries_upload(placement=world.placement, by=world.trainee,
                              outcome=upload("outcome.pdf", pdf_bytes),
                              slide=upload("Newer slide.pdf", pdf_bytes))

    client.post(_address(world), {"upload": slide.pk})

    submission = CommitteeSubmission.objects.get()
    assert submission.upload == slide
    [attachment] = OutboundEmail.objects.get(code="S12").attachments
    assert attachment["filename"] == "Frailty slide.pptx"
    # The newer version can be sent in its turn.
    assert "Send Newer slide.pdf to" in client.get(_address(world)).content.decode()

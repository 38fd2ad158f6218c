import base64

import pytest
from django.urls import reverse

from clic.mail.models import OutboundEmail
from projects import services, validators
from projects.models import CommitteeSubmission, SummaryUpload

from .helpers import executable_bytes, pptx_bytes, recipients, upload

pytestmark = pytest.mark.django_db


def post_summaries(client, world, outcome, slide):
    client.force_login(world.trainee)
    return client.post(reverse("summaries", args=[world.placement.pk]),
                       {"outcome": outcome, "slide": slide})


def test_trainee_uploads_a_pdf_and_a_pptx_and_s11_goes_to_supervisor_and_lead(client, world,
                                                                               pdf_bytes):
    response = post_summaries(client, world, upload("outcome.pdf", pdf_bytes),
                              upload("slide.pptx", pptx_bytes()))
    assert response.status_code == 302
    record = SummaryUpload.objects.get()
    assert (record.outcome_name, record.slide_name) == ("outcome.pdf", "slide.pptx")
    assert recipients("S11") == {"supervisor@nhs.test", "lead@nhs.test"}
    client.force_login(world.lead)
    download = client.get(reverse("summary_download",
                                  args=[world.placement.pk, record.pk, "outcome"]))
    assert b"".join(download.streaming_content) == pdf_bytes


def test_a_renamed_executable_is_refused_and_nothing_is_saved(client, world, pdf_bytes):
    response = post_summaries(client, world, upload("outcome.pdf", pdf_bytes),
                              upload("slide.pdf", executable_bytes()))
    assert response.status_code == 200
    assert "slide.pdf is not a real PDF file" in response.content.decode()
    assert not SummaryUpload.objects.exists()
    assert not OutboundEmail.objects.exists()


def test_a_pdf_named_as_a_pptx_is_refused(client, world, pdf_bytes):
    response = post_summaries(client, world, upload("outcome.pdf", pdf_bytes),
                              upload("slide.pptx", pdf_bytes))
    assert "slide.pptx is not a real PowerPoint file" in response.content.decode()
    assert not SummaryUpload.objects.exists()


def test_a_zip_that_is_not_a_presentation_is_refused(client, world, pdf_bytes):
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("payload.exe", executable_bytes()[:1000])
    response = post_summaries(client, world, upload("outcome.pdf", pdf_bytes),
                              upload("slide.pptx", buffer.getvalue()))
    assert "slide.pptx is not a real PowerPoint file" in response.content.decode()
    assert not SummaryUpload.objects.exists()


def test_an_oversize_file_is_refused(client, world, pdf_bytes):
    big = pdf_bytes + b"0" * (validators.MAX_UPLOAD_BYTES + 1)
    response = post_summaries(client, world, upload("outcome.pdf", big),
                              upload("slide.pptx", pptx_bytes()))
    page = response.content.decode()
    assert "outcome.pdf is too big (10.0\xa0MB): the largest file you can upload is 10 MB." in page
    assert not SummaryUpload.objects.exists()


def test_a_word_file_is_refused_as_the_slide(client, world, pdf_bytes):
    response = post_summaries(client, world, upload("outcome.pdf", pdf_bytes),
                              upload("slide.docx", b"PK\x03\x04rest"))
    assert "slide.docx must be a PDF or PowerPoint file." in response.content.decode()
    assert not SummaryUpload.objects.exists()


def test_missing_files_are_asked_for(client, world):
    client.force_login(world.trainee)
    response = client.post(reverse("summaries", args=[world.placement.pk]), {})
    page = response.content.decode()
    assert "Choose the project outcome summary to upload." in page
    assert "Choose the one-slide summary to upload." in page


def test_only_the_trainee_uploads(client, world, pdf_bytes):
    client.force_login(world.supervisor)
    response = client.post(reverse("summaries", args=[world.placement.pk]), {
        "outcome": upload("o.pdf", pdf_bytes), "slide": upload("s.pdf", pdf_bytes)})
    assert response.status_code == 403
    assert not SummaryUpload.objects.exists()


@pytest.mark.parametrize("who", ["supervisor", "lead"])
def test_supervisor_or_lead_submits_the_slide_to_the_committee_as_s12(client, world, pdf_bytes,
                                                                      who):
    services.summaries_upload(placement=world.placement, by=world.trainee,
                              outcome=upload("outcome.pdf", pdf_bytes),
                              slide=upload("One slide.pptx", pptx_bytes()))
    client.force_login(getattr(world, who))
    response = client.post(reverse("committee_submit", args=[world.placement.pk]))
    assert response.status_code == 302
    submission = CommitteeSubmission.objects.get()
    assert submission.submitted_by == getattr(world, who)
    assert submission.to_email == world.ccg.committee_email
    assert recipients("S12") == {world.ccg.committee_email}
    [attachment] = OutboundEmail.objects.get(code="S12").attachments
    assert attachment["filename"] == "One slide.pptx"
    assert base64.b64decode(attachment["base64"]) == pptx_bytes()
    page = client.get(reverse("summaries", args=[world.placement.pk])).content.decode()
    assert f"sent to {world.ccg.committee_email} by {getattr(world, who).full_name}" in page


def test_committee_submission_without_a_slide_is_refused(client, world):
    client.force_login(world.supervisor)
    response = client.post(reverse("committee_submit", args=[world.placement.pk]), follow=True)
    assert "has not uploaded the one-slide summary yet" in response.content.decode()
    assert not CommitteeSubmission.objects.exists()


def test_committee_submission_without_a_committee_address_is_refused(client, world, pdf_bytes):
    world.ccg.committee_email = ""
    world.ccg.save()
    services.summaries_upload(placement=world.placement, by=world.trainee,
                              outcome=upload("o.pdf", pdf_bytes), slide=upload("s.pdf", pdf_bytes))
    client.force_login(world.supervisor)
    response = client.post(reverse("committee_submit", args=[world.placement.pk]), follow=True)
    assert "has no Clinical Assurance Strategy Committee address" in response.content.decode()
    assert not CommitteeSubmission.objects.exists()
    assert not OutboundEmail.objects.filter(code="S12").exists()


def test_trainee_cannot_submit_to_the_committee(client, world, pdf_bytes):
    services.summaries_upload(placement=world.placement, by=world.trainee,
                              outcome=upload("o.pdf", pdf_bytes), slide=upload("s.pdf", pdf_bytes))
    client.force_login(world.trainee)
    assert client.post(reverse("committee_submit", args=[world.placement.pk])).status_code == 403
    assert not CommitteeSubmission.objects.exists()


@pytest.mark.parametrize("who", ["other_trainee", "ccg_admin", "other_ccg_supervisor"])
def test_summaries_are_404_for_outsiders(client, world, pdf_bytes, who):
    record = services.summaries_upload(placement=world.placement, by=world.trainee,
                                       outcome=upload("o.pdf", pdf_bytes),
                                       slide=upload("s.pdf", pdf_bytes))
    client.force_login(getattr(world, who))
    assert client.get(reverse("summaries", args=[world.placement.pk])).status_code == 404
    url = reverse("summary_download", args=[world.placement.pk, record.pk, "slide"])
    assert client.get(url).status_code == 404

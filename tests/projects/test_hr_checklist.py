import datetime

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from projects import selectors, services
from projects.models import HRChecklist

from .helpers import executable_bytes, upload

pytestmark = pytest.mark.django_db


def test_trainee_ticks_items_with_the_date_done(client, world):
    client.force_login(world.trainee)
    day = world.cohort.start_date + datetime.timedelta(days=1)
    response = client.post(reverse("hr_checklist", args=[world.placement.pk]), {
        "project_day_agreed": "on", "project_day_agreed_on": day.isoformat(),
        "diary_shared": "on"})
    assert response.status_code == 302
    checklist = HRChecklist.objects.get()
    assert checklist.project_day_agreed_on == day
    assert checklist.diary_shared_on == datetime.date.today()  # ticked without a date
    assert [item.key for item in checklist.outstanding] == [
        "knows_sickness_reporting", "knows_running_late", "it_arranged", "confidentiality_signed"]
    page = client.get(reverse("hr_checklist", args=[world.placement.pk])).content.decode()
    assert "4 outstanding" in page


def test_unticking_an_item_clears_its_date(world):
    services.hr_checklist_update(placement=world.placement, by=world.trainee,
                                 done={"it_arranged": world.cohort.start_date})
    services.hr_checklist_update(placement=world.placement, by=world.trainee,
                                 done={"it_arranged": None})
    assert HRChecklist.objects.get().it_arranged_on is None


def test_a_date_in_the_future_is_refused(client, world):
    client.force_login(world.trainee)
    tomorrow = datetime.date.today() + datetime.timedelta(days=1)
    response = client.post(reverse("hr_checklist", args=[world.placement.pk]), {
        "it_arranged": "on", "it_arranged_on": tomorrow.isoformat()})
    assert response.status_code == 200
    assert "cannot be in the future" in response.content.decode()
    assert not HRChecklist.objects.exists()


def test_confidentiality_agreement_upload_as_a_real_pdf(client, world, pdf_bytes):
    client.force_login(world.trainee)
    response = client.post(reverse("hr_checklist", args=[world.placement.pk]), {
        "agreement": upload("signed agreement.pdf", pdf_bytes, "application/pdf")})
    assert response.status_code == 302
    checklist = HRChecklist.objects.get()
    assert checklist.confidentiality_agreement_name == "signed agreement.pdf"
    assert checklist.confidentiality_signed_on == datetime.date.today()
    client.force_login(world.supervisor)
    download = client.get(reverse("hr_agreement_download", args=[world.placement.pk]))
    assert b"".join(download.streaming_content) == pdf_bytes
    assert download["Content-Type"] == "application/pdf"


def test_a_renamed_executable_is_refused_as_the_agreement(client, world):
    client.force_login(world.trainee)
    response = client.post(reverse("hr_checklist", args=[world.placement.pk]), {
        "it_arranged": "on", "agreement": upload("agreement.pdf", executable_bytes())})
    assert response.status_code == 200
    assert "agreement.pdf is not a real PDF file" in response.content.decode()
    assert not HRChecklist.objects.exists()


def test_the_agreement_is_not_downloadable_by_the_ccg_admin_or_other_trainees(client, world,
                                                                             pdf_bytes):
    services.hr_checklist_update(placement=world.placement, by=world.trainee, done={},
                                 agreement=upload("a.pdf", pdf_bytes))
    for who in (world.ccg_admin, world.other_trainee, world.other_ccg_supervisor):
        client.force_login(who)
        url = reverse("hr_agreement_download", args=[world.placement.pk])
        assert client.get(url).status_code == 404


def test_supervisor_sees_the_checklist_read_only(client, world):
    client.force_login(world.supervisor)
    response = client.get(reverse("hr_checklist", args=[world.placement.pk]))
    assert response.status_code == 200
    assert "Save the checklist" not in response.content.decode()
    assert client.post(reverse("hr_checklist", args=[world.placement.pk]),
                       {"it_arranged": "on"}).status_code == 403


def test_home_includes_show_outstanding_items(world):
    today = datetime.date.today()
    services.hr_checklist_update(placement=world.placement, by=world.trainee,
                                 done={"it_arranged": world.cohort.start_date})
    trainee_html = render_to_string("projects/_home_trainee.html",
                                    {"rows": selectors.trainee_home(world.trainee, today)[1]})
    assert "CCG confidentiality agreement signed" in trainee_html
    assert "My own IT equipment is arranged" not in trainee_html
    assert "Not proposed yet" in trainee_html
    supervisor_html = render_to_string("projects/_home_supervisor.html",
                                       {"rows": selectors.supervisor_home(world.supervisor, today)[1]})
    assert "Dr Trainee" in supervisor_html
    assert "CCG confidentiality agreement signed" in supervisor_html
    assert "Project not yet agreed" in supervisor_html
    others_rows = selectors.supervisor_home(world.other_ccg_supervisor, today)[1]
    assert "Dr Trainee" not in render_to_string("projects/_home_supervisor.html",
                                                {"rows": others_rows})

import re
import subprocess

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from rotations.exporters import portfolio_pdf
from rotations.models import Session, TimetablePack
from rotations.services import session_cancel, timetable_pack_build, timetable_pack_request
from tests import factories

pytestmark = pytest.mark.django_db


def pdf_text(content: bytes) -> str:
    result = subprocess.run(["pdftotext", "-", "-"], input=content,
                            capture_output=True, check=True, timeout=60)
    return " ".join(result.stdout.decode().split())


def test_portfolio_pdf_has_the_trainee_their_contacts_and_every_week(published):
    published.supervisor.phone = "01227 555 101"
    published.supervisor.save()
    content = portfolio_pdf(published.placement)
    assert content.startswith(b"%PDF")
    text = pdf_text(content)
    assert published.trainee.full_name in text
    assert published.supervisor.full_name in text and "supervisor@nhs.test" in text
    assert "01227 555 101" in text
    assert published.lead.full_name in text and "lead@nhs.test" in text
    for week in range(1, 17):
        assert f"Week {week}" in text
    assert "Meet CCG Supervisor to discuss project ideas" in text
    assert "Research potential project" in text
    assert "Meet Project Lead" in text
    assert text.count("Attend meetings / supervision") == 11
    assert text.count("Meet CCG Supervisor / Project Lead") == 2
    assert "where possible meet the Deputy Clinical Chair" in text
    assert text.count("Project work at CCG base") >= 15
    week1 = published.placement.sessions.filter(week=1).first().date
    assert f"{week1:%a} {week1.day} {week1:%b %Y}" in text


def test_portfolio_pdf_shows_edits_and_cancellations(published):
    session = published.placement.sessions.get(week=5, part=Session.Part.PM)
    session_cancel(session=session, by=published.pd)
    assert "Cancelled: Project work at CCG base" in pdf_text(portfolio_pdf(published.placement))


def test_portfolio_pdf_of_a_draft_cohort_shows_the_planned_timetable(world):
    text = pdf_text(portfolio_pdf(world.placement))
    assert world.trainee.full_name in text
    assert "Meet CCG Supervisor to discuss project ideas" in text


def test_placement_pdf_page_serves_a_pdf_to_the_trainee(client, published):
    client.force_login(published.trainee)
    response = client.get(reverse("placement_timetable_pdf", args=[published.placement.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert published.trainee.full_name in pdf_text(response.content)


def test_cohort_pack_builds_every_trainee_into_one_pdf_with_progress(client, published):
    second = factories.PlacementFactory(cohort=published.cohort,
                                        trainee=factories.UserFactory(full_name="Dr Second One"))
    client.force_login(published.pd)
    response = client.post(reverse("pack_request", args=[published.cohort.pk]))
    pack = TimetablePack.objects.get()
    assert response["Location"] == reverse("pack_detail", args=[published.cohort.pk, pack.pk])
    page = client.get(response["Location"])
    assert page["Refresh"] == "3"
    assert "Waiting to start" in page.content.decode()
    timetable_pack_build(pack_id=pack.pk)  # what the Celery task runs
    pack.refresh_from_db()
    assert pack.status == TimetablePack.Status.DONE
    assert (pack.progress, pack.total) == (2, 2)
    assert default_storage.exists(pack.file.name)
    page = client.get(reverse("pack_detail", args=[published.cohort.pk, pack.pk]))
    assert "Refresh" not in page
    assert reverse("pack_download", args=[published.cohort.pk, pack.pk]) in page.content.decode()
    download = client.get(reverse("pack_download", args=[published.cohort.pk, pack.pk]))
    text = pdf_text(b"".join(download.streaming_content))
    assert published.trainee.full_name in text and second.trainee.full_name in text


def test_building_a_pack_twice_does_not_build_it_again(published):
    pack = timetable_pack_request(cohort=published.cohort, by=published.pd)
    timetable_pack_build(pack_id=pack.pk)
    name = TimetablePack.objects.get(pk=pack.pk).file.name
    timetable_pack_build(pack_id=pack.pk)
    assert TimetablePack.objects.get(pk=pack.pk).file.name == name


def test_the_pack_task_builds_the_pack(published):
    from rotations.tasks import timetable_pack_build_task

    pack = timetable_pack_request(cohort=published.cohort, by=published.pd)
    timetable_pack_build_task.apply(args=[pack.pk])
    pack.refresh_from_db()
    assert pack.status == TimetablePack.Status.DONE


def _timetable_pdf(client, placement, **headers):
    return client.get(reverse("placement_timetable_pdf", args=[placement.pk]), **headers)


def test_placement_pdf_is_kept_and_answers_304_while_nothing_changed(client, published,
                                                                      monkeypatch):
    client.force_login(published.trainee)
    first = _timetable_pdf(client, published.placement)
    assert first["ETag"] and first["Cache-Control"] == "private, no-cache"
    again = _timetable_pdf(client, published.placement, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == first["ETag"]

    def not_again(html):
        raise AssertionError("the kept PDF was laid out again")

    monkeypatch.setattr("clic.pdf.html_document", not_again)
    kept = _timetable_pdf(client, published.placement)
    assert kept.status_code == 200 and kept.content == first.content


def test_placement_pdf_after_a_change_is_a_new_pdf(client, published):
    client.force_login(published.trainee)
    first = _timetable_pdf(client, published.placement)
    session_cancel(session=published.placement.sessions.get(week=5, part=Session.Part.PM),
                   by=published.pd)
    changed = _timetable_pdf(client, published.placement, HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200 and changed["ETag"] != first["ETag"]
    assert "Cancelled: Project work at CCG base" in pdf_text(changed.content)
    assert "Cancelled" not in pdf_text(first.content)


def test_an_outsider_with_the_etag_gets_404_not_304(client, published):
    client.force_login(published.trainee)
    etag = _timetable_pdf(client, published.placement)["ETag"]
    client.force_login(published.other_trainee)
    response = _timetable_pdf(client, published.placement, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 404
    assert "ETag" not in response and not response.content.startswith(b"%PDF")


def test_portfolio_stylesheet_is_parsed_once_and_is_part_of_the_pdfs_version(client, published,
                                                                               monkeypatch):
    from clic.pdf import Stylesheet
    from rotations.exporters import PORTFOLIO_STYLESHEET, portfolio_html

    html = portfolio_html(published.placement)
    assert "<style" not in html and "@page" in PORTFOLIO_STYLESHEET.text
    assert PORTFOLIO_STYLESHEET.parsed is PORTFOLIO_STYLESHEET.parsed

    client.force_login(published.trainee)
    etag = _timetable_pdf(client, published.placement)["ETag"]
    restyled = Stylesheet("rotations/portfolio_pdf.css")
    restyled.text = PORTFOLIO_STYLESHEET.text.replace("#005eb8", "#003087")
    monkeypatch.setattr("rotations.views.PORTFOLIO_STYLESHEET", restyled)
    again = _timetable_pdf(client, published.placement, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 200 and again["ETag"] != etag


def test_portfolio_pdf_keeps_each_session_time_whole_after_its_title(published):
    """A time is part of its cell's text (no nowrap <span>, for speed): it still never
    breaks after its dash, and follows its session's title."""
    text = pdf_text(portfolio_pdf(published.placement))
    session = published.placement.sessions.get(week=3, part=Session.Part.AM)

    assert re.search(r"\d\d:\d\d– ", text) is None
    assert f"{session.title} {session.start_time:%H:%M}–{session.end_time:%H:%M}" in text

"""Every projects URL needs a login, and is 404 for a trainee with no part in the placement."""

import pytest
from django.urls import URLPattern, reverse

from projects import services
from projects.models import CommissioningStage, MeetingKind
from projects.urls import urlpatterns

from .helpers import pptx_bytes, upload

pytestmark = pytest.mark.django_db

PLACEMENT_URLS = [p for p in urlpatterns if isinstance(p, URLPattern)
                  and "placement_id" in p.pattern.converters]


def every_url(world, pdf_bytes) -> list[str]:
    placement = world.placement
    services.project_save(placement=placement, by=world.trainee, title="T", ccg_priority="P",
                          aims="A", commissioning_stage=CommissioningStage.MONITORING)
    entry = services.progress_add(placement=placement, by=world.trainee,
                                  date=world.cohort.start_date, text="x")
    concern = services.concern_raise(placement=placement, by=world.supervisor, summary="s",
                                     details="d")
    record = services.summaries_upload(placement=placement, by=world.trainee,
                                       outcome=upload("o.pdf", pdf_bytes),
                                       slide=upload("s.pptx", pptx_bytes()))
    services.hr_checklist_update(placement=placement, by=world.trainee, done={},
                                 agreement=upload("a.pdf", pdf_bytes))
    values = {"placement_id": placement.pk, "action": "agree", "kind": MeetingKind.REVIEW_8,
              "entry_id": entry.pk, "concern_id": concern.pk, "upload_id": record.pk,
              "which": "slide"}
    return [reverse(p.name, kwargs={name: values[name] for name in p.pattern.converters})
            for p in PLACEMENT_URLS]


def test_every_placement_url_is_covered():
    # All but the supervision list and the concerns sent to you (no placement in either).
    assert len(PLACEMENT_URLS) == len(urlpatterns) - 2


def test_anonymous_people_are_sent_to_sign_in_everywhere(client, world, pdf_bytes):
    for url in [*every_url(world, pdf_bytes), reverse("supervision"), reverse("concerns_received")]:
        for method in (client.get, client.post):
            response = method(url)
            assert response.status_code == 302, url
            assert reverse("account_login") in response["Location"], url


@pytest.mark.parametrize("who", ["other_trainee", "other_ccg_supervisor", "other_ccg_admin",
                                 "other_pd"])
def test_outsiders_get_404_everywhere(client, world, pdf_bytes, who):
    urls = every_url(world, pdf_bytes)
    client.force_login(getattr(world, who))
    for url in urls:
        assert client.get(url).status_code == 404, url
        assert client.post(url).status_code == 404, url


@pytest.mark.parametrize("who", ["ccg_admin", "pa"])
def test_ccg_admin_and_pa_see_none_of_the_project_pages(client, world, pdf_bytes, who):
    urls = every_url(world, pdf_bytes)
    client.force_login(getattr(world, who))
    for url in urls:
        assert client.get(url).status_code == 404, url


def test_every_page_has_one_h1_and_no_inline_script_or_style(client, world, pdf_bytes):
    urls = [url for url in every_url(world, pdf_bytes)
            if not url.endswith(("/agree/", "/share/", "/comment/", "/committee/", "/slide/",
                                 "/confidentiality-agreement/"))]
    for who in (world.trainee, world.supervisor, world.pd):
        client.force_login(who)
        for url in [*urls, reverse("supervision")]:
            response = client.get(url)
            if response.status_code != 200:
                assert response.status_code in (403, 404), url
                continue
            page = response.content.decode()
            assert page.count("<h1") == 1, url
            assert " style=" not in page and "<style" not in page, url
            assert "<script>" not in page.replace('<script src=', ''), url

"""Outsiders (another trainee, another CCG's admin, a PD of another programme) get 404 on
every cohort, placement, diary and PDF page of ours; nobody anonymous gets in."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from rotations.models import Session, TimetablePack

pytestmark = pytest.mark.django_db

OUTSIDERS = ["other_trainee", "other_ccg_admin", "other_pd", "other_ccg_supervisor"]


def _urls(world) -> list[tuple[str, str]]:
    cohort, placement = world.cohort, world.placement
    session = placement.sessions.first()
    pack = TimetablePack.objects.create(cohort=cohort, requested_by=world.pd)
    return [
        ("get", reverse("cohort_detail", args=[cohort.pk])),
        ("get", reverse("cohort_edit", args=[cohort.pk])),
        ("post", reverse("cohort_publish", args=[cohort.pk])),
        ("get", reverse("cohort_changes", args=[cohort.pk])),
        ("get", reverse("cohort_timetable", args=[cohort.pk])),
        ("get", reverse("session_edit", args=[cohort.pk, session.pk])),
        ("post", reverse("session_cancel", args=[cohort.pk, session.pk])),
        ("post", reverse("session_reinstate", args=[cohort.pk, session.pk])),
        ("post", reverse("pack_request", args=[cohort.pk])),
        ("get", reverse("pack_detail", args=[cohort.pk, pack.pk])),
        ("get", reverse("pack_download", args=[cohort.pk, pack.pk])),
        ("get", reverse("placement_detail", args=[placement.pk])),
        ("get", reverse("placement_edit", args=[placement.pk])),
        ("get", reverse("placement_timetable_pdf", args=[placement.pk])),
        ("get", reverse("trainee_add", args=[cohort.pk])),
        ("get", reverse("trainees_upload", args=[cohort.pk])),
        ("get", reverse("diary_week") + f"?placement={placement.pk}"),
        ("get", reverse("diary_month") + f"?placement={placement.pk}"),
        ("get", reverse("diary_week") + f"?cohort={cohort.pk}"),
        ("get", reverse("diary_month") + f"?cohort={cohort.pk}"),
    ]


@pytest.mark.parametrize("who", OUTSIDERS)
def test_outsiders_get_404_on_our_cohort_placement_diary_and_pdf_pages(client, published, who):
    client.force_login(getattr(published, who))
    for method, url in _urls(published):
        response = getattr(client, method)(url)
        assert response.status_code == 404, (who, url, response.status_code)
    assert not Session.objects.filter(status=Session.Status.CANCELLED).exists()


def test_anonymous_people_are_sent_to_sign_in(client, published):
    for method, url in _urls(published):
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert reverse("account_login") in response["Location"]
    for name in ("diary_week", "diary_month", "calendar_subscribe", "cohort_list",
                 "cohort_create", "trainees_template"):
        assert reverse("account_login") in client.get(reverse(name))["Location"]


@pytest.mark.parametrize("who", ["trainee", "supervisor", "lead", "es", "ccg_admin", "chair",
                                 "pa", "pd"])
def test_people_of_the_placement_open_its_page_diary_and_pdf(client, published, who):
    client.force_login(getattr(published, who))
    placement = published.placement
    name = escape(placement.trainee.full_name)
    page = client.get(reverse("placement_detail", args=[placement.pk]))
    assert page.status_code == 200 and name in page.content.decode()
    diary = client.get(reverse("diary_week"), {"placement": placement.pk})
    assert diary.status_code == 200 and f"Diary: {name}" in diary.content.decode()
    pdf = client.get(reverse("placement_timetable_pdf", args=[placement.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"


@pytest.mark.parametrize("who", ["trainee", "supervisor", "ccg_admin", "es"])
def test_non_managers_cannot_reach_cohort_management(client, published, who):
    client.force_login(getattr(published, who))
    assert client.get(reverse("cohort_detail", args=[published.cohort.pk])).status_code == 404
    assert client.get(reverse("placement_edit", args=[published.placement.pk])).status_code == 404
    assert client.get(reverse("trainees_template")).status_code == 404


def test_a_placement_diary_shows_only_that_trainee(client, published):
    from tests import factories

    other = factories.PlacementFactory(cohort=published.cohort,
                                       trainee=factories.UserFactory(full_name="Dr Someone Else"))
    from rotations.services import placement_allocate

    placement_allocate(placement=other)
    client.force_login(published.pd)
    day = published.cohort.start_date.isoformat()
    whole = client.get(reverse("diary_week"), {"date": day}).content.decode()
    assert "Dr Someone Else" in whole
    one = client.get(reverse("diary_week"), {"date": day, "placement": published.placement.pk})
    html = one.content.decode()
    assert published.trainee.full_name in html and "Dr Someone Else" not in html
    assert "Action learning set" in html

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from assessments import services, tasks
from assessments.models import Capability, ReflectiveEntry

from .helpers import addresses, emails

pytestmark = pytest.mark.django_db


def log(placement, date, title="Entry"):
    return services.reflective_entry_log(placement=placement, date=date, title=title,
                                         kind=ReflectiveEntry.Kind.LEARNING_LOG,
                                         capability=Capability.LEADERSHIP)


def test_trainee_logs_an_entry_without_its_text(client, world):
    client.force_login(world.trainee)
    url = reverse("reflective_entries", args=[world.placement.pk])
    response = client.post(url, {
        "date": world.cohort.start_date.isoformat(), "title": "Governing body meeting",
        "kind": ReflectiveEntry.Kind.LEADERSHIP_ACTIVITY, "capability": Capability.LEADERSHIP,
        "portfolio_url": "https://portfolio.rcgp.org.uk/entry/123"})
    assert response.status_code == 302
    entry = ReflectiveEntry.objects.get()
    assert entry.title == "Governing body meeting"
    assert entry.portfolio_url == "https://portfolio.rcgp.org.uk/entry/123"
    assert not any(f.name in ("text", "body", "content") for f in ReflectiveEntry._meta.fields)


@pytest.mark.parametrize("date, message", [
    (datetime.date(2001, 1, 1), "during the rotation"),
    (None, "future"),
])
def test_an_entry_outside_the_rotation_or_in_the_future_is_refused(world, date, message):
    date = date or datetime.date.today() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError, match=message):
        log(world.placement, date)
    assert not ReflectiveEntry.objects.exists()


def test_an_entry_without_a_title_or_type_is_refused(client, world):
    client.force_login(world.trainee)
    response = client.post(reverse("reflective_entries", args=[world.placement.pk]), {
        "date": world.cohort.start_date.isoformat(), "title": "", "kind": "diary",
        "capability": Capability.LEADERSHIP})
    assert response.status_code == 200
    assert not ReflectiveEntry.objects.exists()


def test_the_chart_shows_each_week_against_two(client, world):
    start = world.cohort.start_date
    for offset in (0, 1, 2):
        log(world.placement, start + datetime.timedelta(days=offset))
    log(world.placement, start + datetime.timedelta(days=8))
    client.force_login(world.trainee)
    page = client.get(reverse("reflective_entries", args=[world.placement.pk]))
    weeks = page.context["weeks"]
    assert [(w["week"], w["count"], w["met"]) for w in weeks[:3]] == [
        (1, 3, True), (2, 1, False), (3, 0, False)]
    html = page.content.decode()
    assert "clic-chart__bar--3" in html and "clic-chart__bar--1 clic-chart__bar--below" in html
    assert "style=" not in html and "<script>" not in html
    assert "assessments/assessments.css" in html


def test_pd_sees_the_cohort_by_week(client, world):
    log(world.placement, world.cohort.start_date)
    client.force_login(world.pd)
    page = client.get(reverse("reflective_overview", args=[world.cohort.pk]))
    (row,) = page.context["rows"]
    assert row["placement"] == world.placement and row["total"] == 1
    assert client.get(reverse("reflective_entries", args=[world.placement.pk])).status_code == 200


@pytest.mark.parametrize("who", ["pa", "supervisor", "ccg_admin", "other_trainee", "other_pd"])
def test_reflective_entries_are_for_the_trainee_their_es_and_pds(client, world, who):
    client.force_login(getattr(world, who))
    assert client.get(reverse("reflective_entries", args=[world.placement.pk])).status_code == 404
    assert client.get(reverse("reflective_overview", args=[world.cohort.pk])).status_code == 404


def test_the_educational_supervisor_reads_the_entries_without_changing_them(client, world):
    entry = log(world.placement, world.cohort.start_date, title="Governing body meeting")
    client.force_login(world.es)
    page = client.get(reverse("reflective_entries", args=[world.placement.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Governing body meeting" in html
    assert "Log an entry" not in html and "Remove" not in html
    response = client.post(reverse("reflective_entries", args=[world.placement.pk]), {
        "date": world.cohort.start_date.isoformat(), "title": "x",
        "kind": ReflectiveEntry.Kind.OTHER, "capability": Capability.LEADERSHIP})
    assert response.status_code == 404
    assert client.post(reverse("reflective_entry_delete", args=[entry.pk])).status_code == 404
    assert list(ReflectiveEntry.objects.values_list("title", flat=True)) == [
        "Governing body meeting"]
    # The cohort's chart and the presentation feedback stay the PDs'.
    assert client.get(reverse("reflective_overview", args=[world.cohort.pk])).status_code == 404
    assert client.get(reverse("presentation_feedback", args=[world.placement.pk])
                      ).status_code == 404


def test_a_pd_cannot_log_entries_for_the_trainee(client, world):
    client.force_login(world.pd)
    response = client.post(reverse("reflective_entries", args=[world.placement.pk]), {
        "date": world.cohort.start_date.isoformat(), "title": "x",
        "kind": ReflectiveEntry.Kind.OTHER, "capability": Capability.LEADERSHIP})
    assert response.status_code == 404
    assert not ReflectiveEntry.objects.exists()


def test_only_the_trainee_removes_their_entry(client, world):
    entry = log(world.placement, world.cohort.start_date)
    client.force_login(world.pd)
    assert client.post(reverse("reflective_entry_delete", args=[entry.pk])).status_code == 404
    client.force_login(world.trainee)
    client.post(reverse("reflective_entry_delete", args=[entry.pk]))
    assert not ReflectiveEntry.objects.exists()


def test_weekly_reminder_goes_to_trainees_below_two_once_a_week(world, peer, clock):
    friday = world.cohort.monday_of_week(3) + datetime.timedelta(days=4)
    log(peer, friday - datetime.timedelta(days=1))
    log(peer, friday - datetime.timedelta(days=2))
    log(world.placement, friday)

    # The world's other cohort is running too: its trainee has logged nothing.
    clock.set(friday)
    assert tasks.reflective_entry_reminders_send() == 2
    assert addresses("REFLECT") == {"trainee@nhs.test", "othertrainee@nhs.test"}
    mine = [e for e in emails("REFLECT") if e.to_email == "trainee@nhs.test"]
    assert "1 of 2" in mine[0].subject
    # Running it again that week sends nothing more; the next week it runs afresh.
    clock.set(friday + datetime.timedelta(days=1))
    tasks.reflective_entry_reminders_send()
    assert len(emails("REFLECT")) == 2
    clock.set(friday + datetime.timedelta(days=7))
    tasks.reflective_entry_reminders_send()
    assert len(emails("REFLECT")) == 5
    assert "peer@nhs.test" in addresses("REFLECT")


def test_no_reminder_outside_the_rotation(world, clock):
    clock.set(world.cohort.end_date + datetime.timedelta(days=5))
    assert services.reflective_reminders_send() == 0
    assert not emails("REFLECT")


def test_reminder_is_keyed_by_the_week_it_runs_in(world, clock):
    clock.set(world.cohort.monday_of_week(2))
    services.reflective_reminders_send()
    (email,) = [e for e in emails("REFLECT") if e.to_email == "trainee@nhs.test"]
    assert email.idempotency_key.startswith(
        f"reflective-reminder:{world.placement.pk}:{world.cohort.monday_of_week(2)}")


def test_removing_an_entry_has_its_own_page_away_from_the_log_form(client, world):
    entry = log(world.placement, world.cohort.start_date)
    address = reverse("reflective_entry_delete", args=[entry.pk])
    client.force_login(world.trainee)

    log_page = client.get(reverse("reflective_entries", args=[world.placement.pk])
                          ).content.decode()
    confirm = client.get(address).content.decode()

    assert f'href="{address}"' in log_page and f'action="{address}"' not in log_page
    assert entry.title in confirm and "Remove the entry" in confirm
    assert ReflectiveEntry.objects.filter(pk=entry.pk).exists()
    client.post(address)
    assert not ReflectiveEntry.objects.exists()

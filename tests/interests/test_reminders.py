"""The yearly reminder: everyone who must declare and has declared nothing in 12 months,
once a year, through the outbox."""

import datetime

import pytest
from django.conf import settings

from clic.mail.models import OutboundEmail
from interests import services, tasks
from interests.models import DeclarationReminder
from tests.assessments.helpers import schedule

from .helpers import declare

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 3, 2)
CODE = "INTERESTS-REMINDER"


def _sent() -> list[str]:
    return sorted(OutboundEmail.objects.filter(code=CODE).values_list("to_email", flat=True))


def test_reminder_goes_to_everyone_who_must_declare_and_has_not(world, clock):
    clock.set(DAY)
    schedule(world.cohort, world.pd)  # the ES sits on the panel; the trainee presents
    services.nothing_to_declare_record(person=world.chair)
    declare(world.supervisor, organisation=world.ccg, starts_on=DAY)
    tasks.declaration_reminders_send()
    assert _sent() == ["es@nhs.test", "lead@nhs.test", "otherpd@nhs.test",
                       "othersupervisor@nhs.test", "pd@nhs.test"]


def test_a_declaration_more_than_a_year_old_is_reminded(world, clock):
    clock.set(DAY - datetime.timedelta(days=400))
    services.nothing_to_declare_record(person=world.chair)
    clock.set(DAY)
    services.declaration_reminders_send()
    assert "chair@nhs.test" in _sent()


def test_the_reminder_email_says_why_and_links_to_the_register(world, clock):
    clock.set(DAY)
    services.declaration_reminders_send()
    email = OutboundEmail.objects.get(code=CODE, to_email="lead@nhs.test")
    assert email.subject == "Please review your register of interests for the CLIC rotation"
    assert "As a CCG Project Lead on the GP Clinical Leadership" in email.body_text
    assert "You have not declared yet." in email.body_text
    assert f"Your register of interests: {settings.SITE_URL}/interests/" in email.body_text
    assert email.reply_to == ""
    assert email.idempotency_key.startswith(f"interests-reminder:{world.lead.pk}:2026-03-02")


def test_the_reminder_names_the_last_declaration(world, clock):
    clock.set(DAY - datetime.timedelta(days=380))
    services.nothing_to_declare_record(person=world.chair)
    clock.set(DAY)
    services.declaration_reminders_send()
    email = OutboundEmail.objects.get(code=CODE, to_email="chair@nhs.test")
    assert "Your last declaration was on 15 February 2025." in email.body_text


def test_running_it_again_the_same_year_sends_nothing_more(world, clock):
    clock.set(DAY)
    first = services.declaration_reminders_send()
    clock.set(DAY + datetime.timedelta(days=1))
    again = services.declaration_reminders_send()
    clock.set(DAY + datetime.timedelta(days=364))
    later = services.declaration_reminders_send()
    assert len(first) == 6
    assert again == later == []
    assert len(_sent()) == 6
    assert DeclarationReminder.objects.count() == 6


def test_a_year_later_those_still_silent_are_reminded_again(world, clock):
    clock.set(DAY)
    services.declaration_reminders_send()
    clock.set(DAY + datetime.timedelta(days=300))
    declare(world.pd, organisation=world.ccg, starts_on=DAY)
    clock.set(DAY + datetime.timedelta(days=366))
    reminded = services.declaration_reminders_send()
    assert sorted(person.email for person in reminded) == [
        "chair@nhs.test", "lead@nhs.test", "otherpd@nhs.test", "othersupervisor@nhs.test",
        "supervisor@nhs.test"]


def test_the_daily_beat_runs_the_reminders():
    assert settings.CELERY_BEAT_SCHEDULE["interests-declaration-reminders"]["task"] == (
        "interests.tasks.declaration_reminders_send")

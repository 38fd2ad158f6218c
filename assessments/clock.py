"""The app's idea of today and now, in one place so that tests can move the clock
(`monkeypatch.setattr("assessments.clock.today", lambda: date)`)."""

import datetime

from django.utils import timezone


def today() -> datetime.date:
    return timezone.localdate()


def now() -> datetime.datetime:
    return timezone.now()

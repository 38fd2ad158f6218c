"""The `clock` fixture moves what django.utils.timezone reads."""

import datetime

from django.utils import timezone

from tests.fixtures.clock import on


def test_clock_set_travels_to_noon_of_the_day_in_london(clock):
    day = datetime.date(2031, 3, 30)  # the day the clocks go forward
    clock.set(day)
    assert timezone.localdate() == day
    assert datetime.time(12) <= timezone.localtime().time() < datetime.time(12, 5)
    assert timezone.now().date() == day


def test_clock_set_again_moves_to_the_new_day(clock):
    clock.set(datetime.date(2030, 1, 7))
    clock.set(datetime.date(2030, 1, 8))
    assert timezone.localdate() == datetime.date(2030, 1, 8)


def test_on_travels_for_its_block_only():
    before = timezone.localdate()
    with on(datetime.date(2030, 1, 7)):
        assert timezone.localdate() == datetime.date(2030, 1, 7)
    assert timezone.localdate() == before

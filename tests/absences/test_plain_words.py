"""What trainees read about their own absences: plain words, no SOP codes, dates as
written everywhere else ("Tue 8 Dec 2026")."""

import pytest
from django.urls import reverse

from absences import services
from absences.models import Absence

pytestmark = pytest.mark.django_db


def _open_sickness(live) -> Absence:
    return services.absence_report(placement=live.placement, kind=Absence.Kind.SICKNESS,
                                   first_day=live.project_day(), last_day=None,
                                   reported_by=live.world.trainee)


def test_a_trainees_own_absence_pages_show_no_sop_codes(client, live):
    absence = _open_sickness(live)
    client.force_login(live.world.trainee)

    html = client.get(reverse("absences:detail", args=[absence.pk])).content.decode()

    assert "Emails this report caused" in html
    assert ">SOP<" not in html and ">S5<" not in html and ">S6<" not in html
    client.force_login(live.world.pd)
    assert ">SOP<" in client.get(reverse("absences:detail", args=[absence.pk])).content.decode()


def test_an_open_sickness_is_dated_with_capitals_mid_sentence(client, live):
    absence = _open_sickness(live)
    day = absence.first_day
    written = f"{day:%a} {day.day} {day:%b %Y}"  # e.g. Tue 8 Dec 2026
    client.force_login(live.world.trainee)

    for url in (reverse("home"), reverse("absences:mine"),
                reverse("absences:back", args=[absence.pk])):
        html = client.get(url).content.decode()
        assert f"from {written} (open-ended)" in html, url
        assert written.lower() not in html, url

"""Two or three "Confirm and send" clicks at once (a double click, two tabs) save one report,
send one set of emails and show every click the "sent" page, never a server error
(issue 19, section 6): real concurrent requests against the live server on PostgreSQL, and
SQLite's transactions as `make run` configures them."""

import datetime
import http.client
import re
import threading
import time
from urllib.parse import urlencode, urlsplit

import pytest
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.backends.sqlite3.base import DatabaseWrapper
from django.urls import reverse

from absences.models import Absence
from clic.mail.models import OutboundEmail
from clic.settings.base import SQLITE_OPTIONS, database_from_env

CLICKS = 3


class Browser:
    """One signed-in browser tab: its own connection, the session and CSRF cookies."""

    def __init__(self, live_server, session_key: str):
        self.netloc = urlsplit(live_server.url).netloc
        self.cookies = {settings.SESSION_COOKIE_NAME: session_key}

    def request(self, method: str, path: str, data: dict | None = None):
        connection = http.client.HTTPConnection(self.netloc, timeout=60)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if data is not None:
            body = urlencode(data)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        content = response.read().decode()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";")[0]
        connection.close()
        return response.status, dict(response.getheaders()), content


def _csrf(content: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', content).group(1)


@pytest.mark.django_db(transaction=True)
def test_three_confirms_at_once_save_one_report_and_each_see_it_sent(live_server, client, live):
    client.force_login(live.world.trainee)
    tab = Browser(live_server, client.cookies[settings.SESSION_COOKIE_NAME].value)
    url = reverse("absences:report", args=[live.placement.pk, "sickness"])
    day = live.project_day().isoformat()
    status, _, form = tab.request("GET", url)
    assert status == 200
    data = {"first_day": day, "last_day": day, "part": "day", "csrfmiddlewaretoken": _csrf(form)}
    status, _, preview = tab.request("POST", url, {**data, "preview": "1"})
    assert status == 200 and "Check before you send" in preview
    submission = re.search(r'name="submission" value="([^"]+)"', preview).group(1)
    confirm = {**data, "csrfmiddlewaretoken": _csrf(preview), "submission": submission,
               "confirm": "1"}

    start = threading.Barrier(CLICKS)
    answers: list = [None] * CLICKS

    def click(n: int) -> None:
        start.wait(timeout=30)
        answers[n] = tab.request("POST", url, confirm)

    clicks = [threading.Thread(target=click, args=(n,)) for n in range(CLICKS)]
    for thread in clicks:
        thread.start()
    for thread in clicks:
        thread.join(timeout=90)

    absence = Absence.objects.get()
    detail = reverse("absences:detail", args=[absence.pk])
    assert [(status, headers.get("Location")) for status, headers, _ in answers] == [
        (302, detail)] * CLICKS
    for _ in range(CLICKS):
        status, _, page = tab.request("GET", detail)
        assert status == 200 and "Sickness" in page
    emails = OutboundEmail.objects.filter(
        content_type=ContentType.objects.get_for_model(Absence), object_id=absence.pk)
    assert sorted(emails.values_list("to_email", flat=True)) == [
        "ekccgs.quality@nhs.net", "lead@nhs.test", "supervisor@nhs.test"]
    assert absence.events.count() == 1


def test_make_run_begins_sqlite_transactions_immediately_and_waits_for_the_lock(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "sqlite:////tmp/clic-settings-check.sqlite3")
    database = database_from_env()
    assert database["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert database["OPTIONS"]["timeout"] >= 5
    assert "journal_mode=WAL" in database["OPTIONS"]["init_command"]


def _read_then_write_at_once(path, options: dict) -> list[str]:
    """Two transactions that each read, then write (as a report's does), begun together on
    their own connections as two requests would. Returns the errors raised."""
    errors: list[str] = []
    start = threading.Barrier(2)

    def transaction(n: int) -> None:
        wrapper = DatabaseWrapper({
            "ENGINE": "django.db.backends.sqlite3", "NAME": str(path), "OPTIONS": dict(options),
            "ATOMIC_REQUESTS": False, "AUTOCOMMIT": True, "CONN_MAX_AGE": 0,
            "CONN_HEALTH_CHECKS": False, "TIME_ZONE": None, "USER": "", "PASSWORD": "",
            "HOST": "", "PORT": "", "TEST": {}}, alias=f"sqlite-check-{n}")
        try:
            start.wait(timeout=10)
            wrapper.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)
            with wrapper.cursor() as cursor:
                cursor.execute("SELECT COUNT(*) FROM report")
                seen = cursor.fetchone()[0]
                time.sleep(0.3)  # both have read before either writes
                cursor.execute("INSERT INTO report (seen) VALUES (%s)", [seen])
            wrapper.commit()
        except Exception as error:  # noqa: BLE001 - the test reports whatever SQLite raised
            errors.append(str(error))
        finally:
            wrapper.close()

    threads = [threading.Thread(target=transaction, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors


def _database(path):
    import sqlite3

    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE report (id INTEGER PRIMARY KEY, seen INTEGER)")
    return path


def test_sqlite_as_configured_serialises_two_writers_instead_of_failing(tmp_path,
                                                                       django_db_blocker):
    path = _database(tmp_path / "configured.sqlite3")
    with django_db_blocker.unblock():  # a database of the test's own, not the test database
        assert _read_then_write_at_once(path, SQLITE_OPTIONS) == []
    import sqlite3

    with sqlite3.connect(path) as connection:
        # The second saw the first's row: the two ran one after the other.
        assert sorted(row[0] for row in connection.execute("SELECT seen FROM report")) == [0, 1]


def test_sqlite_deferred_transactions_fail_with_database_is_locked(tmp_path, django_db_blocker):
    """What `make run` answered before: the same two requests, one a 500."""
    path = _database(tmp_path / "deferred.sqlite3")
    with django_db_blocker.unblock():
        assert _read_then_write_at_once(path, {"timeout": 20}) == ["database is locked"]


def _emails_of(absence) -> list[str]:
    return sorted(OutboundEmail.objects.filter(
        content_type=ContentType.objects.get_for_model(Absence), object_id=absence.pk)
        .values_list("idempotency_key", flat=True))


def _twice(client, url, data) -> tuple:
    """The same form sent from two tabs opened before either was sent."""
    return client.post(url, data), client.post(url, data)


@pytest.mark.django_db
def test_a_second_withdraw_i_am_back_decision_or_change_sends_nothing_more(client, live):
    from absences import services

    client.force_login(live.world.trainee)
    day = live.project_day()
    sickness = services.absence_report(placement=live.placement, kind=Absence.Kind.SICKNESS,
                                       first_day=day, last_day=day,
                                       reported_by=live.world.trainee)
    change = reverse("absences:change", args=[sickness.pk])
    data = {"first_day": day.isoformat(), "last_day": day.isoformat(), "part": "am",
            "confirm": "1"}
    first, second = _twice(client, change, data)
    assert (first.status_code, second.status_code) == (302, 302)
    after_change = _emails_of(sickness)

    withdraw = reverse("absences:withdraw", args=[sickness.pk])
    first, second = _twice(client, withdraw, {})
    assert (first.status_code, second.status_code) == (302, 302)
    assert first["Location"] == second["Location"]
    withdrawn = _emails_of(sickness)
    assert len(withdrawn) == len(after_change) + 3  # the CCG's three people, once

    other = live.other_day(near=live.today - datetime.timedelta(days=3))
    open_sickness = services.absence_report(placement=live.placement,
                                            kind=Absence.Kind.SICKNESS, first_day=other,
                                            last_day=None, reported_by=live.world.trainee)
    before = _emails_of(open_sickness)
    back = reverse("absences:back", args=[open_sickness.pk])
    first, second = _twice(client, back, {"last_day": other.isoformat(), "confirm": "1"})
    assert (first.status_code, second.status_code) == (302, 302)
    closed = _emails_of(open_sickness)
    assert len(closed) > len(before)
    client.post(back, {"last_day": other.isoformat(), "confirm": "1"})
    assert _emails_of(open_sickness) == closed

    leave_day = live.other_day(near=live.today + datetime.timedelta(days=20))
    leave = services.absence_report(placement=live.placement, kind=Absence.Kind.ANNUAL_LEAVE,
                                    first_day=leave_day, last_day=leave_day,
                                    reported_by=live.world.trainee)
    client.force_login(live.world.pd)
    decide = reverse("absences:decide", args=[leave.pk])
    first, second = _twice(client, decide, {"decision": "approve", "comment": "Enjoy"})
    assert (first.status_code, second.status_code) == (302, 302)
    decisions = [key for key in _emails_of(leave) if ":decision:" in key]
    assert len(decisions) == 5  # the trainee, the PA, the PD, the supervisor and the lead


@pytest.mark.django_db
def test_a_confirm_validated_after_its_twin_was_saved_sees_the_sent_page(client, live):
    """The click that validates its form only once another click of the same preview has
    saved the report (the form then finds the day already reported) is sent to that report,
    as the click that waited for the lock is, rather than shown the form with an error."""
    client.force_login(live.world.trainee)
    url = reverse("absences:report", args=[live.placement.pk, "sickness"])
    day = live.project_day().isoformat()
    data = {"first_day": day, "last_day": day, "part": "day"}
    preview = client.post(url, {**data, "preview": "1"}).content.decode()
    submission = re.search(r'name="submission" value="([^"]+)"', preview).group(1)
    confirm = {**data, "submission": submission, "confirm": "1"}
    first = client.post(url, confirm)
    absence = Absence.objects.get()
    emails = _emails_of(absence)
    second = client.post(url, confirm)
    detail = reverse("absences:detail", args=[absence.pk])
    assert (first.status_code, first["Location"]) == (302, detail)
    assert (second.status_code, second.get("Location")) == (302, detail)
    assert Absence.objects.count() == 1 and _emails_of(absence) == emails

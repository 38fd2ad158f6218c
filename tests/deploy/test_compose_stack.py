"""The processes of docker-compose.yml, run as the file says (migrate, gunicorn, the Celery
worker and beat, each health check), under the production settings on the throwaway
PostgreSQL and Redis and an SMTP sink: no Docker engine is needed to know the file works.

The image's build step (collectstatic) and `load_demo` stand in for the first run."""

import datetime
import http.client
import json
import os
import re
import shlex
import socket
import subprocess
import time
from pathlib import Path
from urllib.parse import urlencode

import psycopg
import pytest
import yaml

from clic.accounts.demo import DEMO_PASSWORD
from clic.mail.models import OutboundEmail
from rotations.timetable import bank_holidays
from tests.deploy.conftest import ROOT, VENV_BIN, fresh_database
from tests.fixtures.services import free_port, wait_until

HOST = "clic.test"
pytestmark = pytest.mark.services


def compose_services() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]


def as_here(command: str, *, web_port: int, beat_schedule: Path) -> str:
    """A compose command as this machine runs it: loopback ports and a private beat
    schedule; compose's `$$` is a shell's `$`."""
    return (command.replace("0.0.0.0:8000", f"127.0.0.1:{web_port}")
            .replace("127.0.0.1:8000", f"127.0.0.1:{web_port}")
            .replace("/tmp/celerybeat-schedule", str(beat_schedule))
            .replace("$$", "$"))


def healthcheck(service: dict) -> str:
    kind, *words = service["healthcheck"]["test"]
    return words[0] if kind == "CMD-SHELL" else shlex.join(words)


class Browser:
    """Plain HTTP to gunicorn as the TLS proxy forwards it (X-Forwarded-Proto: https). The
    cookies are kept here: they are Secure, which an HTTP client would not send back."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict | None = None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {"Host": HOST, "X-Forwarded-Proto": "https", "Origin": f"https://{HOST}",
                   "Referer": f"https://{HOST}{path}",
                   "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urlencode({**form, "csrfmiddlewaretoken": self.cookies.get("csrftoken", "")})
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        response.text = response.read().decode("utf-8", "replace")
        connection.close()
        return response


@pytest.fixture
def stack(tmp_path, smtp_server):
    broker = os.environ["CELERY_BROKER_URL"].rsplit("/", 1)[0]
    web_port = free_port()
    environment = {
        "PATH": f"{VENV_BIN}:/usr/bin:/bin", "HOSTNAME": socket.gethostname(),
        "DJANGO_SETTINGS_MODULE": "clic.settings.production",
        "DJANGO_SECRET_KEY": "compose-test-" + "s" * 50, "DJANGO_ALLOWED_HOSTS": HOST,
        "CLIC_SITE_URL": f"https://{HOST}",
        "DATABASE_URL": fresh_database("clic_compose"),
        "CELERY_BROKER_URL": f"{broker}/5", "CACHE_URL": f"{broker}/6",
        "EMAIL_HOST": smtp_server.host, "EMAIL_PORT": str(smtp_server.port),
        "EMAIL_USE_TLS": "false", "CLIC_MFA_ENFORCED": "true",
        "CLIC_MEDIA_ROOT": str(tmp_path / "media"), "CLIC_STATIC_ROOT": str(tmp_path / "static"),
        "CLIC_MAIL_SENT_JOURNAL": str(tmp_path / "journal"), "CLIC_MAIL_SWEEP_INTERVAL": "2",
    }

    def run(command: str, *, timeout: float = 300):
        return subprocess.run(command, shell=True, cwd=ROOT, env=environment, timeout=timeout,
                              capture_output=True, text=True)

    services = compose_services()
    commands = {name: as_here(services[name]["command"], web_port=web_port,
                              beat_schedule=tmp_path / "beat-schedule")
                for name in ("migrate", "web", "worker", "beat")}
    for step in ("python manage.py collectstatic --noinput", commands["migrate"],
                 "python manage.py load_demo"):
        done = run(step)
        assert done.returncode == 0, f"{step}: {done.stdout}{done.stderr}"
    processes = {}
    for name in ("web", "worker", "beat"):
        log = (tmp_path / f"{name}.log").open("w")
        processes[name] = subprocess.Popen(shlex.split(commands[name]), cwd=ROOT,
                                           env=environment, stdout=log,
                                           stderr=subprocess.STDOUT)
    try:
        yield {"run": run, "services": services, "web_port": web_port, "tmp": tmp_path,
               "database": environment["DATABASE_URL"], "processes": processes,
               "health": {name: as_here(healthcheck(services[name]), web_port=web_port,
                                        beat_schedule=tmp_path / "beat-schedule")
                          for name in ("web", "worker", "beat")}}
    finally:
        for process in processes.values():
            process.terminate()
        for process in processes.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


def sickness_days(today: datetime.date) -> list[datetime.date]:
    """Weekdays of the last two weeks that are not bank holidays, latest first: the demo's
    running cohort is in its sixth week, so each is a day of the trainee's placement."""
    days = [today - datetime.timedelta(days=n) for n in range(1, 14)]
    closed = bank_holidays(days[-1], days[0])
    return [day for day in days if day.weekday() < 5 and day not in closed]


def test_the_compose_commands_run_under_production_settings(stack, smtp_server):
    run, port = stack["run"], stack["web_port"]

    for name, command in stack["health"].items():
        outcome = wait_until(lambda command=command: run(command, timeout=60).returncode == 0
                             or None, timeout=90, interval=1, message=f"{name}'s health check")
        assert outcome, f"{name}: {command}"
    health = json.loads(Browser(port).request("GET", "/healthz").text)
    assert health["database"] == health["cache"] == health["broker"] == "ok"

    browser = Browser(port)
    login_page = browser.request("GET", "/accounts/login/")
    signed_in = browser.request("POST", "/accounts/login/",
                                {"login": "trainee1@clic.test", "password": DEMO_PASSWORD})
    assert (signed_in.status, signed_in.getheader("Location")) == (302, "/")
    assert "Sign out" in browser.request("GET", "/").text

    with psycopg.connect(stack["database"]) as connection:
        placement = connection.execute(
            "SELECT p.id FROM trainees_placement p JOIN accounts_user u ON u.id = p.trainee_id"
            " WHERE u.email = 'trainee1@clic.test' ORDER BY p.id DESC LIMIT 1").fetchone()[0]
        table = OutboundEmail._meta.db_table
        wait_until(lambda: not connection.execute(
            f"SELECT count(*) FROM {table} WHERE status IN ('queued', 'sending')"
        ).fetchone()[0], timeout=120, interval=1, message="the demo's emails sent")
        connection.commit()
        last_before = connection.execute(f"SELECT max(id) FROM {table}").fetchone()[0]
    smtp_server.sink.reset()

    path = f"/absences/report/{placement}/sickness/"
    for day in sickness_days(datetime.date.today()):
        form = {"first_day": day.isoformat(), "last_day": day.isoformat(), "part": "day",
                "note": ""}
        preview = browser.request("POST", path, {**form, "preview": "1"})
        if "Check before you send" in preview.text:
            break
    sent = browser.request("POST", path, {**form, "confirm": "1"})
    assert sent.status == 302, sent.text[:2000]

    with psycopg.connect(stack["database"]) as connection:
        def report_emails():
            connection.commit()
            return connection.execute(
                f"SELECT message_id, status FROM {table} WHERE id > %s", [last_before]).fetchall()

        wait_until(lambda: report_emails() and all(s == "sent" for _, s in report_emails()),
                   timeout=60, interval=0.5, message="the report's emails sent")
        message_ids = sorted(message_id for message_id, _ in report_emails())
    time.sleep(4)  # two sweeps: a duplicate would have arrived by now
    received = sorted(m.message["Message-ID"] for m in smtp_server.messages)
    assert message_ids and received == message_ids

    hashed = re.search(r'href="(/static/[^"]+\.[0-9a-f]{12}\.css)"', login_page.text)
    assert hashed, "the pages link the hashed static files"
    stylesheet = Browser(port).request("GET", hashed[1])
    assert stylesheet.status == 200
    assert "max-age=315360000" in stylesheet.getheader("Cache-Control")

import os
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.urls import reverse

from clic.accounts.demo import PROGRAMME_NAME
from clic.accounts.models import Role, RoleMembership, User
from clic.mail.models import OutboundEmail
from trainees.models import Placement


@pytest.mark.django_db
def test_healthz_reports_database_cache_and_broker_without_personal_data(client):
    response = client.get(reverse("healthz"))
    body = response.json()
    assert response.status_code == 200
    assert body == {"status": "ok", "database": "ok", "cache": "in-process", "broker": "ok",
                    "outbox": {"queued": 0, "oldest_queued_seconds": None, "failed_last_day": 0}}


@pytest.mark.django_db
def test_healthz_stays_up_and_says_degraded_when_the_broker_is_unreachable(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "degraded", "database": "ok", "cache": "in-process",
                               "broker": "unreachable", "outbox": {
                                   "queued": 0, "oldest_queued_seconds": None,
                                   "failed_last_day": 0}}


@pytest.mark.django_db
def test_healthz_strict_answers_503_when_the_broker_is_unreachable(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    response = client.get(reverse("healthz"), {"strict": "1"})
    assert response.status_code == 503
    assert response.json()["broker"] == "unreachable"


@pytest.mark.django_db
def test_healthz_answers_503_when_the_database_is_unreachable(client, monkeypatch):
    from clic import views

    monkeypatch.setattr(views, "_database_status", lambda: "unreachable")
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"
    assert response.json()["outbox"] is None


def test_production_settings_pass_the_deploy_check():
    # Playwright's async-unsafe switch is itself a deploy warning; it has no place here.
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env |= {"DJANGO_SETTINGS_MODULE": "clic.settings.production",
           "DJANGO_SECRET_KEY": "x" * 64 + "-production-key-for-the-check-only",
           "DJANGO_ALLOWED_HOSTS": "clic.example.nhs.uk",
           "DATABASE_URL": "postgres://clic@localhost/clic", "EMAIL_HOST": "send.nhs.net"}
    result = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level",
                             "WARNING"], env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_have_no_default_secret_key():
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_SECRET_KEY"}
    env.update(DJANGO_SETTINGS_MODULE="clic.settings.production",
               DJANGO_ALLOWED_HOSTS="clic.example.nhs.uk", EMAIL_HOST="send.nhs.net")
    result = subprocess.run([sys.executable, "manage.py", "check"], env=env,
                            capture_output=True, text=True)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


@pytest.mark.django_db
def test_load_demo_builds_every_role_and_is_repeatable():
    call_command("load_demo")
    call_command("load_demo")
    logins = ["pd", "pd2", "pa", "trainee1", "trainee2", "trainee3", "trainee4", "supervisor",
              "lead", "es", "chair", "ccgadmin", "alumnus1"]
    for login in logins:
        assert User.objects.get(email=f"{login}@clic.test").check_password("demo-clic-2026")
    held = set(RoleMembership.objects.filter(user__email__endswith="@clic.test")
               .values_list("role", flat=True))
    assert held == set(Role.values)
    from django.utils import timezone

    today = timezone.localdate()
    # East Kent's placements (the second programme's are tests/rotations/test_second_programme.py's).
    placements = Placement.objects.filter(trainee__email__endswith="@clic.test",
                                          cohort__programme__name=PROGRAMME_NAME)
    running = [p for p in placements if p.cohort.start_date <= today <= p.cohort.end_date]
    assert len(running) == 4 and {p.cohort.week_of(today) for p in running} == {6}
    # Last year's cohort, for the list of earlier trainees; next term's waits to be published.
    later = [p for p in placements if p not in running]
    assert sorted(p.cohort.start_date > today for p in later) == [False, False, True, True, True]
    assert {p.cohort.is_published for p in later if p.cohort.start_date > today} == {False}
    assert {p.cohort.end_date < today for p in later if p.cohort.start_date < today} == {True}
    assert placements.count() == 9


@pytest.mark.django_db
def test_content_security_policy_forbids_inline_script(client):
    response = client.get(reverse("account_login"))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy


def test_compose_file_parses(tmp_path):
    import shutil
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    shutil.copy(root / "docker-compose.yml", tmp_path / "docker-compose.yml")
    shutil.copy(root / ".env.example", tmp_path / ".env")
    result = subprocess.run(["docker-compose", "-f", "docker-compose.yml", "config", "-q"],
                            cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def _dev_middleware(**env_changes) -> list[str]:
    env = {key: value for key, value in os.environ.items() if key != "CLIC_SITE_URL"}
    env |= {"DJANGO_SETTINGS_MODULE": "clic.settings.dev", **env_changes}
    result = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; print(*settings.MIDDLEWARE)"],
        env=env, capture_output=True, text=True, check=True)
    return result.stdout.split()


def test_dev_links_follow_the_request_only_when_no_site_url_is_set():
    middleware = "clic.middleware.SiteUrlFromRequestMiddleware"
    assert middleware in _dev_middleware()
    assert middleware not in _dev_middleware(CLIC_SITE_URL="https://clic.example.nhs.uk")


@pytest.mark.django_db
def test_links_in_emails_and_the_calendar_address_follow_the_address_served_on(client, settings,
                                                                              world):
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "clic.middleware.SiteUrlFromRequestMiddleware"]
    settings.ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
    settings.CLIC_MFA_ENFORCED = False
    client.force_login(world.pa)

    client.post(reverse("person_invite"), {
        "full_name": "Dr New Person", "email": "new.person@nhs.net", "job_title": "",
        "role": Role.CCG_SUPERVISOR, "organisation": world.ccg.pk}, HTTP_HOST="localhost:8123")
    calendar = client.get(reverse("calendar_subscribe"), HTTP_HOST="localhost:8123")

    invitation = OutboundEmail.objects.get(code="INVITE", to_email="new.person@nhs.net")
    assert "http://localhost:8123/invitation/" in invitation.body_text
    assert "127.0.0.1:8000" not in invitation.body_text + invitation.body_html
    assert "http://localhost:8123/calendar/" in calendar.content.decode()


def test_the_sweeper_has_a_queue_that_every_worker_consumes():
    """Its own queue, so that a sweep never waits behind a backlog of send tasks; the
    deployment's workers and the tests' worker must consume it, or no sweep runs."""
    import re
    from pathlib import Path

    from clic.celery import app
    from tests.fixtures.services import TEST_WORKER_OPTIONS

    queue = app.amqp.router.route({}, "clic.mail.tasks.outbox_sweep")["queue"].name
    assert queue != app.conf.task_default_queue
    compose = (Path(__file__).resolve().parent.parent / "docker-compose.yml").read_text()
    [worker] = re.findall(r"command: (celery -A clic worker .*)", compose)
    assert f" -Q celery,{queue} " in worker
    assert f"celery,{queue}" in TEST_WORKER_OPTIONS

"""Production's log lines: JSON, with the request's or the Celery task's id, no addresses."""

import io
import json
import logging

import pytest

from clic.celery import app
from clic.logs import JsonFormatter


@pytest.fixture
def log_lines():
    """What the production formatter writes for every record, as parsed JSON."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logging.getLogger().addHandler(handler)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    logging.getLogger().removeHandler(handler)


@app.task(name="tests.deploy.log_a_refusal")
def log_a_refusal():
    logging.getLogger("clic.mail.services").error(
        "Email 7 failed: 550 5.1.1 <dr.jane.doe@nhs.net> mailbox unknown")


def test_a_line_is_json_without_the_email_address_it_was_given(log_lines):
    try:
        raise ValueError("no account for first.last@nhs.net")
    except ValueError:
        logging.getLogger("clic.test").exception("Sign-in of %s failed", "first.last@nhs.net")

    [line] = log_lines()
    assert (line["level"], line["logger"]) == ("ERROR", "clic.test")
    assert line["message"] == "Sign-in of [email] failed"
    assert "no account for [email]" in line["exception"]
    assert "nhs.net" not in json.dumps(line)


def test_a_task_line_carries_the_celery_task_id(log_lines):
    log_a_refusal.apply(task_id="3f1c0b52-task")

    [line] = [line for line in log_lines() if line["logger"] == "clic.mail.services"]
    assert line["task_id"] == "3f1c0b52-task"
    assert line["message"] == "Email 7 failed: 550 5.1.1 <[email]> mailbox unknown"
    assert "request_id" not in line


@pytest.mark.django_db
def test_a_request_line_carries_the_proxys_request_id_which_the_response_repeats(client,
                                                                                 log_lines):
    response = client.get("/no-such-page/", HTTP_X_REQUEST_ID="req-42")

    assert response["X-Request-ID"] == "req-42"
    not_found = [line for line in log_lines() if line["logger"] == "django.request"]
    assert [line["request_id"] for line in not_found] == ["req-42"]


@pytest.mark.django_db
def test_a_request_without_a_usable_id_gets_one_of_its_own(client):
    first = client.get("/healthz", HTTP_X_REQUEST_ID="<script>")["X-Request-ID"]
    second = client.get("/healthz")["X-Request-ID"]

    assert len(first) == len(second) == 32 and first != second


def test_an_error_report_loses_the_email_addresses_in_its_messages():
    from clic.logs import sentry_scrub

    event = {"exception": {"values": [{"type": "SMTPRecipientsRefused",
                                       "value": "{'dr.jane.doe@nhs.net': (550, b'unknown')}"}]},
             "logentry": {"message": "Email %s to %s failed", "params": [7, "a.b@nhs.net"],
                          "formatted": "Email 7 to a.b@nhs.net failed"},
             "breadcrumbs": {"values": [{"message": "sent to c.d@nhs.net"}]}}

    scrubbed = sentry_scrub(event, {})

    assert "nhs.net" not in json.dumps(scrubbed)
    assert scrubbed["logentry"]["formatted"] == "Email 7 to [email] failed"


def test_production_reports_errors_to_sentry_only_with_a_dsn_and_without_personal_data():
    import os
    import subprocess
    import sys

    probe = ("import django; django.setup(); import sentry_sdk; client = sentry_sdk.get_client();"
             "print(client.is_active(), sorted(client.integrations) if client.is_active() else [],"
             " client.options.get('data_collection', {}).get('user_info'))")
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "clic.settings.production",
                   "DJANGO_SECRET_KEY": "k" * 60, "DJANGO_ALLOWED_HOSTS": "clic.example.nhs.uk",
                   "DATABASE_URL": "postgres://clic@localhost/clic", "EMAIL_HOST": "relay"}

    def run(**extra):
        return subprocess.run([sys.executable, "-c", probe], env={**environment, **extra},
                              capture_output=True, text=True, check=True).stdout.strip()

    assert run().startswith("False")
    active = run(SENTRY_DSN="https://public@sentry.example.nhs.uk/1")
    assert active.startswith("True") and "'celery'" in active and "'django'" in active
    assert active.endswith("False")

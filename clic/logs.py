"""Structured logs for production: one JSON object a line, carrying the id of the request
(from the proxy's X-Request-ID, or made here) or of the Celery task it was written in, and
no email addresses (an SMTP refusal quotes the address it refused; the logs outlive the
retention of the people in them)."""

import contextvars
import json
import logging
import re
import uuid
from datetime import UTC, datetime

from django.core.signals import request_finished

request_id = contextvars.ContextVar("request_id", default=None)

EMAIL_ADDRESS = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")
# What a proxy's request id may look like; anything else is replaced by one of ours.
ACCEPTED_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")


def scrub(text: str) -> str:
    return EMAIL_ADDRESS.sub("[email]", text)


def current_task_id() -> str | None:
    from celery import current_task

    return current_task.request.id if current_task else None


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {"time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
                 "level": record.levelname, "logger": record.name,
                 "message": scrub(record.getMessage())}
        if (request := request_id.get()) is not None:
            entry["request_id"] = request
        if (task := current_task_id()) is not None:
            entry["task_id"] = task
        if record.exc_info:
            entry["exception"] = scrub(self.formatException(record.exc_info))
        return json.dumps(entry)


class RequestIdMiddleware:
    """Gives each request an id for its log lines and answers it in X-Request-ID. The id is
    cleared when the response has been sent, after Django's own request logging."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        given = request.headers.get("X-Request-ID", "")
        request_id.set(given if ACCEPTED_REQUEST_ID.fullmatch(given) else uuid.uuid4().hex)
        response = self.get_response(request)
        response["X-Request-ID"] = request_id.get()
        return response


def _request_done(**kwargs) -> None:
    request_id.set(None)


request_finished.connect(_request_done, dispatch_uid="clic.logs.request_done")


# Error reports carry the error and where it happened, nothing about the people involved:
# no user, cookies, headers, bodies, query strings, local variables or SQL parameters.
SENTRY_DATA_COLLECTION = {
    "user_info": False, "cookies": {"mode": "off"},
    "http_headers": {"request": {"mode": "allowlist", "terms": ["user-agent", "x-request-id"]}},
    "http_bodies": [], "url_query_params": {"mode": "off"}, "database_query_data": False,
    "queues": False, "stack_frame_variables": False,
}


def sentry_scrub(event: dict, hint: dict) -> dict:
    """The last word before an error report leaves: email addresses out of its messages."""
    for exception in (event.get("exception") or {}).get("values", []):
        exception["value"] = scrub(str(exception.get("value") or ""))
    if isinstance(event.get("logentry"), dict):
        for key in ("message", "formatted"):
            if key in event["logentry"]:
                event["logentry"][key] = scrub(str(event["logentry"][key]))
        event["logentry"].pop("params", None)
    for breadcrumb in (event.get("breadcrumbs") or {}).get("values", []):
        if "message" in breadcrumb:
            breadcrumb["message"] = scrub(str(breadcrumb["message"] or ""))
    return event


def sentry_init(dsn: str) -> None:
    """Error reports to Sentry from the web (Django) and the worker and beat (Celery)."""
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(dsn=dsn, integrations=[DjangoIntegration(), CeleryIntegration()],
                    data_collection=SENTRY_DATA_COLLECTION, before_send=sentry_scrub,
                    traces_sample_rate=0)

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

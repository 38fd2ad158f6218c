from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.cache import caches
from django.db import DatabaseError, connection
from django.http import HttpResponseServerError, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.templatetags.static import static
from django.views.decorators.cache import never_cache

from clic.cache import FailSafeRedisCache, redis_answers
from clic.mail.services import outbox_figures


@login_not_required
@never_cache
def healthz(request):
    """Liveness for the load balancer: 200 while this web can serve pages (its database
    answers), even with Redis down, for the web keeps working without it (emails wait in the
    outbox, the cache falls back to memory). The body gives each dependency's state and the
    outbox's figures (counts and an age, null while the database is down), no personal data.
    `?strict=1` answers 503 when any dependency is down."""
    checks = {"database": _database_status(), "cache": _cache_status(),
              "broker": _broker_status()}
    healthy = all(value in ("ok", "in-process") for value in checks.values())
    can_serve = checks["database"] == "ok"
    strict = request.GET.get("strict") == "1"
    return JsonResponse({"status": "ok" if healthy else "degraded", **checks,
                         "outbox": _outbox_figures() if can_serve else None},
                        status=200 if (healthy if strict else can_serve) else 503)


def _database_status() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return "ok"
    except Exception:  # noqa: BLE001 - any failure means unreachable
        return "unreachable"


def _outbox_figures() -> dict | None:
    try:
        return outbox_figures()
    except DatabaseError:  # the database went away since its check
        return None


def _cache_status() -> str:
    backend = caches["default"]
    if not isinstance(backend, FailSafeRedisCache):
        return "in-process"
    return "ok" if backend.redis_reachable() else "unreachable"


def _broker_status() -> str:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "in-process"
    return "ok" if redis_answers(settings.CELERY_BROKER_URL) else "unreachable"


@login_not_required
def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


@login_not_required
def server_error(request):
    # Rendered without the request: the context processors query the database, which may
    # be what failed.
    return HttpResponseServerError(loader.get_template("500.html").render())


@login_not_required
def nhsuk_image(request, filename):
    """NHS.UK frontend's stylesheet asks for its icons (a select's arrows, a date input's
    cross) at /assets/images/, the path they have on the NHS website; they are served with
    the other static files."""
    return redirect(static(f"nhsuk/nhsuk/assets/images/{filename}"), permanent=True)

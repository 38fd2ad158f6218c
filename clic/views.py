from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpResponseServerError, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.templatetags.static import static
from django.views.decorators.cache import never_cache


@login_not_required
@never_cache
def healthz(request):
    """Database and broker reachability for the load balancer; no personal data."""
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception:  # noqa: BLE001 - any failure means unreachable
        checks["database"] = "unreachable"
    checks["broker"] = _broker_status()
    healthy = all(value in ("ok", "in-process") for value in checks.values())
    return JsonResponse({"status": "ok" if healthy else "degraded", **checks},
                        status=200 if healthy else 503)


def _broker_status() -> str:
    from django.conf import settings
    from kombu import Connection

    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "in-process"
    try:
        with Connection(settings.CELERY_BROKER_URL, connect_timeout=2) as connection:
            connection.ensure_connection(max_retries=1)
        return "ok"
    except Exception:  # noqa: BLE001 - any failure means unreachable
        return "unreachable"


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

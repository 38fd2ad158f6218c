"""The service's URLs plus the benchmark's floor: the cheapest page a signed-in person can
be served (the same middleware, session and sign-in checks, no work of its own). Used only
by bench.pages; the service itself has no such URL."""

from django.http import HttpResponse
from django.urls import path

from clic.urls import handler404, handler500  # noqa: F401
from clic.urls import urlpatterns as service_urlpatterns


def floor(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/floor/", floor, name="bench_floor"), *service_urlpatterns]

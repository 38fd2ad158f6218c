from django.conf import settings

from clic.views import healthz


class ContentSecurityPolicyMiddleware:
    """Sends the strict policy from settings on every response (no inline script or style)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        return response


class SiteUrlFromRequestMiddleware:
    """Under `make run` with no CLIC_SITE_URL: links in emails and the calendar address
    follow the address the service is being used at (another port, a forwarded one), which
    settings.SITE_URL's default, port 8000, would not. Development only (dev.py adds it when
    CLIC_SITE_URL is unset): it records the latest request's scheme and host, already checked
    against ALLOWED_HOSTS, in the setting every link is built from."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        settings.SITE_URL = f"{request.scheme}://{request.get_host()}"
        return self.get_response(request)


class HealthzMiddleware:
    """Answers /healthz before Django checks the Host header (CommonMiddleware): the
    container's own health check and a load balancer ask by the container's address, which
    is not one of the public host names in ALLOWED_HOSTS. The answer carries no personal
    data, so any host may have it; every other path, and any method but a read, keeps the
    host check and the rest of the chain (a POST still meets CSRF protection)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info == "/healthz" and request.method in ("GET", "HEAD"):
            return healthz(request)
        return self.get_response(request)

"""The container's health check asks http://127.0.0.1:8000/healthz under the production
settings: no HTTPS redirect, whatever Host it sends, and only /healthz is let through."""

import pytest


@pytest.fixture
def production_front(settings):
    settings.ALLOWED_HOSTS = ["clic.example.nhs.uk"]
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_REDIRECT_EXEMPT = [r"^healthz$"]


@pytest.mark.django_db
@pytest.mark.usefixtures("production_front")
def test_healthz_answers_the_containers_own_address_over_plain_http(client):
    response = client.get("/healthz", HTTP_HOST="127.0.0.1:8000")

    assert response.status_code == 200
    assert response.json()["database"] == "ok"
    assert "Content-Security-Policy" in response


@pytest.mark.django_db
@pytest.mark.usefixtures("production_front")
def test_other_pages_still_refuse_an_unknown_host_and_redirect_to_https(client):
    assert client.get("/accounts/login/", HTTP_HOST="127.0.0.1:8000").status_code == 400
    redirect = client.get("/accounts/login/", HTTP_HOST="clic.example.nhs.uk")
    assert redirect.status_code == 301
    assert redirect["Location"].startswith("https://clic.example.nhs.uk/")


@pytest.mark.django_db
@pytest.mark.usefixtures("production_front")
def test_only_a_read_of_healthz_skips_the_host_check(client):
    assert client.post("/healthz", HTTP_HOST="127.0.0.1:8000").status_code == 400

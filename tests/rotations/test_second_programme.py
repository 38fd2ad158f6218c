"""The demo's second programme (Derbyshire) runs beside east Kent, and neither programme's
staff see the other's people, cohorts or templates."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from clic.accounts.models import User
from clic.accounts.selectors import people_visible_to
from clic.mail.models import OutboundEmail
from rotations.models import Cohort, Session, Weekday
from rotations.selectors import cohorts_visible_to, templates_visible_to
from trainees import demo_derbyshire
from trainees.selectors import placements_visible_to

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_mfa(settings):
    settings.CLIC_MFA_ENFORCED = False


def _person(login) -> User:
    return User.objects.get(email=f"{login}@clic.test")


def test_the_demo_runs_derbyshires_programme_from_its_own_template(client):
    call_command("load_demo")
    cohort = Cohort.objects.get(programme__name__startswith="Derbyshire")
    version = cohort.template_version
    assert (cohort.is_published, cohort.weeks, version.organisation_word) == (
        True, 20, "host organisation")
    teaching = cohort.sessions.filter(placement__isnull=True).exclude(
        kind=Session.Kind.BANK_HOLIDAY)
    assert {s.date.weekday() for s in teaching} == {Weekday.TUESDAY}
    assert teaching.get(kind=Session.Kind.PRESENTATION).week == 20
    halves = cohort.sessions.filter(placement__isnull=False).exclude(
        kind=Session.Kind.BANK_HOLIDAY)
    assert {(s.part, s.date.weekday()) for s in halves} == {
        (Session.Part.AM, Weekday.THURSDAY), (Session.Part.PM, Weekday.FRIDAY)}
    assert cohort.placements.count() == 2
    assert set(OutboundEmail.objects.filter(cohort=cohort, code="S2").values_list(
        "to_email", flat=True)) == {"trainee.derbyshire1@clic.test",
                                    "trainee.derbyshire2@clic.test"}

    client.force_login(_person("pd.derbyshire"))
    page = client.get(reverse("cohort_detail", args=[cohort.pk])).content.decode()
    assert "20 weeks, planned from Derbyshire development programme" in page
    assert "host organisation base" in page and "CCG base" not in page


def test_neither_programmes_staff_see_the_others_people():
    call_command("load_demo")
    east_kent_pd, derbyshire_pd = _person("pd"), _person("pd.derbyshire")
    # GP practices train for any programme, so their people (the Derbyshire trainees' ES)
    # are every programme's to see (clic.accounts.selectors); the programme's and its host
    # organisation's people are not.
    derbyshire_people = set(User.objects.filter(memberships__organisation__name__in=[
        demo_derbyshire.PROGRAMME_NAME, demo_derbyshire.HOST_NAME]).values_list("pk", flat=True))
    east_kent_trainees = {_person(f"trainee{n}").pk for n in range(1, 5)}
    assert len(derbyshire_people) == 4

    assert not derbyshire_people & set(people_visible_to(east_kent_pd).values_list("pk", flat=True))
    assert not east_kent_trainees & set(people_visible_to(derbyshire_pd).values_list("pk",
                                                                                     flat=True))
    assert {c.programme.name for c in cohorts_visible_to(derbyshire_pd)} == {
        "Derbyshire Clinical Commissioning Development Programme"}
    assert not any(c.programme.name.startswith("Derbyshire")
                   for c in cohorts_visible_to(east_kent_pd))
    assert {p.trainee.email for p in placements_visible_to(derbyshire_pd)} == {
        "trainee.derbyshire1@clic.test", "trainee.derbyshire2@clic.test"}
    assert not any(p.trainee.pk in derbyshire_people for p in placements_visible_to(east_kent_pd))
    assert [t.name for t in templates_visible_to(east_kent_pd)] == [
        "East Kent CLIC handbook (16 weeks)"]


def test_each_pd_gets_404_on_the_other_programmes_pages(client):
    call_command("load_demo")
    derbyshire = Cohort.objects.get(programme__name__startswith="Derbyshire")
    east_kent = Cohort.objects.filter(programme__name__startswith="HEE").first()
    template = derbyshire.template_version.template
    client.force_login(_person("pd"))
    for url in (reverse("cohort_detail", args=[derbyshire.pk]),
                reverse("template_detail", args=[template.pk]),
                reverse("placement_detail", args=[derbyshire.placements.first().pk])):
        assert client.get(url).status_code == 404, url
    assert "Derbyshire" not in client.get(reverse("people")).content.decode()
    client.force_login(_person("pd.derbyshire"))
    assert client.get(reverse("cohort_detail", args=[east_kent.pk])).status_code == 404
    people = client.get(reverse("people")).content.decode()
    assert "Dr Amy Clarke" not in people and "Dr Leah Marsh" in people

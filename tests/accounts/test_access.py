import pytest
from django.urls import reverse

from clic.accounts.models import Role

pytestmark = pytest.mark.django_db


def test_anonymous_is_sent_to_login_from_home(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("name", ["people", "organisations", "person_invite", "profile"])
def test_anonymous_is_sent_to_login_from_staff_pages(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_login_page_is_public(client):
    response = client.get(reverse("account_login"))
    assert response.status_code == 200
    assert b"password" in response.content.lower()


def test_public_signup_is_closed(client):
    response = client.post(reverse("account_signup"), {
        "email": "stranger@example.com", "password1": "a long passphrase here",
        "password2": "a long passphrase here"})
    from clic.accounts.models import User

    assert not User.objects.filter(email="stranger@example.com").exists()
    assert response.status_code in (200, 302)


def test_trainee_is_refused_the_django_admin(client, world):
    world.trainee.is_staff = True  # even a mis-set staff flag does not open it
    world.trainee.save()
    client.force_login(world.trainee)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_superuser_opens_the_django_admin(client, world, settings):
    settings.CLIC_MFA_ENFORCED = False
    world.pd.is_staff = world.pd.is_superuser = True
    world.pd.save()
    client.force_login(world.pd)
    response = client.get("/admin/")
    assert response.status_code == 200
    assert "Site administration" in response.content.decode()


@pytest.mark.parametrize("who", ["trainee", "supervisor", "lead", "es", "chair", "ccg_admin"])
def test_people_pages_are_404_for_non_managers(client, world, settings, who):
    settings.CLIC_MFA_ENFORCED = False
    client.force_login(getattr(world, who))
    for name in ["people", "organisations", "person_invite"]:
        assert client.get(reverse(name)).status_code == 404
    assert client.get(reverse("person_detail", args=[world.trainee.pk])).status_code == 404


def test_pd_of_another_programme_cannot_open_our_trainee(client, world, settings):
    settings.CLIC_MFA_ENFORCED = False
    client.force_login(world.other_pd)
    assert client.get(reverse("person_detail", args=[world.trainee.pk])).status_code == 404


def test_unknown_url_gets_the_styled_404(client, world):
    client.force_login(world.trainee)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert b"Page not found" in response.content


def test_mfa_is_required_before_a_pd_uses_the_service(client, world, settings):
    settings.CLIC_MFA_ENFORCED = True
    client.force_login(world.pd)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_activate_totp"))


def test_mfa_is_not_forced_on_a_trainee(client, world, settings):
    settings.CLIC_MFA_ENFORCED = True
    client.force_login(world.trainee)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert world.placement.cohort.name in response.content.decode()
    assert reverse("mfa_activate_totp") not in response.content.decode()


def test_home_shows_a_panel_for_each_role_held(client, world, settings):
    settings.CLIC_MFA_ENFORCED = False
    from clic.accounts.services import membership_add

    membership_add(user=world.pd, role=Role.ES, organisation=world.practice)
    client.force_login(world.pd)
    content = client.get(reverse("home")).content.decode()
    assert "Programme Director" in content
    assert "Educational Supervisor" in content
    assert world.trainee.full_name in content


def test_another_programmes_pd_cannot_touch_the_people_or_mailbox_of_our_ccg(client, world,
                                                                            settings):
    """docs/security.md: a PD runs their own cohorts. East Kent's admin mailbox receives our
    trainees' sickness emails (S5), and its supervisors are ours: not West Kent's PD's."""
    settings.CLIC_MFA_ENFORCED = False
    membership = world.supervisor.memberships.get()
    client.force_login(world.other_pd)
    assert client.get(reverse("organisation_edit", args=[world.ccg.pk])).status_code == 404
    assert client.post(reverse("organisation_edit", args=[world.ccg.pk]), {
        "kind": "ccg", "name": "East Kent CCG", "admin_mailbox": "x@evil.test"}
                       ).status_code == 404
    assert client.get(reverse("person_detail", args=[world.supervisor.pk])).status_code == 404
    assert client.post(reverse("membership_remove", args=[world.supervisor.pk, membership.pk])
                       ).status_code == 404
    world.ccg.refresh_from_db()
    assert world.ccg.admin_mailbox == "ekccgs.quality@nhs.net"
    assert world.supervisor.memberships.filter(pk=membership.pk).exists()
    assert world.supervisor.full_name not in client.get(reverse("people")).content.decode()


def test_a_ccg_no_programme_uses_yet_is_any_pds_to_set_up(client, world, settings):
    settings.CLIC_MFA_ENFORCED = False
    from tests import factories

    new_ccg = factories.CCGFactory(name="Brand New CCG")
    for pd in (world.pd, world.other_pd):
        client.force_login(pd)
        assert client.get(reverse("organisation_edit", args=[new_ccg.pk])).status_code == 200
        assert "Brand New CCG" in client.get(reverse("person_invite")).content.decode()

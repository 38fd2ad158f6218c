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


# The access object (clic.accounts.access) -----------------------------------------------------


def _fresh(user):
    """The person as a new request loads them: nothing about their access read yet."""
    from clic.accounts.models import User

    return User.objects.get(pk=user.pk)


def test_access_for_is_built_once_and_is_the_only_access_cache_on_the_user(world):
    from assessments.rules import is_pd_of_cohort
    from clic.accounts.access import ACCESS_ATTRIBUTE, access_for
    from clic.accounts.rules import can_manage_people
    from projects.rules import can_view_project
    from trainees.selectors import visible_placement_ids

    pd = _fresh(world.pd)
    access = access_for(pd)
    assert can_manage_people(pd) and is_pd_of_cohort(pd, world.cohort)
    assert can_view_project(pd, world.placement)
    assert world.placement.pk in visible_placement_ids(pd)

    assert access_for(pd) is access
    assert [name for name in vars(pd) if name.startswith("_clic")] == [ACCESS_ATTRIBUTE]


def test_every_apps_role_rules_share_one_query_for_the_request(world, django_assert_num_queries):
    from absences.rules import can_view_programme_absences
    from assessments.rules import is_pd_of_cohort
    from clic.accounts.rules import can_manage_people
    from clic.audit.rules import can_read_audit
    from clic.mail.rules import can_view_outbox
    from projects.rules import can_open_concerns_received, relations
    from rotations.rules import can_create_cohort
    from trainees.models import Placement

    placement = Placement.objects.select_related("cohort").get(pk=world.placement.pk)
    pd = _fresh(world.pd)
    with django_assert_num_queries(1):
        assert all(rule(pd) for rule in (can_manage_people, can_read_audit, can_view_outbox,
                                         can_create_cohort, can_view_programme_absences,
                                         can_open_concerns_received))
        assert is_pd_of_cohort(pd, placement.cohort)
        assert relations(pd, placement) == {Role.PD}


def test_a_cohorts_director_with_a_pd_role_elsewhere_runs_it_without_another_query(
        world, django_assert_num_queries):
    from assessments.rules import is_pd_of_cohort
    from clic.accounts.access import access_for
    from projects.rules import relations
    from trainees.models import Placement

    world.cohort.directors.add(world.other_pd)
    placement = Placement.objects.select_related("cohort").get(pk=world.placement.pk)
    director, outsider = _fresh(world.other_pd), _fresh(world.other_ccg_supervisor)
    assert access_for(director).roles and access_for(outsider).roles  # read before counting
    with django_assert_num_queries(0):
        assert is_pd_of_cohort(director, placement.cohort)
        assert relations(director, placement) == {Role.PD}
        assert not is_pd_of_cohort(outsider, placement.cohort)
        assert relations(outsider, placement) == frozenset()


def test_placement_relations_are_the_roles_of_clic_accounts(world):
    from projects.rules import concern_role_for, relations

    assert relations(world.supervisor, world.placement) == {Role.CCG_SUPERVISOR}
    assert relations(world.ccg_admin, world.placement) == {Role.CCG_ADMIN}
    assert relations(world.es, world.placement) == {Role.ES}
    assert concern_role_for(world.lead, world.placement) is Role.PROJECT_LEAD


def test_anonymous_access_holds_nothing_and_asks_the_database_nothing(django_assert_num_queries):
    from django.contrib.auth.models import AnonymousUser

    from clic.accounts.access import access_for

    with django_assert_num_queries(0):
        access = access_for(AnonymousUser())
        assert access.memberships == frozenset() and not access.has_role(*Role.values)

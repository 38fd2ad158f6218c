"""The outbox page for a PD: who they manage without listing every organisation, each list
of filter options read once, and the page of emails without a join to every placement."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clic.accounts.access import access_for
from clic.accounts.models import User
from clic.accounts.selectors import managed_organisation_ids, people_visible_to
from clic.mail.services import sop_notify
from tests import factories

pytestmark = pytest.mark.django_db


def test_people_visible_to_are_those_of_the_managed_organisations_without_a_query(world):
    factories.MembershipFactory()  # someone in another programme only
    expected = set(User.objects.filter(
        memberships__organisation_id__in=managed_organisation_ids(world.pd)))
    assert access_for(world.pd).roles  # read before counting, as the request's first rule does

    with CaptureQueriesContext(connection) as queries:
        people = people_visible_to(world.pd)
    assert len(queries) == 0
    assert set(people) == expected
    assert list(people_visible_to(world.trainee)) == []


def _cohort_outbox(client, world, absences: int) -> tuple[list[str], str]:
    """The PD's outbox filtered to the cohort after that many sickness emails (S5): the SQL
    of the request and the page."""
    for n in range(absences):
        sop_notify(code="S5", event_key=f"absence:{n}", about=world.placement,
                   placement=world.placement,
                   context={"days": [world.cohort.start_date + datetime.timedelta(days=3)]})
    client.force_login(world.pd)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("mail_outbox"), {"cohort": world.cohort.pk})
    return [query["sql"] for query in queries], response.content.decode()


def test_outbox_reads_each_filter_list_once_and_pages_without_joining_placements(client, world):
    sql, html = _cohort_outbox(client, world, absences=3)

    assert not [q for q in sql if q.startswith('SELECT COUNT(*) AS "__count" FROM "rotations_cohort"')
                or q.startswith('SELECT COUNT(*) AS "__count" FROM "trainees_placement"')]
    [page] = [q for q in sql if q.startswith('SELECT "mail_outboundemail"."id"')]
    assert "trainees_placement" not in page
    assert html.count(f"About {world.trainee.full_name}") == 9


def test_outbox_of_one_cohort_asks_for_its_emails_by_id_alone(client, world):
    """Chosen from the filter, a cohort is neither looked up again nor widened into the whole
    outbox's scope: the count and the rows ask for its id, with no subquery to compile."""
    sql, html = _cohort_outbox(client, world, absences=1)

    outbox = [q for q in sql if q.startswith(('SELECT COUNT(*) AS "__count" FROM "mail_outboundemail"',
                                              'SELECT "mail_outboundemail"."id"'))]
    assert len(outbox) == 2
    for query in outbox:
        where = query.split(" WHERE ", 1)[1]
        assert "SELECT" not in where
        assert f'"mail_outboundemail"."cohort_id" = {world.cohort.pk}' in where
    # The cohorts the person reaches and the filter's options (which carry the chosen one's
    # SOP codes, in a subquery); not the chosen one again.
    assert len([q for q in sql if q.startswith('SELECT "rotations_cohort".')
                and 'FROM "rotations_cohort"' in q]) == 2
    assert html.count(f"About {world.trainee.full_name}") == 3

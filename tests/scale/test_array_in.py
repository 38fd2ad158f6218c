"""`__in` with a long list is one array parameter on PostgreSQL (clic.queries.ArrayIn): the
same rows as Django's IN, and one SQL text whatever the list's length, so that a statement
prepared for one person serves the next."""

import pytest

from clic.accounts.models import User
from clic.queries import ARRAY_IN_FROM
from tests.factories import CohortFactory, PlacementFactory, UserFactory
from trainees.models import Placement

pytestmark = pytest.mark.django_db


def _sql(queryset) -> tuple[str, tuple]:
    return queryset.query.sql_with_params()


def test_lists_of_any_length_from_ten_share_one_text_with_the_list_as_one_parameter():
    short, long = list(range(1, ARRAY_IN_FROM + 1)), list(range(1, 541))

    short_sql, short_params = _sql(User.objects.filter(pk__in=short))
    long_sql, long_params = _sql(User.objects.filter(pk__in=long))

    assert short_sql == long_sql
    assert '"accounts_user"."id" = ANY(%s)' in long_sql
    assert short_params == (short,) and long_params == (long,)


def test_a_list_shorter_than_ten_keeps_the_in_list_whose_plan_suits_its_values():
    sql, params = _sql(User.objects.filter(pk__in=[3, 1, 2]))

    assert '"accounts_user"."id" IN (%s, %s, %s)' in sql
    assert params == (3, 1, 2)


def test_the_same_rows_as_in_nulls_and_model_instances_included():
    people = UserFactory.create_batch(12)
    wanted = people[:11]
    ids = [person.pk for person in wanted]

    assert set(User.objects.filter(pk__in=[*ids, None])) == set(wanted)
    assert set(User.objects.filter(email__in=[p.email for p in wanted])) == set(wanted)
    assert set(User.objects.exclude(pk__in=[*ids, None]).filter(
        pk__in=[p.pk for p in people])) == {people[11]}
    # A foreign key given model instances (as prefetch_related does).
    cohort = CohortFactory()
    placements = [PlacementFactory(cohort=cohort, trainee=person) for person in people]
    by_trainee = Placement.objects.filter(trainee__in=wanted)
    assert "= ANY(%s)" in _sql(by_trainee)[0]
    assert set(by_trainee) == set(placements[:11])


def test_a_subquery_stays_a_subquery():
    sql, _ = _sql(User.objects.filter(pk__in=User.objects.filter(is_active=True).values("pk")))

    assert "IN (SELECT" in sql


"""The Django admin's change lists join only a few tables each."""

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db

# Placement's __str__ needs its trainee and cohort: eight joins at most for a change list that
# shows placements (the admin's own select_related of every non-null foreign key).
MOST_JOINS = 8


def test_every_change_list_joins_at_most_eight_tables(client, world):
    client.force_login(factories.UserFactory(is_staff=True, is_superuser=True))
    too_many = {}
    for model in admin.site._registry:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        joins = max((query["sql"].count(" JOIN ") for query in queries), default=0)
        if joins > MOST_JOINS:
            too_many[model._meta.label] = joins
    assert too_many == {}

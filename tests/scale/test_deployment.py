"""The production database is configured as the benchmark measured it."""

from pathlib import Path

import pytest
from django.db import connection

from clic.accounts.models import User
from clic.settings.base import database_from_env

ROOT = Path(__file__).resolve().parents[2]


def test_production_postgresql_costs_random_reads_as_on_ssd_like_the_benchmark():
    compose = (ROOT / "docker-compose.yml").read_text()
    postgres = compose.split("\n  postgres:\n", 1)[1].split("\n\n", 1)[0]

    assert 'command: ["postgres", "-c", "random_page_cost=1.1"]' in postgres
    assert "random_page_cost = 1.1" in (ROOT / "scripts" / "bench.sh").read_text()


@pytest.mark.django_db
def test_a_query_run_five_times_on_a_connection_is_prepared_and_not_planned_again():
    def prepared() -> int:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_prepared_statements")
            return cursor.fetchone()[0]

    before = prepared()
    for _ in range(6):
        list(User.objects.filter(email="nobody@example.nhs.uk"))

    assert prepared() > before


def test_postgresql_prepares_statements_unless_switched_off_and_sqlite_never(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://clic@db:5432/clic")
    assert database_from_env()["OPTIONS"] == {"server_side_binding": True,
                                              "prepare_threshold": 5}
    monkeypatch.setenv("DATABASE_PREPARED_STATEMENTS", "false")
    assert "OPTIONS" not in database_from_env()
    monkeypatch.setenv("DATABASE_URL", "sqlite:///clic.sqlite3")
    monkeypatch.delenv("DATABASE_PREPARED_STATEMENTS")
    # SQLite's options are its locking ones (tests/absences/test_double_submit.py), never these.
    assert "server_side_binding" not in database_from_env()["OPTIONS"]

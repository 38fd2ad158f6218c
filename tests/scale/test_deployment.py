"""The production database is configured as the benchmark measured it."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_production_postgresql_costs_random_reads_as_on_ssd_like_the_benchmark():
    compose = (ROOT / "docker-compose.yml").read_text()
    postgres = compose.split("\n  postgres:\n", 1)[1].split("\n\n", 1)[0]

    assert 'command: ["postgres", "-c", "random_page_cost=1.1"]' in postgres
    assert "random_page_cost = 1.1" in (ROOT / "scripts" / "bench.sh").read_text()

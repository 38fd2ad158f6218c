"""The default "who is told what" table, version 1: the handbook's SOP exactly as the
catalogue and its template files had it, so that every programme starts from it."""

from django.db import migrations

FIELDS = ("code", "recipients", "reply_to", "subject_template", "text_template",
          "html_template")


def load(apps, schema_editor):
    from clic.mail.routing import DEFAULT_TABLE_CHANGE, default_rows

    RoutingTable = apps.get_model("mail", "RoutingTable")
    RoutingRow = apps.get_model("mail", "RoutingRow")
    if RoutingTable.objects.filter(programme__isnull=True).exists():
        return
    table = RoutingTable.objects.create(programme=None, version=1, change=DEFAULT_TABLE_CHANGE)
    RoutingRow.objects.bulk_create([
        RoutingRow(table=table, **{name: getattr(row, name) for name in FIELDS})
        for row in default_rows()])


class Migration(migrations.Migration):
    dependencies = [("mail", "0004_routing_tables")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]

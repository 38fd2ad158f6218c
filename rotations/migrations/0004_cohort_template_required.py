"""Every cohort now has its template version (0003 set it): make it required. A separate
migration so PostgreSQL runs the ALTER outside the transaction that filled the column."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('rotations', '0003_programme_templates'),
    ]

    operations = [
        migrations.AlterField(
            model_name='cohort',
            name='weeks',
            field=models.PositiveSmallIntegerField(editable=False),
        ),
        migrations.AlterField(
            model_name='cohort',
            name='template_version',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='cohorts', to='rotations.templateversion', verbose_name='timetable template'),
        ),
    ]

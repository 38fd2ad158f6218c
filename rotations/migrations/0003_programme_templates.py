"""Programme templates: the timetable as data. East Kent's handbook (its 16 weeks, the
Wednesday teaching day, Appendix 1, the SOP meeting weeks, the week-16 presentation and the
two-entries-a-week expectation) is loaded here as the first template, and every existing
cohort is planned from it."""

import datetime

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

MEET_SUPERVISOR = "Meet CCG Supervisor to discuss project ideas"
RESEARCH = "Research potential project"
MEET_LEAD = "Meet Project Lead"
ATTEND = "Attend meetings / supervision"
REVIEW = "Meet CCG Supervisor / Project Lead"
FINAL_REVIEW = ("Meet CCG Supervisor and Project Lead; where possible meet the Deputy "
                "Clinical Chair")
PROJECT_WORK = "Project work at CCG base"


def _week(week: int) -> list[dict]:
    meeting, project = "meeting", "project"
    if week == 1:
        return [{"kind": meeting, "title": MEET_SUPERVISOR}, {"kind": project, "title": RESEARCH}]
    if week == 2:
        return [{"kind": meeting, "title": MEET_LEAD}, {"kind": project, "title": PROJECT_WORK}]
    if week in (8, 12):
        return [{"kind": meeting, "title": REVIEW}, {"kind": project, "title": PROJECT_WORK}]
    if week == 16:
        return [{"kind": meeting, "title": FINAL_REVIEW},
                {"kind": project, "title": PROJECT_WORK}]
    return [{"kind": project, "title": ATTEND}, {"kind": project, "title": PROJECT_WORK}]


# The handbook exactly as rotations/timetable.py had it in code until this migration.
HANDBOOK = {
    "weeks": 16,
    "teaching_sessions": [
        {"weekday": 2, "part": "am", "start": "09:30", "end": "12:30",
         "title": "Teaching session / leadership workshop", "kind": "teaching", "weeks": []},
        {"weekday": 2, "part": "pm", "start": "13:30", "end": "16:30",
         "title": "Action learning set", "kind": "als", "weeks": []},
    ],
    "project_weekday": 3,
    "other_project_day_allowed": True,
    "afternoon_weekday": None,
    "morning_start": datetime.time(9, 0),
    "morning_end": datetime.time(12, 30),
    "afternoon_start": datetime.time(13, 30),
    "afternoon_end": datetime.time(17, 0),
    "activities": [_week(week) for week in range(1, 17)],
    "meeting_weeks": [1, 2, 8, 12, 16],
    "presentation_week": 16,
    "presentation_title": "Project presentations (details to follow)",
    "entries_per_week": 2,
    "organisation_word": "CCG",
}
HANDBOOK_NAME = "East Kent CLIC handbook (16 weeks)"


def load_handbook(apps, schema_editor):
    ProgrammeTemplate = apps.get_model("rotations", "ProgrammeTemplate")
    TemplateVersion = apps.get_model("rotations", "TemplateVersion")
    Cohort = apps.get_model("rotations", "Cohort")
    template = ProgrammeTemplate.objects.create(programme=None, name=HANDBOOK_NAME)
    version = TemplateVersion.objects.create(template=template, number=1, **HANDBOOK)
    Cohort.objects.update(template_version=version, weeks=version.weeks)


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0001_initial'),
        ('rotations', '0002_timetable'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='ProgrammeTemplate',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=200)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('programme', models.ForeignKey(blank=True, limit_choices_to={'kind': 'programme'}, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='timetable_templates', to='accounts.organisation')),
            ],
            options={
                'ordering': ['name', 'pk'],
            },
        ),
        migrations.CreateModel(
            name='TemplateVersion',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('number', models.PositiveSmallIntegerField()),
                ('weeks', models.PositiveSmallIntegerField(verbose_name='length in weeks')),
                ('teaching_sessions', models.JSONField(default=list)),
                ('project_weekday', models.PositiveSmallIntegerField(choices=[(0, 'Monday'), (1, 'Tuesday'), (2, 'Wednesday'), (3, 'Thursday'), (4, 'Friday')], default=3, verbose_name='default project day')),
                ('other_project_day_allowed', models.BooleanField(default=True, verbose_name='another weekday may be agreed')),
                ('afternoon_weekday', models.PositiveSmallIntegerField(blank=True, choices=[(0, 'Monday'), (1, 'Tuesday'), (2, 'Wednesday'), (3, 'Thursday'), (4, 'Friday')], help_text='For project days split into two half-days: the weekday of the afternoon half. Empty: both halves on the project day.', null=True, verbose_name='afternoon half on')),
                ('morning_start', models.TimeField()),
                ('morning_end', models.TimeField()),
                ('afternoon_start', models.TimeField()),
                ('afternoon_end', models.TimeField()),
                ('activities', models.JSONField(default=list)),
                ('meeting_weeks', models.JSONField(default=list, verbose_name='SOP meeting weeks')),
                ('presentation_week', models.PositiveSmallIntegerField()),
                ('presentation_title', models.CharField(max_length=200)),
                ('entries_per_week', models.PositiveSmallIntegerField(verbose_name='reflective entries expected a week')),
                ('organisation_word', models.CharField(help_text='For example "CCG", "ICB" or "host organisation".', max_length=40, verbose_name='the commissioning organisation is called')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('template', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='versions', to='rotations.programmetemplate')),
            ],
            options={
                'ordering': ['template', '-number'],
            },
        ),
        migrations.AddConstraint(
            model_name='templateversion',
            constraint=models.UniqueConstraint(fields=('template', 'number'), name='template_version_unique'),
        ),
        migrations.AddField(
            model_name='cohort',
            name='weeks',
            field=models.PositiveSmallIntegerField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name='cohort',
            name='template_version',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='cohorts', to='rotations.templateversion', verbose_name='timetable template'),
        ),
        migrations.RunPython(load_handbook, migrations.RunPython.noop),
    ]

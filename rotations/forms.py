import datetime

from django import forms
from django.utils import timezone

from clic.accounts.models import User
from clic.forms import DateField, PersonChoiceField, person_label

from .models import LONGEST_ROTATION_WEEKS, Cohort, Session, TemplateVersion, Weekday
from .selectors import (
    ccgs,
    default_template_version,
    directors_of,
    programmes_directed_by,
    template_versions_for,
)
from .services import cohort_errors, session_errors, template_content, template_content_errors


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


class PeopleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return person_label(obj)


class CohortForm(forms.Form):
    name = forms.CharField(max_length=200, help_text="For example: East Kent CLIC March 2027")
    programme = forms.ModelChoiceField(queryset=None, empty_label=None)
    ccg = forms.ModelChoiceField(label="CCG", queryset=None)
    start_date = DateField(help_text="The Monday of week 1.")
    template_version = forms.ModelChoiceField(
        label="Timetable template", queryset=None, required=False,
        empty_label="The programme's latest template",
        help_text="The cohort keeps the version it is planned from, whatever later changes.")
    directors = PeopleChoiceField(label="Programme Directors who run it", queryset=None,
                                  widget=forms.CheckboxSelectMultiple, required=False)
    als_facilitator = PersonChoiceField(
        label="Action learning set facilitator", queryset=None, required=False,
        help_text="Leave empty to use the first Programme Director chosen.")
    teaching_venue = forms.CharField(max_length=200, required=False,
                                     help_text="Where the teaching day is held.")
    ccg_venue = forms.CharField(label="CCG base", max_length=200, required=False,
                                help_text="Where trainees do project work on their CCG day.")

    def __init__(self, *args, user: User, cohort: Cohort | None = None, **kwargs):
        self.cohort = cohort
        if cohort is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "name": cohort.name, "programme": cohort.programme_id, "ccg": cohort.ccg_id,
                "start_date": cohort.start_date,
                "directors": list(cohort.directors.values_list("pk", flat=True)),
                "als_facilitator": cohort.als_facilitator_id,
                "teaching_venue": cohort.teaching_venue, "ccg_venue": cohort.ccg_venue,
                "template_version": cohort.template_version_id}
        super().__init__(*args, **kwargs)
        programmes = programmes_directed_by(user)
        if cohort is not None:
            programmes = programmes.model.objects.filter(pk=cohort.programme_id)
            self.fields["programme"].disabled = True
            self.fields["template_version"].disabled = True
            if cohort.is_published:
                for name in ("start_date", "ccg"):
                    self.fields[name].disabled = True
                    self.fields[name].help_text = "Fixed once the timetable is published."
        self.fields["programme"].queryset = programmes
        self.fields["ccg"].queryset = ccgs()
        self.fields["template_version"].queryset = template_versions_for(programmes)
        pds = directors_of(programmes)
        self.fields["directors"].queryset = pds
        self.fields["als_facilitator"].queryset = pds

    def clean(self):
        data = super().clean()
        programme = data.get("programme")
        if programme is None and self.cohort is not None:
            programme = self.cohort.programme
        today = None if self.cohort is not None and self.cohort.is_published else \
            timezone.localdate()
        errors = cohort_errors(programme=programme, ccg=data.get("ccg"),
                               start_date=data.get("start_date"),
                               directors=data.get("directors") or [],
                               als_facilitator=data.get("als_facilitator"),
                               template_version=(data.get("template_version")
                                                 or default_template_version(programme)),
                               today=today)
        for field, messages in errors.items():
            for message in messages:
                self.add_error(field if field in self.fields else None, message)
        return data


class SessionForm(forms.Form):
    kind = forms.ChoiceField(label="Activity", choices=[
        (value, label) for value, label in Session.Kind.choices
        if value != Session.Kind.BANK_HOLIDAY])
    title = forms.CharField(max_length=200)
    date = DateField()
    start_time = forms.TimeField(label="Starts", widget=TimeInput())
    end_time = forms.TimeField(label="Ends", widget=TimeInput())
    venue = forms.CharField(max_length=200, required=False)
    facilitator = PersonChoiceField(queryset=None, required=False)
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False,
                            help_text="Shown in the diary, the calendar entry and the email.")

    def __init__(self, *args, session: Session, **kwargs):
        self.session = session
        kwargs.setdefault("initial", {
            "kind": session.kind, "title": session.title, "date": session.date,
            "start_time": session.start_time, "end_time": session.end_time,
            "venue": session.venue, "facilitator": session.facilitator_id,
            "notes": session.notes})
        super().__init__(*args, **kwargs)
        people = directors_of([session.cohort.programme_id])
        if session.facilitator_id:
            people = User.objects.filter(pk__in=people.values("pk")) | User.objects.filter(
                pk=session.facilitator_id)
        self.fields["facilitator"].queryset = people.distinct().order_by("full_name")

    def clean(self):
        data = super().clean()
        if data.get("date") and "kind" in data:
            errors = session_errors(session=self.session, date=data["date"],
                                    start_time=data.get("start_time"),
                                    end_time=data.get("end_time"), kind=data["kind"])
            for field, messages in errors.items():
                for message in messages:
                    self.add_error(field, message)
        return data


class CancelForm(forms.Form):
    reason = forms.CharField(max_length=300, required=False,
                             help_text="Told to the people affected.")


def date_from_query(value, default):
    """A date from ?date=YYYY-MM-DD, or the default if missing, malformed or so far off that
    the weeks and months around it (the page's links) are not dates."""
    field = forms.DateField(required=False)
    try:
        day = field.clean(value) or default
    except forms.ValidationError:
        return default
    return day if datetime.MINYEAR < day.year < datetime.MAXYEAR else default


# Programme templates ------------------------------------------------------------------------

def week_numbers(text: str) -> list[int]:
    """ "1, 2, 8" as [1, 2, 8]; empty as []."""
    parts = [part.strip() for part in text.replace(";", ",").split(",") if part.strip()]
    if not all(part.isdecimal() and len(part) <= 3 for part in parts):
        raise forms.ValidationError("Write week numbers separated by commas, for example "
                                    "1, 2, 8.")
    return sorted({int(part) for part in parts})


def weeks_text(weeks: list[int]) -> str:
    return ", ".join(map(str, weeks))


class WeekNumbersField(forms.CharField):
    def to_python(self, value):
        return week_numbers(super().to_python(value) or "")

    def prepare_value(self, value):
        return weeks_text(value) if isinstance(value, list) else value


WEEKDAYS = [(day.value, day.label) for day in Weekday]
HALF_DAYS = [(Session.Part.AM, "Morning"), (Session.Part.PM, "Afternoon")]
TEACHING_KINDS = [(kind.value, kind.label) for kind in Session.Kind
                  if kind not in (Session.Kind.BANK_HOLIDAY, Session.Kind.PRESENTATION)]
PROJECT_KINDS = [(kind.value, kind.label) for kind in (Session.Kind.PROJECT,
                                                       Session.Kind.MEETING)]


class TemplateForm(forms.Form):
    """A template's settings; its teaching sessions and weekly activities are formsets."""

    weeks = forms.IntegerField(label="Length in weeks")
    organisation_word = forms.CharField(
        label="What the commissioning organisation is called", max_length=40,
        help_text='For example "CCG", "ICB" or "host organisation".')
    project_weekday = forms.TypedChoiceField(label="Default project day", choices=WEEKDAYS,
                                             coerce=int)
    other_project_day_allowed = forms.BooleanField(
        label="Another weekday may be agreed (by the PD, the Educational Supervisor and the "
              "supervisor)", required=False)
    afternoon_weekday = forms.TypedChoiceField(
        label="Afternoon half of the project day", required=False, coerce=int,
        empty_value=None, choices=[("", "The same day as the morning"), *WEEKDAYS],
        help_text="Choose a weekday to split the project day into two half-days.")
    morning_start = forms.TimeField(label="Project morning starts", widget=TimeInput())
    morning_end = forms.TimeField(label="Project morning ends", widget=TimeInput())
    afternoon_start = forms.TimeField(label="Project afternoon starts", widget=TimeInput())
    afternoon_end = forms.TimeField(label="Project afternoon ends", widget=TimeInput())
    meeting_weeks = WeekNumbersField(label="SOP meeting weeks", required=False,
                                     help_text="For example 1, 2, 8, 12, 16.")
    presentation_week = forms.IntegerField(
        label="Presentation week",
        help_text="The presentation takes the last session of the first teaching day that "
                  "week.")
    presentation_title = forms.CharField(max_length=200)
    entries_per_week = forms.IntegerField(label="Reflective entries expected a week",
                                          min_value=0, max_value=14)


class TeachingSessionForm(forms.Form):
    """One cohort-wide session of the teaching day(s); a row without a weekday is left out."""

    weekday = forms.TypedChoiceField(required=False, coerce=int, empty_value=None,
                                     choices=[("", "No session"), *WEEKDAYS])
    part = forms.ChoiceField(choices=HALF_DAYS)
    start = forms.TimeField(label="Starts", widget=TimeInput(), required=False)
    end = forms.TimeField(label="Ends", widget=TimeInput(), required=False)
    kind = forms.ChoiceField(label="Activity", choices=TEACHING_KINDS)
    title = forms.CharField(max_length=200, required=False)
    weeks = WeekNumbersField(required=False, help_text="Empty for every week, or week numbers: "
                                                       "2, 6, 10.")

    MISSING = {"start": "Give the time the session starts.",
               "end": "Give the time the session ends.", "title": "Give the session a title."}

    def clean(self):
        data = super().clean()
        if data.get("weekday") is not None:
            for field, message in self.MISSING.items():
                if not data.get(field) and field not in self.errors:
                    self.add_error(field, message)
        return data

    def spec(self) -> dict | None:
        data = self.cleaned_data
        if data.get("weekday") is None:
            return None
        return {"weekday": data["weekday"], "part": data["part"],
                "start": f"{data['start']:%H:%M}", "end": f"{data['end']:%H:%M}",
                "title": data["title"].strip(), "kind": data["kind"], "weeks": data["weeks"]}


class WeekActivitiesForm(forms.Form):
    """A week's project day: an empty title leaves that half-day out."""

    morning_kind = forms.ChoiceField(label="Morning activity", choices=PROJECT_KINDS)
    morning_title = forms.CharField(label="Morning", max_length=200, required=False)
    afternoon_kind = forms.ChoiceField(label="Afternoon activity", choices=PROJECT_KINDS)
    afternoon_title = forms.CharField(label="Afternoon", max_length=200, required=False)

    def pair(self) -> list[dict]:
        data = self.cleaned_data
        return [{"kind": data["morning_kind"], "title": data["morning_title"].strip()},
                {"kind": data["afternoon_kind"], "title": data["afternoon_title"].strip()}]


TeachingSessionFormSet = forms.formset_factory(TeachingSessionForm, extra=2,
                                               max_num=20, validate_max=True)
WeekActivitiesFormSet = forms.formset_factory(WeekActivitiesForm, extra=0,
                                              max_num=LONGEST_ROTATION_WEEKS, validate_max=True)


class TemplateCopyForm(forms.Form):
    programme = forms.ModelChoiceField(queryset=None, empty_label=None)
    name = forms.CharField(label="Name of the new template", max_length=200)

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = programmes_directed_by(user)


def _session_initial(spec: dict) -> dict:
    return {**spec, "start": datetime.time.fromisoformat(spec["start"]),
            "end": datetime.time.fromisoformat(spec["end"])}


def _week_initial(pair: list[dict]) -> dict:
    morning, afternoon = pair
    return {"morning_kind": morning["kind"], "morning_title": morning["title"],
            "afternoon_kind": afternoon["kind"], "afternoon_title": afternoon["title"]}


class TemplateEditor:
    """The template page's three parts (settings, teaching sessions, each week's project
    day) read together into a version's content, checked as the service will check it.
    When the length changes, the weeks are redrawn to the new length (a new week repeats
    the last one) for the PD to check before saving."""

    def __init__(self, data=None, *, version):
        content = template_content(version)
        self.form = TemplateForm(data, initial=content)
        # Every row is read, even one left as it was: a row is content, not an optional add.
        every_row = {"empty_permitted": False}
        self.sessions = TeachingSessionFormSet(
            data, prefix="sessions", form_kwargs=every_row,
            initial=[_session_initial(spec) for spec in version.teaching_sessions])
        self.activities = WeekActivitiesFormSet(
            data, prefix="weeks", form_kwargs=every_row,
            initial=[_week_initial(pair) for pair in version.activities])
        self.version = version
        self.weeks_redrawn = False

    def is_valid(self) -> bool:
        parts_valid = all([self.form.is_valid(), self.sessions.is_valid(),
                           self.activities.is_valid()])
        if not parts_valid:
            return False
        content = self.content()
        weeks = content["weeks"]
        if 1 <= weeks <= LONGEST_ROTATION_WEEKS and len(content["activities"]) != weeks:
            pairs = content["activities"] or self.version.activities
            pairs = (pairs + [pairs[-1]] * weeks)[:weeks]
            self.activities = WeekActivitiesFormSet(
                prefix="weeks", initial=[_week_initial(pair) for pair in pairs])
            self.weeks_redrawn = True
            return False
        errors = template_content_errors(**content)
        self.apply_errors(errors)
        return not errors

    def apply_errors(self, errors: dict[str, list[str]]) -> None:
        """A service's refusal, each message on the field or session row it is about."""
        rows = [form for form in self.sessions.forms
                if form.cleaned_data.get("weekday") is not None]
        for field, messages in errors.items():
            if field.startswith("teaching_sessions-"):
                rows[int(field.rsplit("-", 1)[1])].add_error(None, messages)
            elif field in self.form.fields:
                self.form.add_error(field, messages)
            else:
                self.form.add_error(None, messages)

    def content(self) -> dict:
        data = self.form.cleaned_data
        return {**{field: data[field] for field in TemplateForm.base_fields},
                "teaching_sessions": [spec for spec in (form.spec() for form in
                                                        self.sessions.forms) if spec],
                "activities": [form.pair() for form in self.activities.forms]}

    def preview(self) -> TemplateVersion:
        """An unsaved version with the content as entered, to draw the weeks from."""
        return TemplateVersion(template=self.version.template, **self.content())

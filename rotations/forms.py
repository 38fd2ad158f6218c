import datetime

from django import forms
from django.utils import timezone

from clic.accounts.models import User
from clic.forms import DateField, PersonChoiceField, person_label

from .models import Cohort, Session
from .selectors import ccgs, directors_of, programmes_directed_by
from .services import cohort_errors, session_errors


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
    start_date = DateField(help_text="The Monday of week 1. The rotation runs 16 weeks.")
    directors = PeopleChoiceField(label="Programme Directors who run it", queryset=None,
                                  widget=forms.CheckboxSelectMultiple, required=False)
    als_facilitator = PersonChoiceField(
        label="Action learning set facilitator", queryset=None, required=False,
        help_text="Leave empty to use the first Programme Director chosen.")
    teaching_venue = forms.CharField(max_length=200, required=False,
                                     help_text="Where Wednesday teaching is held.")
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
                "teaching_venue": cohort.teaching_venue, "ccg_venue": cohort.ccg_venue}
        super().__init__(*args, **kwargs)
        programmes = programmes_directed_by(user)
        if cohort is not None:
            programmes = programmes.model.objects.filter(pk=cohort.programme_id)
            self.fields["programme"].disabled = True
            if cohort.is_published:
                for name in ("start_date", "ccg"):
                    self.fields[name].disabled = True
                    self.fields[name].help_text = "Fixed once the timetable is published."
        self.fields["programme"].queryset = programmes
        self.fields["ccg"].queryset = ccgs()
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
                               als_facilitator=data.get("als_facilitator"), today=today)
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

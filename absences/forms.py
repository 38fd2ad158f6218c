import datetime

from django import forms

from clic.forms import DateField, FilterForm, ReadOnceChoiceField
from rotations.models import Session
from trainees.models import Placement
from trainees.selectors import current_placements

from . import rules, services
from .models import LEAVE_KINDS, Absence
from .selectors import meetings_today, sessions_to_miss, sessions_today

NOTE_HELP = ("Only you, the Programme Administrators and the Programme Directors can read "
             "this. It is never emailed, and CCG staff never see it.")
NOTE_HELP_ON_BEHALF = ("Only the trainee, the Programme Administrators and the Programme "
                       "Directors can read this. It is never emailed, and CCG staff never see it.")


class SessionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, session: Session) -> str:
        when = f"{session.date:%A} {session.date.day} {session.date:%B}"
        if session.start_time and session.end_time:
            when += f", {session.start_time:%H:%M} to {session.end_time:%H:%M}"
        else:
            when += f", {session.get_part_display().lower()}"
        return f"{session.title} ({when})"


def _when(day: datetime.date, start, end, part_label: str) -> str:
    when = f"{day:%A} {day.day} {day:%B}"
    if start and end:
        return f"{when}, {start:%H:%M} to {end:%H:%M}"
    if start:
        return f"{when}, {start:%H:%M}"
    return f"{when}, {part_label}"


class AbsenceForm(forms.Form):
    """One form for every kind of report (new or a correction); which fields it shows
    depends on the kind. Its clean() runs the same checks as the service, so the preview
    shows exactly what will happen."""

    first_day = DateField(label="First day")
    last_day = DateField(label="Last day")
    part = forms.ChoiceField(label="Part of the day", choices=Absence.Part.choices,
                             widget=forms.RadioSelect, initial=Absence.Part.DAY,
                             help_text="A morning or an afternoon can only be one day.")
    session = SessionChoiceField(label="Which session?", queryset=Session.objects.none(),
                                 widget=forms.RadioSelect, empty_label=None)
    # Running late: one of today's sessions ("session:<id>") or SOP meetings ("meeting:<id>").
    occasion = forms.ChoiceField(label="Which session or meeting today?", widget=forms.RadioSelect)
    expected_arrival = forms.TimeField(label="When do you expect to arrive?", required=False,
                                       help_text="For example, 10:15")
    note = forms.CharField(label="Note", required=False, widget=forms.Textarea(attrs={"rows": 3}),
                           max_length=2000)

    def __init__(self, *args, placement: Placement, kind: str, actor, instance: Absence | None = None,
                 today: datetime.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.placement, self.kind, self.actor, self.instance = placement, kind, actor, instance
        self.today = today
        self.plan: services.Plan | None = None
        self.existing: Absence | None = None
        on_behalf = actor.pk != placement.trainee_id
        self.fields["note"].help_text = NOTE_HELP_ON_BEHALF if on_behalf else NOTE_HELP
        if not rules.sees_everything_of(actor, placement):
            # CCG admin recording from the mailbox: they may not read a note, so write none,
            # and they record whole CCG days that have ended or are known.
            del self.fields["note"]
        if kind == Absence.Kind.SICKNESS:
            self.fields["first_day"].label = "First day off sick"
            self.fields["last_day"].label = "Last day off sick"
            self.fields["last_day"].required = False
            self.fields["last_day"].help_text = (
                "Leave this empty if you do not know yet, and tell us when you are back."
                if rules.can_report_for(actor, placement) else
                "The last day off sick that the email gave.")
        elif kind in LEAVE_KINDS:
            self.fields["first_day"].label = "First day of leave"
            self.fields["last_day"].label = "Last day of leave"
        if kind in (Absence.Kind.CANNOT_ATTEND, Absence.Kind.RUNNING_LATE):
            for name in ("first_day", "last_day", "part"):
                del self.fields[name]
            if kind == Absence.Kind.CANNOT_ATTEND:
                self.fields["session"].queryset = sessions_to_miss(
                    placement, include_past=on_behalf or instance is not None, today=today)
                self.fields["session"].label = "Which session can you not attend?"
                del self.fields["expected_arrival"]
                del self.fields["occasion"]
            else:
                del self.fields["session"]
                if instance is not None:  # a late note stays with its session or meeting
                    del self.fields["occasion"]
                else:
                    self._occasions = {
                        **{f"session:{s.pk}": s for s in sessions_today(placement, today=today)},
                        **{f"meeting:{m.pk}": m for m in meetings_today(placement, today=today)}}
                    self.fields["occasion"].choices = [
                        (key, self._occasion_label(item)) for key, item in self._occasions.items()]
        else:
            for name in ("session", "occasion", "expected_arrival"):
                del self.fields[name]

    @staticmethod
    def _occasion_label(item) -> str:
        if isinstance(item, Session):
            when = _when(item.date, item.start_time, item.end_time, item.get_part_display().lower())
            return f"{item.title} ({when})"
        when = _when(item.date, item.start_time, item.end_time, "time to be confirmed")
        return f"{item.get_kind_display()} ({when})"

    @property
    def has_sessions(self) -> bool:
        if "session" in self.fields:
            return self.fields["session"].queryset.exists()
        if "occasion" in self.fields:
            return bool(self.fields["occasion"].choices)
        return True

    def _chosen(self, data) -> tuple:
        """The session and meeting the report is about."""
        occasion = self._occasions.get(data.get("occasion", "")) if "occasion" in self.fields else None
        if occasion is not None:
            return (occasion, None) if isinstance(occasion, Session) else (None, occasion)
        if self.instance is not None:
            return self.instance.session, self.instance.meeting
        return data.get("session"), None

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        session, meeting = self._chosen(data)
        try:
            self.plan = services.absence_check(
                placement=self.placement, kind=self.kind, first_day=data.get("first_day"),
                last_day=data.get("last_day"), part=data.get("part") or Absence.Part.DAY,
                session=session, meeting=meeting, actor=self.actor, current=self.instance,
                today=self.today)
        except services.AbsenceRefused as refused:
            self.existing = refused.existing
            field = refused.field if refused.field in self.fields else (
                "occasion" if refused.field == "session" and "occasion" in self.fields else None)
            self.add_error(field, refused.message)
        return data

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        plan = self.plan
        return {"first_day": plan.first_day, "last_day": plan.last_day, "part": plan.part,
                "session": plan.session, "meeting": plan.meeting,
                "expected_arrival": data.get("expected_arrival"),
                "note": data.get("note", "")}


class CloseForm(forms.Form):
    last_day = DateField(
        label="What was your last day off sick?",
        help_text="If you came back to work today, this is yesterday's date.")


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label="Your decision", widget=forms.RadioSelect,
                                 choices=[("approve", "Approve"), ("decline", "Decline")])
    comment = forms.CharField(label="Comment", required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 3}),
                              help_text="Emailed with your decision to everyone listed above. Needed "
                                        "when you decline.")

    def clean(self):
        data = super().clean()
        if data.get("decision") == "decline" and not data.get("comment", "").strip():
            self.add_error("comment", "Tell the trainee why the request is declined.")
        return data


class ProgrammeFilterForm(FilterForm):
    """The filters of the programme's absences. With no cohort chosen the page shows the
    current cohorts (as the home pages do); the trainee select offers the trainees of what is
    shown only, each list read once."""

    cohort = ReadOnceChoiceField(label="Cohort", queryset=None, required=False,
                                 empty_label="Current cohorts")
    trainee = ReadOnceChoiceField(label="Trainee", queryset=None, required=False,
                                  empty_label="All trainees")
    kind = forms.ChoiceField(label="Type", required=False,
                             choices=[("", "All types"), *Absence.Kind.choices])
    start = DateField(label="From", required=False)
    end = DateField(label="To", required=False)

    def __init__(self, data=None, *, cohorts, placements, today: datetime.date):
        """cohorts: the person's, newest first; placements: every trainee of theirs, which
        the form narrows to the chosen cohort's, or (none chosen, or one not theirs) to the
        current cohorts'."""
        super().__init__(data)
        self.follow_cohort(cohorts, placements, unchosen=current_placements(placements, today),
                           trainees="trainee",
                           label=lambda p: f"{p.trainee.full_name} ({p.cohort.name})")

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", "The end date must be the same as the start date or after it.")
        return data

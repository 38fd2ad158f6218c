"""Forms parse and check the shape of input; the services decide what is allowed."""

import datetime

from django import forms

from clic.forms import DateField

from .models import (
    EVALUATION_RATINGS,
    PRESENTATION_POINTS,
    Capability,
    EvaluationResponse,
    Grade,
    PresentationInvitation,
    ReflectiveEntry,
)
from .services import MAX_CBD_CAPABILITIES, CapabilitySpec, SlotSpec

RATING_CHOICES = [(str(n), str(n)) for n in range(1, 6)]
RATING_HELP = "1 is poor, 5 is excellent."
# Plain TimeInput: the NHS.UK pack turns it into the browser's own picker with ISO values.


def rating(label: str) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(label=label, choices=RATING_CHOICES, coerce=int,
                                  widget=forms.RadioSelect, help_text=RATING_HELP)


class PresentationDayForm(forms.Form):
    date = DateField(help_text="Usually in week 16.")
    start_time = forms.TimeField(widget=forms.TimeInput(attrs={"class": "nhsuk-input--width-5"}),
                                 help_text="For example, 13:30")
    end_time = forms.TimeField(widget=forms.TimeInput(attrs={"class": "nhsuk-input--width-5"}),
                               help_text="For example, 16:30")
    venue = forms.CharField(max_length=300, required=False,
                            help_text="Give a venue, an online meeting link, or both.")
    online_url = forms.URLField(label="Online meeting link", required=False, assume_scheme="https")
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}),
                            help_text="Shown in the invitation, e.g. parking or the panel.")


class SlotForm(forms.Form):
    """One trainee's slot. The trainee is fixed by the page, not chosen."""

    order = forms.IntegerField(label="Slot number", min_value=1, max_value=50,
                               widget=forms.NumberInput(attrs={"class": "nhsuk-input--width-2"}))
    start_time = forms.TimeField(label="Starts at", widget=forms.TimeInput(
        attrs={"class": "nhsuk-input--width-5"}))
    length_minutes = forms.IntegerField(
        label="Length (minutes)", min_value=5, max_value=240,
        widget=forms.NumberInput(attrs={"class": "nhsuk-input--width-3"}))

    def __init__(self, *args, placement, **kwargs):
        self.placement = placement
        super().__init__(*args, **kwargs)

    def spec(self) -> SlotSpec:
        return SlotSpec(placement=self.placement, **self.cleaned_data)


def slot_forms(placements, data=None, *, day_start=datetime.time(13, 30), slots=None,
               length=20) -> list[SlotForm]:
    """One form per trainee, prefilled with their current slot or a suggested running order."""
    current = {slot.placement_id: slot for slot in (slots or [])}
    forms_ = []
    begin = day_start.hour * 60 + day_start.minute
    for number, placement in enumerate(placements, start=1):
        slot = current.get(placement.pk)
        if slot is not None:
            initial = {"order": slot.order, "start_time": slot.start_time,
                       "length_minutes": slot.length_minutes}
        else:
            minutes = begin + (number - 1) * length
            initial = {"order": number, "length_minutes": length,
                       "start_time": datetime.time(minutes // 60 % 24, minutes % 60)}
        forms_.append(SlotForm(data, placement=placement, prefix=f"slot-{placement.pk}",
                               initial=initial))
    return forms_


class MoveDayForm(PresentationDayForm):
    pass


class CancelDayForm(forms.Form):
    reason = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}),
                             help_text="Included in the cancellation email.")


class SlotTitleForm(forms.Form):
    title = forms.CharField(label="Presentation title", max_length=300)


class ResponseForm(forms.Form):
    response = forms.ChoiceField(choices=[
        (PresentationInvitation.Response.ATTENDING, "Attending"),
        (PresentationInvitation.Response.APOLOGIES, "Apologies")])


class AttendanceForm(forms.Form):
    """One radio group per invitee."""

    CHOICES = [(value, label) for value, label in PresentationInvitation.Attendance.choices
               if value]

    def __init__(self, *args, invitations, **kwargs):
        super().__init__(*args, **kwargs)
        self.invitations = invitations
        for inv in invitations:
            initial = inv.attendance or (
                PresentationInvitation.Attendance.APOLOGIES
                if inv.response == PresentationInvitation.Response.APOLOGIES else None)
            self.fields[f"attendance_{inv.pk}"] = forms.ChoiceField(
                label=f"{inv.person.full_name}", help_text=inv.reasons, choices=self.CHOICES,
                widget=forms.RadioSelect, required=False, initial=initial)

    def marks(self) -> dict[int, str]:
        return {inv.pk: self.cleaned_data.get(f"attendance_{inv.pk}") or ""
                for inv in self.invitations}


class FeedbackForm(forms.Form):
    went_well = forms.CharField(label="What went well", widget=forms.Textarea(attrs={"rows": 4}))
    could_be_better = forms.CharField(label="What could be better",
                                      widget=forms.Textarea(attrs={"rows": 4}))
    relevance = rating(PRESENTATION_POINTS[0][1])
    leadership = rating(PRESENTATION_POINTS[1][1])
    communication = rating(PRESENTATION_POINTS[2][1])
    anonymous = forms.BooleanField(label="Give this feedback anonymously", required=False,
                                   help_text="The trainee sees your feedback without your name.")


class PresentationAssessmentForm(forms.Form):
    relevance = rating(PRESENTATION_POINTS[0][1])
    leadership = rating(PRESENTATION_POINTS[1][1])
    communication = rating(PRESENTATION_POINTS[2][1])
    outcome = forms.ChoiceField(label="Overall outcome", choices=Grade.choices,
                                widget=forms.RadioSelect)
    feedback = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}))


class CaseBasedDiscussionForm(forms.Form):
    case = forms.CharField(label="The case", widget=forms.Textarea(attrs={"rows": 4}),
                           help_text="A short, anonymised description of the case discussed.")
    outcome = forms.ChoiceField(label="Overall outcome", choices=Grade.choices,
                                widget=forms.RadioSelect)
    feedback = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}))


class CapabilityForm(forms.Form):
    """One of up to three capabilities. Leave the capability empty to skip the row."""

    capability = forms.ChoiceField(choices=[("", "Choose a capability")] + Capability.choices,
                                   required=False, label="RCGP capability")
    grade = forms.ChoiceField(choices=[("", "Choose a grade")] + Grade.choices, required=False)
    justification = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}),
                                    help_text="Required for every capability you grade.")

    def clean(self):
        data = super().clean()
        if data.get("capability"):
            if not data.get("grade"):
                self.add_error("grade", "Choose a grade for this capability.")
            if not (data.get("justification") or "").strip():
                self.add_error("justification", "Justify the grade: say what the case showed.")
        elif data.get("grade") or (data.get("justification") or "").strip():
            self.add_error("capability", "Choose the capability you are grading.")
        return data

    def spec(self) -> CapabilitySpec | None:
        if not self.cleaned_data.get("capability"):
            return None
        return CapabilitySpec(capability=self.cleaned_data["capability"],
                              grade=self.cleaned_data["grade"],
                              justification=self.cleaned_data["justification"])


def capability_forms(data=None, grades=()) -> list[CapabilityForm]:
    grades = list(grades)
    return [CapabilityForm(data, prefix=f"capability-{n}", initial=(
        {"capability": grades[n].capability, "grade": grades[n].grade,
         "justification": grades[n].justification} if n < len(grades) else None))
        for n in range(MAX_CBD_CAPABILITIES)]


class ReflectiveEntryForm(forms.Form):
    date = DateField(label="Date written")
    title = forms.CharField(max_length=200)
    kind = forms.ChoiceField(label="Type", choices=ReflectiveEntry.Kind.choices)
    capability = forms.ChoiceField(label="RCGP capability it links to", choices=Capability.choices)
    portfolio_url = forms.URLField(label="Link to the entry in your RCGP portfolio",
                                   required=False, assume_scheme="https",
                                   help_text="Only the link: the entry's text stays in your "
                                             "portfolio.")


class EvaluationForm(forms.Form):
    went_well = forms.CharField(label="What worked well", required=False,
                                widget=forms.Textarea(attrs={"rows": 4}))
    improve = forms.CharField(label="What could be improved", required=False,
                              widget=forms.Textarea(attrs={"rows": 4}))
    other_comments = forms.CharField(label="Anything else", required=False,
                                     widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        ratings = {name: rating(EvaluationResponse._meta.get_field(name).verbose_name)
                   for name in EVALUATION_RATINGS}
        self.fields = {**ratings, **self.fields}


class ShareResultsForm(forms.Form):
    message = forms.CharField(label="A message to go with the results", required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))

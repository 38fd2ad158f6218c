from django import forms

from clic.forms import DateField, ReadOnceChoiceField, person_label

from .models import Alumnus, MentoringMeeting


class AlumnusForm(forms.ModelForm):
    """What an alumnus shares in the directory and whether they offer to mentor."""

    class Meta:
        model = Alumnus
        fields = ["listed", "current_role", "organisation", "interests", "happy_to_be_contacted",
                  "offers_mentoring", "mentoring_offer"]
        labels = {"current_role": "Your current role", "organisation": "Your organisation",
                  "interests": "Your interests"}
        help_texts = {"interests": "For example: urgent care, frailty, population health.",
                      "current_role": "For example: GP partner, CCG clinical lead."}
        widgets = {"mentoring_offer": forms.Textarea(attrs={"rows": 3})}


class PairForm(forms.Form):
    """A Programme Director pairs a mentor on offer with a trainee of a running or upcoming
    cohort."""

    placement = ReadOnceChoiceField(queryset=None, label="Trainee",
                                    empty_label="Choose a trainee")
    mentor = ReadOnceChoiceField(queryset=None, label="Mentor", empty_label="Choose a mentor")

    def __init__(self, *args, mentors, mentees, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["placement"].offer(mentees, label=lambda placement: (
            f"{person_label(placement.trainee)}, {placement.cohort}"))
        self.fields["mentor"].offer(mentors, label=lambda alumnus: person_label(alumnus.user))


class MeetingForm(forms.ModelForm):
    met_on = DateField(label="Date you met")

    class Meta:
        model = MentoringMeeting
        fields = ["met_on", "note"]
        labels = {"note": "Private note"}
        help_texts = {"note": "Only you and the other person of the pair can read it: not "
                              "your Programme Directors or supervisors."}
        widgets = {"note": forms.Textarea(attrs={"rows": 4})}

from django import forms

from clic.forms import FilterForm, ReadOnceChoiceField

from .catalogue import code_choices
from .models import OutboundEmail


class OutboxFilterForm(FilterForm):
    """The outbox filters. With a cohort value that is not one of the person's, the list is
    the whole outbox, and so are the trainees offered."""

    cohort = ReadOnceChoiceField(queryset=None, required=False, empty_label="All cohorts")
    placement = ReadOnceChoiceField(queryset=None, required=False, label="Trainee",
                                    empty_label="All trainees")
    code = forms.ChoiceField(label="SOP code", required=False)
    status = forms.ChoiceField(required=False)
    recipient = forms.CharField(label="Name or email address", required=False, max_length=254,
                                help_text="Part of the name or address it was sent to.")

    def __init__(self, data=None, *, cohorts, placements):
        super().__init__(data)
        self.follow_cohort(cohorts, placements, unchosen=placements, trainees="placement",
                           label=lambda placement: f"{placement.trainee} ({placement.cohort})")
        self.fields["code"].choices = [("", "All codes"), *code_choices()]
        self.fields["status"].choices = [("", "Any status"), *OutboundEmail.Status.choices]

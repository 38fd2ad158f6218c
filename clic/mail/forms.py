from django import forms

from clic.forms import ReadOnceChoiceField

from .catalogue import code_choices
from .models import OutboundEmail


class OutboxFilterForm(forms.Form):
    """The outbox filters: a plain GET form, so it works without JavaScript."""

    cohort = ReadOnceChoiceField(queryset=None, required=False, empty_label="All cohorts")
    placement = ReadOnceChoiceField(queryset=None, required=False, label="Trainee",
                                    empty_label="All trainees")
    code = forms.ChoiceField(label="SOP code", required=False)
    status = forms.ChoiceField(required=False)

    def __init__(self, data=None, *, cohorts, placements):
        super().__init__(data)
        self.fields["cohort"].queryset = cohorts
        self.fields["cohort"].read_options()
        # Once one of the person's cohorts is chosen, only its trainees (a PD's programme has
        # hundreds over the years); for any other value the list is the whole outbox, and so
        # are the trainees offered.
        chosen = self.fields["cohort"].option(self.data.get("cohort"))
        self.fields["placement"].queryset = (
            placements if chosen is None else placements.filter(cohort_id=chosen.pk))
        self.fields["placement"].label_from_instance = (
            lambda placement: f"{placement.trainee} ({placement.cohort})")
        self.fields["placement"].read_options()
        self.fields["code"].choices = [("", "All codes"), *code_choices()]
        self.fields["status"].choices = [("", "Any status"), *OutboundEmail.Status.choices]

    def filters(self) -> dict:
        """The valid filters; an invalid value is ignored rather than failing the page."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {"cohort": data.get("cohort"), "placement": data.get("placement"),
                "code": data.get("code") or "", "status": data.get("status") or ""}

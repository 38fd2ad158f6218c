from django import forms

from .catalogue import code_choices
from .models import OutboundEmail


class OutboxFilterForm(forms.Form):
    """The outbox filters: a plain GET form, so it works without JavaScript."""

    cohort = forms.ModelChoiceField(queryset=None, required=False, empty_label="All cohorts")
    placement = forms.ModelChoiceField(queryset=None, required=False, label="Trainee",
                                       empty_label="All trainees")
    code = forms.ChoiceField(label="SOP code", required=False)
    status = forms.ChoiceField(required=False)

    def __init__(self, data=None, *, cohorts, placements):
        super().__init__(data)
        self.fields["cohort"].queryset = cohorts
        self.fields["placement"].queryset = placements
        self.fields["placement"].label_from_instance = (
            lambda placement: f"{placement.trainee} ({placement.cohort})")
        # Read each list of options once: the select's template asks how many there are
        # and then reads them, a query each otherwise. (iter(): list() would ask too.)
        for name in ("cohort", "placement"):
            self.fields[name].choices = list(iter(self.fields[name].choices))
        self.fields["code"].choices = [("", "All codes"), *code_choices()]
        self.fields["status"].choices = [("", "Any status"), *OutboundEmail.Status.choices]

    def filters(self) -> dict:
        """The valid filters; an invalid value is ignored rather than failing the page."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {"cohort": data.get("cohort"), "placement": data.get("placement"),
                "code": data.get("code") or "", "status": data.get("status") or ""}

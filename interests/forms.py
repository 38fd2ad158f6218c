"""Forms parse and check the shape of input; the services decide what is allowed."""

from django import forms

from clic.forms import DateField

from .models import ConflictDecision, Interest
from .selectors import declarable_organisations
from .services import MAX_DESCRIPTION


class InterestForm(forms.Form):
    kind = forms.ChoiceField(label="Type of interest", choices=Interest.Kind.choices,
                             widget=forms.RadioSelect,
                             help_text="The NHS England categories. An indirect interest is one "
                                       "held by someone close to you.")
    organisation = forms.ModelChoiceField(
        queryset=declarable_organisations(), required=False, empty_label="Another organisation",
        help_text="A CCG or GP practice the service knows.")
    organisation_name = forms.CharField(
        label="Another organisation", max_length=200, required=False,
        help_text="When it is not in the list, for example a provider trust or a company.")
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}),
                                  max_length=MAX_DESCRIPTION,
                                  help_text="For example, a partner in a practice that holds a "
                                            "contract with the CCG.")
    starts_on = DateField(label="From")
    ends_on = DateField(label="To", required=False,
                        help_text="Leave empty while the interest continues.")

    def clean(self):
        cleaned = super().clean()
        starts_on, ends_on = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", "The end date must be the same as or after the date it "
                                      "began.")
        if not cleaned.get("organisation") and not cleaned.get("organisation_name", "").strip() \
                and "organisation_name" not in self.errors:
            self.add_error("organisation", "Choose the organisation, or name another one.")
        return cleaned

    @classmethod
    def of(cls, interest: Interest, data=None) -> "InterestForm":
        return cls(data, initial={
            "kind": interest.kind, "organisation": interest.organisation_id,
            "organisation_name": interest.organisation_name,
            "description": interest.description, "starts_on": interest.starts_on,
            "ends_on": interest.ends_on})


class ConflictForm(forms.Form):
    choice = forms.ChoiceField(label="Your choice for this trainee",
                               choices=ConflictDecision.Choice.choices, widget=forms.RadioSelect)

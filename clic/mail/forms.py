from django import forms
from django.core.exceptions import ValidationError

from .catalogue import code_choices
from .models import OutboundEmail


class ReadOnceChoiceField(forms.ModelChoiceField):
    """A filter's list of objects, read in one plain query and the chosen one found among
    them. ModelChoiceField reads its options through a server-side cursor (iterator()) each
    time they are asked for, and looks the chosen one up again in a query of its own."""

    def read_options(self):
        self._options = {str(obj.pk): obj for obj in self.queryset}
        self.choices = [("", self.empty_label),
                        *((pk, self.label_from_instance(obj)) for pk, obj in self._options.items())]

    def options(self):
        return self._options.values()

    def option(self, value):
        """The option of this value, or None for no value or one not offered."""
        return self._options.get(str(value))

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return self._options[str(value)]
        except KeyError:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice",
                                  params={"value": value}) from None


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

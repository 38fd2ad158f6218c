import hashlib
import json

from django import forms

from clic.forms import FilterForm, ReadOnceChoiceField

from .catalogue import NAMED_PEOPLE, RECIPIENT_DESCRIPTIONS, Recipient, code_choices
from .models import OutboundEmail
from .routing import routing_row_problems


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
        self.fields["code"].choices = [("", "All codes"), *self._codes_offered()]
        self.fields["status"].choices = [("", "Any status"), *OutboundEmail.Status.choices]


    def _codes_offered(self) -> list[tuple[str, str]]:
        """Every SOP code, or with a cohort chosen the codes of its emails (and the code
        asked for, so that it still reads "No emails match")."""
        if self.chosen_cohort is None:
            return code_choices()
        self.fields["code"].help_text = "The codes of this cohort's emails."
        offered = {*(self.chosen_cohort.email_codes or ()), self.data.get("code")}
        return [(code, label) for code, label in code_choices() if code in offered]


class RoutingRowForm(forms.Form):
    """One event's row of a programme's table: who receives it, whom a reply reaches, and its
    wording as Django templates. The rules and the templates are checked by
    `routing.routing_row_problems`, the same check the service makes before it saves."""

    recipients = forms.MultipleChoiceField(
        label="Who is told", required=False, widget=forms.CheckboxSelectMultiple,
        choices=[(role.value, RECIPIENT_DESCRIPTIONS[role]) for role in Recipient])
    reply_to = forms.MultipleChoiceField(
        label="A reply reaches", required=False, widget=forms.CheckboxSelectMultiple,
        help_text="Never the person the email goes to. None ticked: the email has no reply "
                  "address.",
        choices=[*((role.value, RECIPIENT_DESCRIPTIONS[role]) for role in Recipient),
                 *((key, person.description) for key, person in NAMED_PEOPLE.items())])
    subject = forms.CharField(label="Subject", max_length=300, strip=False,
                              help_text="A Django template, on one line.")
    text = forms.CharField(label="Text of the email", max_length=20000, strip=False,
                           widget=forms.Textarea(attrs={"rows": 14}),
                           help_text="A Django template. Variables are written {{ name }}.")

    def __init__(self, data=None, *, catalogue_row, initial=None):
        super().__init__(data, initial=initial)
        self.catalogue_row = catalogue_row
        if catalogue_row.recipients_from_event:
            del self.fields["recipients"]

    def clean_text(self):
        return self.cleaned_data["text"].replace("\r\n", "\n")

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        problems = routing_row_problems(
            self.catalogue_row, recipients=cleaned.get("recipients", []),
            reply_to=cleaned["reply_to"], subject=cleaned["subject"], text=cleaned["text"])
        for field, messages in problems.items():
            for message in messages:
                self.add_error(field if field in self.fields else None, message)
        return cleaned

    def digest(self) -> str:
        """What was previewed, so that saving after a later change asks for a new preview."""
        values = [self.cleaned_data.get(name) for name in ("recipients", "reply_to", "subject",
                                                            "text")]
        return hashlib.sha256(json.dumps(values).encode()).hexdigest()[:32]

from django import forms
from django.utils import timezone

from clic.accounts.models import Organisation
from clic.forms import DateField, EmailAddressField

from .models import MONITORING_QUESTIONS, MonitoringResponse
from .monitoring import question_label
from .services import opportunity_errors


class OpportunityForm(forms.Form):
    programme = forms.ModelChoiceField(
        queryset=Organisation.objects.none(), empty_label=None,
        label="Publish to the trainees of", widget=forms.RadioSelect,
        error_messages={"required": "Choose the programme whose trainees will see the role"})
    title = forms.CharField(max_length=200, label="Role title",
                            error_messages={"required": "Enter the role's title"})
    organisation = forms.CharField(
        max_length=200, help_text="For example, NHS Kent and Medway ICB or a primary care network.",
        error_messages={"required": "Enter the organisation the role is in"})
    time_commitment = forms.CharField(
        max_length=200, help_text="For example, 2 sessions a week for 12 months.",
        error_messages={"required": "Enter the time the role needs"})
    closing_date = DateField(
        help_text="The role is listed until the end of this day. For example, 15 3 2027",
        error_messages={"required": "Enter the closing date"})
    apply_url = forms.URLField(
        label="Link to apply", max_length=500, required=False, assume_scheme="https",
        help_text="A link, an email address, or both.",
        error_messages={"invalid": "Enter the full web address, starting https://"})
    apply_email = EmailAddressField(label="Email address to apply to", required=False)
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="What the role does, who it suits and what support comes with it.",
        error_messages={"required": "Describe the role"})

    def __init__(self, *args, programmes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = programmes
        only = list(programmes[:2])
        if len(only) == 1:  # most publishers have one programme: chosen for them
            self.fields["programme"].initial = only[0].pk

    def clean(self):
        cleaned = super().clean()
        for field, message in opportunity_errors(
                closing_date=cleaned.get("closing_date"), apply_url=cleaned.get("apply_url", ""),
                apply_email=cleaned.get("apply_email", ""), today=timezone.localdate()).items():
            if field not in self.errors:
                self.add_error(field, message)
        return cleaned


class MonitoringForm(forms.Form):
    """Every question of the equality monitoring, each with "Prefer not to say"."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in MONITORING_QUESTIONS:
            label = question_label(name)
            self.fields[name] = forms.ChoiceField(
                label=label, choices=MonitoringResponse._meta.get_field(name).choices,
                widget=forms.RadioSelect,
                error_messages={"required": f"Answer \"{label}\", or choose \"Prefer not to say\""})

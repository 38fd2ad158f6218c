"""Forms parse and check the shape of input; the services decide what is allowed."""

from django import forms
from django.utils.html import format_html

from clic.forms import DateField, EmailAddressField, PersonDetailField, PersonNameField

from .models import HR_ITEMS, CommissioningStage, Concern, Project
from .validators import MAX_UPLOAD_BYTES


class NHSForm(forms.Form):
    """Rendered with `{{ form|crispy }}` (the NHS.UK pack) inside the page's own form tag."""

    button = "Save"


class ProjectForm(NHSForm):
    button = "Save project"

    title = forms.CharField(max_length=200)
    ccg_priority = forms.CharField(
        label="CCG priority it serves", max_length=300,
        help_text="From the CCG's annual report or a governing body paper.")
    priority_source_url = forms.URLField(
        label="Link to the annual report or governing body paper", max_length=500,
        required=False, assume_scheme="https",
        error_messages={"invalid": "Enter the full web address of the paper, starting https://"})
    aims = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}),
                           help_text="What the project sets out to achieve.")
    commissioning_stage = forms.ChoiceField(
        label="Stage of the commissioning cycle it touches", choices=CommissioningStage.choices,
        widget=forms.RadioSelect)
    clinical_lead_name = forms.CharField(
        label="CCG Clinical Lead for the area", max_length=200, required=False,
        help_text="The clinician who leads this area at the CCG, if there is one.")

    def __init__(self, *args, project: Project | None = None, **kwargs):
        if project is not None:
            kwargs.setdefault("initial", {
                name: getattr(project, name) for name in (
                    "title", "ccg_priority", "priority_source_url", "aims",
                    "commissioning_stage", "clinical_lead_name")})
        super().__init__(*args, **kwargs)
        for name in ("title", "ccg_priority", "aims"):
            self.fields[name].error_messages["required"] = {
                "title": "Enter a title for the project.",
                "ccg_priority": "Enter the CCG priority the project serves.",
                "aims": "Enter the project's aims.",
            }[name]
        self.fields["commissioning_stage"].error_messages["required"] = (
            "Choose the stage of the commissioning cycle it touches.")

    def clean_title(self):
        title = self.cleaned_data["title"].strip()
        if not title:
            raise forms.ValidationError("Enter a title for the project.")
        return title


class ProjectLeadForm(NHSForm):
    """Choose one of the CCG's Project Leads, or invite someone new."""

    button = "Name the Project Lead"

    lead = forms.ModelChoiceField(queryset=None, required=False, label="One of the CCG's Project Leads",
                                  empty_label="Choose a Project Lead")
    full_name = PersonNameField(label="Or invite someone new: full name", required=False)
    email = EmailAddressField(label="Their NHS email address", required=False)
    job_title = PersonDetailField("job_title", required=False)

    def __init__(self, *args, leads, ccg, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead"].queryset = leads
        self.fields["lead"].error_messages["invalid_choice"] = (
            f"Choose one of {ccg}'s Project Leads: a Project Lead from another CCG cannot lead "
            "this project.")

    def clean(self):
        data = super().clean()
        chosen, invited = data.get("lead"), data.get("email") or data.get("full_name")
        if self.errors:
            return data
        if chosen and invited:
            raise forms.ValidationError("Choose a Project Lead or invite someone new, not both.")
        if not chosen and not invited:
            raise forms.ValidationError("Choose a Project Lead, or give the name and email "
                                        "address of someone new to invite.")
        if invited and not data.get("email"):
            self.add_error("email", "Enter the new Project Lead's email address.")
        if invited and not data.get("full_name"):
            self.add_error("full_name", "Enter the new Project Lead's full name.")
        return data


class MeetingScheduleForm(NHSForm):
    button = "Save the meeting"

    date = DateField(error_messages={"required": "Enter the date of the meeting."})
    start_time = forms.TimeField(required=False, widget=forms.TimeInput,
                                 error_messages={"invalid": "Enter a time, for example 10:30."})
    end_time = forms.TimeField(required=False, widget=forms.TimeInput,
                               error_messages={"invalid": "Enter a time, for example 11:30."})
    venue = forms.CharField(max_length=200, required=False)
    attendees = forms.MultipleChoiceField(widget=forms.CheckboxSelectMultiple, required=False,
                                          help_text="The trainee always attends.")

    def __init__(self, *args, attendee_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.people = {str(user.pk): user for user, _ in attendee_choices}
        self.fields["attendees"].choices = [(str(user.pk), f"{user} ({why})")
                                            for user, why in attendee_choices]

    def clean_attendees(self):
        return [self.people[pk] for pk in self.cleaned_data["attendees"]]


class MeetingRecordForm(NHSForm):
    button = "Record as held"

    held_on = DateField(label="Date held",
                        error_messages={"required": "Enter the date the meeting was held."})
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}),
                            help_text="A few lines on what was discussed.",
                            error_messages={"required": "Enter short notes of what the meeting "
                                                        "covered."})
    agreed_actions = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False,
                                     help_text="Who will do what, by when.")


class ProgressEntryForm(NHSForm):
    button = "Add to the log"

    date = DateField(error_messages={"required": "Enter the date of the entry."})
    text = forms.CharField(label="Progress", widget=forms.Textarea(attrs={"rows": 4}),
                           error_messages={"required": "Enter what progress you have made."})


class ProgressCommentForm(NHSForm):
    button = "Add comment"

    text = forms.CharField(label="Comment", widget=forms.Textarea(attrs={"rows": 2}),
                           error_messages={"required": "Enter your comment."})


class HRChecklistForm(NHSForm):
    """One checkbox and an optional date for each of the six HR items."""

    button = "Save the checklist"

    agreement = forms.FileField(
        label="Signed confidentiality agreement", required=False,
        help_text=f"PDF, PNG or JPEG, up to {MAX_UPLOAD_BYTES // (1024 * 1024)} MB.")

    def __init__(self, *args, checklist, **kwargs):
        initial = {}
        for item in HR_ITEMS:
            day = checklist.done_on(item.key)
            initial[item.key] = day is not None
            initial[f"{item.key}_on"] = day
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        fields = {}
        for item in HR_ITEMS:
            fields[item.key] = forms.BooleanField(label=item.label, required=False,
                                                  help_text=item.hint)
            fields[f"{item.key}_on"] = DateField(
                label=format_html('Date done<span class="nhsuk-u-visually-hidden">: {}</span>',
                                  item.label),
                required=False, help_text="Leave empty for today.")
        fields["agreement"] = self.fields.pop("agreement")
        self.fields = fields

    def done(self, today) -> dict:
        """{item key: date done or None} from the ticks and dates."""
        return {item.key: (self.cleaned_data.get(f"{item.key}_on") or today)
                if self.cleaned_data.get(item.key) else None for item in HR_ITEMS}


class ConcernForm(NHSForm):
    button = "Raise the concern"

    summary = forms.CharField(max_length=200,
                              error_messages={"required": "Enter a short summary of the concern."})
    details = forms.CharField(widget=forms.Textarea(attrs={"rows": 6}),
                              error_messages={"required": "Describe the concern."})


class ConcernUpdateForm(NHSForm):
    button = "Update the concern"

    status = forms.ChoiceField(choices=Concern.Status.choices, widget=forms.RadioSelect)
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)


class SummariesForm(NHSForm):
    button = "Upload and send to my supervisors"

    outcome = forms.FileField(
        label="Project outcome summary",
        help_text=f"PDF, PowerPoint or Word, up to {MAX_UPLOAD_BYTES // (1024 * 1024)} MB.",
        error_messages={"required": "Choose the project outcome summary to upload."})
    slide = forms.FileField(
        label="One-slide summary for the CCG committee",
        help_text=f"PDF or PowerPoint, up to {MAX_UPLOAD_BYTES // (1024 * 1024)} MB.",
        error_messages={"required": "Choose the one-slide summary to upload."})

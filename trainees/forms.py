from django import forms

from clic.accounts.models import Organisation, Role, User
from clic.forms import EmailAddressField, PersonChoiceField, PersonNameField

from .importers import MAX_UPLOAD_BYTES
from .models import Placement, Weekday, project_day_errors
from .rows import TraineeRow, row_errors

AGREEMENT_HELP = "Needed for any project day other than the programme's default."


class TraineeForm(forms.Form):
    name = PersonNameField(label="Trainee's name")
    email = EmailAddressField(label="Trainee's email")
    gp_practice = forms.CharField(label="GP practice", max_length=200,
                                  help_text="A practice not yet known is added.")
    es_email = EmailAddressField(label="Educational Supervisor's email")
    es_name = PersonNameField(label="Educational Supervisor's name", required=False,
                              help_text="Needed only if they are new here.")
    ccg_supervisor_email = EmailAddressField(label="CCG Supervisor's email")
    ccg_supervisor_name = PersonNameField(label="CCG Supervisor's name", required=False,
                                          help_text="Needed only if they are new here.")
    project_lead_email = EmailAddressField(label="Project Lead's email (optional)",
                                           required=False, help_text="Can be set later.")
    project_lead_name = PersonNameField(label="Project Lead's name", required=False)
    project_day = forms.TypedChoiceField(choices=Weekday.choices, coerce=int,
                                         initial=Weekday.THURSDAY)
    agreed_by_pd = forms.BooleanField(label="The Programme Director agrees", required=False,
                                      help_text=AGREEMENT_HELP)
    agreed_by_es = forms.BooleanField(label="The Educational Supervisor agrees", required=False)
    agreed_by_supervisor = forms.BooleanField(label="The CCG Supervisor agrees", required=False)

    def __init__(self, *args, cohort, **kwargs):
        self.cohort = cohort
        super().__init__(*args, **kwargs)
        self.fields["project_day"].initial = cohort.template_version.project_weekday

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        row = self.row()
        existing = {e.lower() for e in self.cohort.placements.values_list("trainee__email",
                                                                           flat=True)}
        for field, messages in row_errors(row, cohort=self.cohort,
                                          existing_emails=existing).items():
            for message in messages:
                self.add_error(field, message)
        return data

    def row(self) -> TraineeRow:
        data = self.cleaned_data
        return TraineeRow(
            name=data["name"].strip(), email=data["email"].strip().lower(),
            gp_practice=data["gp_practice"].strip(), es_email=data["es_email"].strip().lower(),
            ccg_supervisor_email=data["ccg_supervisor_email"].strip().lower(),
            project_lead_email=(data.get("project_lead_email") or "").strip().lower(),
            project_day=data["project_day"], agreed_by_pd=data["agreed_by_pd"],
            agreed_by_es=data["agreed_by_es"], agreed_by_supervisor=data["agreed_by_supervisor"],
            es_name=data["es_name"].strip(), ccg_supervisor_name=data["ccg_supervisor_name"].strip(),
            project_lead_name=data["project_lead_name"].strip())


class TraineeUploadForm(forms.Form):
    file = forms.FileField(label="CSV file", allow_empty_file=True,
                           help_text="A .csv file of at most 1 MB, saved as 'CSV UTF-8' from Excel.")
    # Size, type and encoding are checked with the contents (trainees.importers), so that
    # every problem shows in one list.


class TraineeUploadConfirmForm(forms.Form):
    """The confirmation page's form: the checked file's text comes back with the PD's
    confirmation, so what is imported is what the page listed."""

    csv_text = forms.CharField(widget=forms.HiddenInput, strip=False,
                               max_length=MAX_UPLOAD_BYTES)


class PlacementForm(forms.Form):
    practice = forms.ModelChoiceField(label="GP practice", queryset=Organisation.objects.filter(
        kind=Organisation.Kind.PRACTICE).order_by("name"))
    educational_supervisor = PersonChoiceField(queryset=None)
    ccg_supervisor = PersonChoiceField(label="CCG Supervisor", queryset=None)
    project_lead = PersonChoiceField(label="Project Lead", queryset=None, required=False,
                                     help_text="Can be set later.")
    project_day = forms.TypedChoiceField(choices=Weekday.choices, coerce=int)
    agreed_by_pd = forms.BooleanField(label="The Programme Director agrees", required=False,
                                      help_text=AGREEMENT_HELP)
    agreed_by_es = forms.BooleanField(label="The Educational Supervisor agrees", required=False)
    agreed_by_supervisor = forms.BooleanField(label="The CCG Supervisor agrees", required=False)

    def __init__(self, *args, placement: Placement, **kwargs):
        self.placement = placement
        kwargs.setdefault("initial", {
            "practice": placement.practice_id,
            "educational_supervisor": placement.educational_supervisor_id,
            "ccg_supervisor": placement.ccg_supervisor_id,
            "project_lead": placement.project_lead_id, "project_day": placement.project_day,
            "agreed_by_pd": placement.project_day_agreed_by_pd,
            "agreed_by_es": placement.project_day_agreed_by_es,
            "agreed_by_supervisor": placement.project_day_agreed_by_supervisor})
        super().__init__(*args, **kwargs)
        ccg = placement.cohort.ccg_id

        def holders(role, current, **where):
            return (User.objects.filter(memberships__role=role, is_active=True, **where)
                    | User.objects.filter(pk=current)).distinct().order_by("full_name")

        self.fields["educational_supervisor"].queryset = holders(
            Role.ES, placement.educational_supervisor_id)
        self.fields["ccg_supervisor"].queryset = holders(
            Role.CCG_SUPERVISOR, placement.ccg_supervisor_id, memberships__organisation_id=ccg)
        self.fields["project_lead"].queryset = holders(
            Role.PROJECT_LEAD, placement.project_lead_id, memberships__organisation_id=ccg)

    def clean(self):
        data = super().clean()
        if "project_day" in data:
            for message in project_day_errors(
                    data["project_day"], data.get("agreed_by_pd"), data.get("agreed_by_es"),
                    data.get("agreed_by_supervisor"),
                    version=self.placement.cohort.template_version):
                self.add_error("project_day", message)
        return data

from django import forms
from django.contrib.auth import password_validation

from clic.forms import EmailAddressField, PersonDetailField, PersonNameField

from .models import ROLE_ORGANISATION_KIND, Organisation, Role


class SetPasswordForm(forms.Form):
    password1 = forms.CharField(
        label="Create a password", widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="At least 12 characters. A few unrelated words make a strong password.")
    password2 = forms.CharField(
        label="Type the password again",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", "The two passwords do not match.")
        elif first:
            try:
                password_validation.validate_password(first, self.user)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


# Alumnus is the former trainee's own choice (community.services.alumnus_join), never a
# role someone else gives.
GIVEN_ROLES = [(value, label) for value, label in Role.choices if value != Role.ALUMNUS]


class MembershipForm(forms.Form):
    role = forms.ChoiceField(choices=GIVEN_ROLES)
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        help_text="A CCG for CCG roles, a GP practice for an Educational Supervisor, "
                  "the programme for trainees and programme staff.")

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations

    def clean(self):
        cleaned = super().clean()
        role, organisation = cleaned.get("role"), cleaned.get("organisation")
        if role and organisation and ROLE_ORGANISATION_KIND[role] != organisation.kind:
            wanted = Organisation.Kind(ROLE_ORGANISATION_KIND[role]).label
            self.add_error("organisation", f"A {Role(role).label} must belong to a {wanted}.")
        return cleaned


class InviteForm(MembershipForm):
    full_name = PersonNameField(label="Full name")
    email = EmailAddressField(label="Email address", help_text="Usually their nhs.net address.")
    job_title = PersonDetailField("job_title", required=False)

    field_order = ["full_name", "email", "job_title", "role", "organisation"]


class ProfileForm(forms.Form):
    full_name = PersonNameField(label="Full name")
    job_title = PersonDetailField("job_title", required=False)
    phone = PersonDetailField("phone", required=False, label="Phone number",
                              help_text="Shown to your trainees and supervisors on the timetable.")


class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["kind", "name", "admin_mailbox", "committee_email", "address"]
        labels = {"admin_mailbox": "Admin mailbox"}

    def clean_name(self):
        return self.cleaned_data["name"].strip()

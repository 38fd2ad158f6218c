"""The NHS.UK look: the crispy-forms template pack, the error summary, the page layout,
and the 404 and 500 pages."""

import datetime
import re

import pytest
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.template import Context, Template
from django.template.loader import get_template
from django.urls import path, reverse

from tests.fixtures.people import give_role


def _boom(request):
    raise RuntimeError("secret internals: database password is hunter2")


# Used as ROOT_URLCONF by the 500 test, with the project's own error handler.
urlpatterns = [path("boom/", _boom)]
handler500 = "clic.views.server_error"


class ExampleForm(forms.Form):
    full_name = forms.CharField(label="Full name", help_text="As it appears on your GMC record.")
    email = forms.EmailField(label="Email address")
    password = forms.CharField(widget=forms.PasswordInput)
    start = forms.DateField(label="First day")
    notes = forms.CharField(widget=forms.Textarea, required=False)
    ccg = forms.ChoiceField(label="CCG", choices=[("ek", "East Kent"), ("wk", "West Kent")])
    part = forms.ChoiceField(label="Which part of the day", widget=forms.RadioSelect,
                             choices=[("am", "Morning"), ("pm", "Afternoon")],
                             help_text="Choose one.")
    days = forms.MultipleChoiceField(label="Days", widget=forms.CheckboxSelectMultiple,
                                     choices=[("mon", "Monday"), ("thu", "Thursday")])
    agreed = forms.BooleanField(label="I have signed the CCG confidentiality agreement")
    slide = forms.FileField(label="Summary slide", required=False)

    def clean(self):
        raise forms.ValidationError("Something about the whole form.")


def render(template: str, **context) -> str:
    return Template("{% load crispy_forms_tags nhsuk %}" + template).render(Context(context))


def squash(html: str) -> str:
    return re.sub(r"\s+", " ", html)


@pytest.fixture
def invalid_form():
    form = ExampleForm({"full_name": "", "start": "2026-09-07", "part": "evening"})
    assert not form.is_valid()
    return form


def test_crispy_filter_renders_nhsuk_text_input_with_label_hint_and_error(invalid_form):
    html = squash(render("{{ form|crispy }}", form=invalid_form))

    assert ('<div id="div_id_full_name" class="nhsuk-form-group nhsuk-form-group--error">'
            in html)
    assert '<label class="nhsuk-label" for="id_full_name"> Full name </label>' in html
    assert ('<div class="nhsuk-hint" id="id_full_name-hint">As it appears on your GMC record.'
            '</div>') in html
    assert ('<span class="nhsuk-error-message" id="id_full_name-error"> '
            '<span class="nhsuk-u-visually-hidden">Error: </span>Enter full name </span>') in html
    full_name = re.search(r'<input type="text" name="full_name"[^>]*>', html).group(0)
    assert 'class="nhsuk-input nhsuk-input--error"' in full_name
    assert 'aria-describedby="id_full_name-hint id_full_name-error"' in full_name


def test_crispy_filter_renders_every_kind_of_widget_the_nhsuk_way(invalid_form):
    html = squash(render("{{ form|crispy }}", form=invalid_form))

    assert re.search(r'<input type="email" name="email"[^>]*class="nhsuk-input nhsuk-input--error"',
                     html)
    assert re.search(r'<input type="date" name="start" value="2026-09-07"[^>]*class="nhsuk-input"',
                     html)
    assert 'class="nhsuk-textarea"' in html
    assert 'Notes (optional)' in html
    assert '<select name="ccg" class="nhsuk-select nhsuk-select--error"' in html
    assert 'data-module="nhsuk-password-input"' in html
    assert 'nhsuk-password-input__input' in html
    assert '<input type="file" name="slide" class="nhsuk-file-upload__input"' in html
    # Radios and checkboxes: a fieldset whose legend is the label, hint and error described.
    assert ('<fieldset class="nhsuk-fieldset" aria-describedby="id_part-hint id_part-error"> '
            '<legend class="nhsuk-fieldset__legend"> Which part of the day </legend>') in html
    assert re.search(r'<input type="radio" name="part" value="am" id="id_part_0"[^>]*'
                     r'class="nhsuk-radios__input">', html)
    assert '<label class="nhsuk-label nhsuk-radios__label" for="id_part_0">Morning</label>' in html
    assert '<div class="nhsuk-checkboxes" data-module="nhsuk-checkboxes">' in html
    assert re.search(r'<input type="checkbox" name="days" value="thu" id="id_days_1"[^>]*'
                     r'class="nhsuk-checkboxes__input">', html)
    # A single checkbox sits beside its label.
    assert re.search(r'<input type="checkbox" name="agreed" class="nhsuk-checkboxes__input"'
                     r'[^>]*aria-describedby="id_agreed-error"', html)
    # Errors about the whole form have no field to sit by.
    assert ('<span class="nhsuk-u-visually-hidden">Error: </span>Something about the whole form.'
            in html)


def test_dates_and_times_use_the_browsers_pickers_with_iso_values():
    class When(forms.Form):
        day = forms.DateField()
        declared = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
        at = forms.DateTimeField()
        time = forms.TimeField()

    form = When(initial={"day": datetime.date(2026, 9, 7), "declared": datetime.date(2026, 9, 8),
                         "at": datetime.datetime(2026, 9, 7, 9, 30), "time": datetime.time(14, 0)})
    html = render("{{ form|crispy }}", form=form)

    assert re.search(r'<input type="date" name="day" value="2026-09-07"', html)
    assert re.search(r'<input type="date" name="declared" value="2026-09-08"', html)
    assert re.search(r'<input type="datetime-local" name="at" value="2026-09-07T09:30"', html)
    assert re.search(r'<input type="time" name="time" value="14:00"', html)
    assert When({"day": "2026-09-07", "declared": "2026-09-08", "at": "2026-09-07T09:30",
                 "time": "14:00"}).is_valid()


def test_crispy_pack_drops_placeholders_and_browser_validation():
    class Login(forms.Form):
        email = forms.EmailField(widget=forms.EmailInput(attrs={"placeholder": "Email address"}))

    helper = FormHelper()
    helper.add_input(Submit("save", "Save"))
    html = squash(render("{% crispy form helper %}", form=Login(), helper=helper))

    assert "placeholder" not in html
    assert re.search(r'<form [^>]*method="post"[^>]*novalidate>', html)
    assert 'name="csrfmiddlewaretoken"' not in html  # no request, so no token to render
    assert ('<button type="submit" name="save" value="Save" id="submit-id-save" '
            'class="nhsuk-button" data-module="nhsuk-button" data-prevent-double-click="true">'
            'Save</button>') in html


def test_error_summary_links_each_error_to_its_field_in_page_order(invalid_form):
    html = squash(render("{% nhsuk_error_summary form %}", form=invalid_form))

    assert '<div class="nhsuk-error-summary" data-module="nhsuk-error-summary" tabindex="-1">' in html
    assert '<div role="alert">' in html
    assert '<h2 class="nhsuk-error-summary__heading">There is a problem</h2>' in html
    links = re.findall(r'<a href="([^"]*)">([^<]*)</a>', html)
    assert links == [
        ("#id_full_name", "Something about the whole form."),
        ("#id_full_name", "Enter full name"),
        ("#id_email", "Enter email address"),
        ("#id_password", "Enter password"),
        ("#id_ccg", "Select CCG"),
        ("#id_part_0", "Select a valid choice. evening is not one of the available choices."),
        ("#id_days_0", "Select days"),
        ("#id_agreed", "This field is required."),
    ]


def test_error_summary_is_empty_without_errors():
    assert render("{% nhsuk_error_summary form %}", form=ExampleForm()).strip() == ""
    assert render("{% nhsuk_error_summary form %}", form=None).strip() == ""


def test_500_page_renders_without_request_or_database():
    html = get_template("500.html").render()

    assert "Sorry, there is a problem with the service" in html
    assert 'href="/static/nhsuk/nhsuk/nhsuk-frontend.min.css"' in html


@pytest.mark.urls("tests.accounts.test_templates")
def test_server_error_shows_the_styled_500_page_without_a_traceback(client, settings):
    settings.DEBUG = False
    client.raise_request_exception = False

    response = client.get("/boom/")

    assert response.status_code == 500
    html = response.content.decode()
    assert "<h1>Sorry, there is a problem with the service</h1>" in html
    assert "nhsuk-header" in html
    for leak in ("Traceback", "RuntimeError", "hunter2", "secret internals"):
        assert leak not in html


@pytest.mark.django_db
def test_unknown_address_gives_the_styled_404_page(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert "<h1>Page not found</h1>" in response.content.decode()
    assert "nhsuk-header" in response.content.decode()


@pytest.fixture
def no_mfa(settings):
    """Programme staff would otherwise be sent to set up two-factor authentication first."""
    settings.CLIC_MFA_ENFORCED = False


@pytest.mark.django_db
def test_navigation_shows_staff_pages_to_programme_staff_only(client, world, no_mfa):
    client.force_login(world.pd)
    pd_page = client.get(reverse("home")).content.decode()
    client.force_login(world.trainee)
    trainee_page = client.get(reverse("home")).content.decode()

    for link in (reverse("people"), reverse("organisations")):
        assert f'href="{link}"' in pd_page
        assert f'href="{link}"' not in trainee_page
    for page in (pd_page, trainee_page):
        assert 'aria-current="page"' in page  # Home is the current page
        assert f'action="{reverse("account_logout")}" method="post"' in page
        assert 'name="csrfmiddlewaretoken"' in page


@pytest.mark.django_db
def test_home_page_shows_a_panel_for_each_role_held(client, world, no_mfa):
    give_role(world.pd, "es", world.practice)
    client.force_login(world.pd)

    html = client.get(reverse("home")).content.decode()

    assert world.pd.full_name in html
    assert '<h2 id="role-pd">Programme Director</h2>' in html
    assert '<h2 id="role-es">Educational Supervisor</h2>' in html
    assert world.trainee.full_name in html  # the PD's cohort
    assert "Week " in html


@pytest.mark.django_db
def test_pages_carry_no_inline_script_or_style(client, world, no_mfa):
    client.force_login(world.pd)
    for name in ("home", "people", "person_invite", "organisations", "profile"):
        response = client.get(reverse(name))
        assert response.status_code == 200, name
        html = response.content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)", html), name
        assert not re.search(r"\sstyle=|<style|\son[a-z]+=", html), name

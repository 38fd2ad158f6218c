"""The NHS.UK look: the crispy-forms template pack, the error summary, the page layout,
and the 404 and 500 pages."""

import datetime
import importlib
import pathlib
import posixpath
import re

import pytest
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.apps import apps
from django.conf import settings
from django.contrib.staticfiles import finders
from django.template import Context, Template, TemplateSyntaxError
from django.template.loader import get_template
from django.urls import path, reverse

from clic.forms import DateField
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
    start = DateField(label="First day")
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
    assert re.search(r'<input class="nhsuk-input nhsuk-date-input__input nhsuk-input--width-4" '
                     r'id="id_start-year" name="start-year" type="text" inputmode="numeric" '
                     r'value="2026">', html)
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


def test_times_use_the_browsers_pickers_with_iso_values():
    class When(forms.Form):
        at = forms.DateTimeField()
        time = forms.TimeField()

    form = When(initial={"at": datetime.datetime(2026, 9, 7, 9, 30), "time": datetime.time(14, 0)})
    html = render("{{ form|crispy }}", form=form)

    assert re.search(r'<input type="datetime-local" name="at" value="2026-09-07T09:30"', html)
    assert re.search(r'<input type="time" name="time" value="14:00"', html)
    assert When({"at": "2026-09-07T09:30", "time": "14:00"}).is_valid()


class DayForm(forms.Form):
    day = DateField(label="First day", help_text="For example, 8 12 2026")


def test_dates_use_the_nhs_date_input_in_a_fieldset():
    html = squash(render("{{ form|crispy }}", form=DayForm(initial={"day": datetime.date(2026, 12, 8)})))

    assert 'type="date"' not in html
    assert ('<fieldset class="nhsuk-fieldset" role="group" aria-describedby="id_day-hint"> '
            '<legend class="nhsuk-fieldset__legend"> First day </legend>') in html
    assert '<div class="nhsuk-date-input" id="id_day">' in html
    for part, label, value in [("day", "Day", "8"), ("month", "Month", "12"), ("year", "Year", "2026")]:
        assert (f'<label class="nhsuk-label nhsuk-date-input__label" for="id_day-{part}">'
                f'{label}</label>') in html
        assert re.search(rf'<input class="nhsuk-input nhsuk-date-input__input nhsuk-input--width-\d" '
                         rf'id="id_day-{part}" name="day-{part}" type="text" inputmode="numeric" '
                         rf'value="{value}">', html)


@pytest.mark.parametrize("data, day", [
    ({"day-day": "8", "day-month": "12", "day-year": "2026"}, datetime.date(2026, 12, 8)),
    ({"day-day": " 08 ", "day-month": "12", "day-year": "2026"}, datetime.date(2026, 12, 8)),
    # The plain ISO date under the field's own name, as links, filters and scripts send it.
    ({"day": "2026-12-08"}, datetime.date(2026, 12, 8)),
    # The boxes win when both are sent.
    ({"day": "2026-01-01", "day-day": "8", "day-month": "12", "day-year": "2026"},
     datetime.date(2026, 12, 8)),
])
def test_date_input_reads_the_three_boxes_or_an_iso_date(data, day):
    form = DayForm(data)

    assert form.is_valid(), form.errors
    assert form.cleaned_data["day"] == day


@pytest.mark.parametrize("data, message", [
    ({"day-day": "31", "day-month": "2", "day-year": "2026"}, "First day must be a real date"),
    ({"day-day": "x", "day-month": "2", "day-year": "2026"}, "First day must be a real date"),
    ({"day-day": "8", "day-month": "", "day-year": "2026"}, "First day must include a month"),
    ({"day-day": "", "day-month": "", "day-year": "2026"},
     "First day must include a day and a month"),
    ({"day-day": "8", "day-month": "12", "day-year": "26"}, "First day year must include 4 numbers"),
    ({"day-day": "", "day-month": "", "day-year": ""}, "Enter first day"),
])
def test_date_input_says_what_is_wrong_with_a_date(data, message):
    form = DayForm(data)
    html = squash(render("{% nhsuk_error_summary form %}{{ form|crispy }}", form=form))

    assert not form.is_valid()
    assert f'<a href="#id_day-day">{message}</a>' in html
    assert f'<span class="nhsuk-u-visually-hidden">Error: </span>{message}' in html
    assert 'class="nhsuk-input nhsuk-date-input__input nhsuk-input--width-2 nhsuk-input--error"' in html
    # What was typed is shown again to be corrected.
    assert f'name="day-day" type="text" inputmode="numeric" value="{data["day-day"].strip()}"' in html


def test_date_carried_unseen_is_an_iso_date_the_field_reads_back():
    form = DayForm({"day-day": "8", "day-month": "12", "day-year": "2026"})
    hidden = form["day"].as_hidden()

    assert re.fullmatch(r'<input type="hidden" name="day" value="2026-12-08"[^>]*>', hidden)
    assert DayForm({"day": "2026-12-08"}).is_valid()


def _subclasses(base):
    for subclass in base.__subclasses__():
        yield subclass
        yield from _subclasses(subclass)


def test_every_date_field_of_the_service_uses_the_nhs_date_input():
    service = ("clic", "absences", "assessments", "projects", "rotations", "trainees")
    for app in apps.get_app_configs():
        if app.name.startswith(service) and importlib.util.find_spec(f"{app.name}.forms"):
            importlib.import_module(f"{app.name}.forms")
    date_fields = {(form.__name__, name): field for form in _subclasses(forms.BaseForm)
                   if form.__module__.startswith(service)
                   for name, field in form.base_fields.items()
                   if isinstance(field, forms.DateField)}

    assert ("AbsenceForm", "first_day") in date_fields
    assert [where for where, field in date_fields.items() if not isinstance(field, DateField)] == []


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


def _stylesheets() -> dict[str, str]:
    """Every stylesheet the pages link, by its static path."""
    own = {str(path.relative_to(settings.BASE_DIR / "static")): path
           for path in (settings.BASE_DIR / "static").rglob("*.css")}
    nhsuk = "nhsuk/nhsuk/nhsuk-frontend.min.css"
    return {name: pathlib.Path(path).read_text()
            for name, path in {**own, nhsuk: finders.find(nhsuk)}.items()}


def test_every_url_in_the_stylesheets_reaches_a_file(client):
    missing = []
    for name, css in _stylesheets().items():
        for address in re.findall(r"url\(\s*['\"]?([^'\")]+)", css):
            if address.startswith(("data:", "https://assets.nhs.uk/")):
                continue
            if address.startswith("/"):
                response = client.get(address)
                if response.status_code not in (301, 302):
                    missing.append(f"{name}: {address} ({response.status_code})")
                    continue
                address = response["Location"]
                assert address.startswith(settings.STATIC_URL)
                found = address.removeprefix(settings.STATIC_URL)
            else:
                found = posixpath.normpath(posixpath.join(posixpath.dirname(name), address))
            if not finders.find(found):
                missing.append(f"{name}: {address}")

    assert missing == []


def test_the_page_layout_shows_a_forms_error_summary_once_whoever_asks(invalid_form):
    page = Template('{% extends "base.html" %}{% load nhsuk %}{% block content %}'
                    '<h1>Page</h1>{% nhsuk_error_summary form %}{% endblock %}')
    html = page.render(Context({"form": invalid_form}))

    assert html.count('<div class="nhsuk-error-summary"') == 1
    assert html.index("nhsuk-error-summary") < html.index("<h1>Page</h1>")


def test_confirm_form_shows_the_captured_label_fields_and_way_back():
    html = Template(
        '{% load clic_layout %}'
        '{% capture as fields %}<input type="hidden" name="upload" value="{{ pk }}">{% endcapture %}'
        '{% capture as label %}Send {{ slide }} to {{ people }} '
        '{% if people == 1 %}person{% else %}people{% endif %}{% endcapture %}'
        '{% include "_partials/confirm_form.html" with name="confirm" warning=True '
        'back="/back/" back_label="Go back without sending" %}'
    ).render(Context({"pk": 7, "slide": "R&D <slide>", "people": 3}))

    assert '<input type="hidden" name="upload" value="7">' in html
    assert ('type="submit" name="confirm" value="1">Send R&amp;D &lt;slide&gt; to 3 people'
            '</button>') in html
    assert 'class="nhsuk-button nhsuk-button--warning"' in html
    assert '<a class="nhsuk-link" href="/back/">Go back without sending</a>' in html


def test_capture_refuses_a_tag_without_a_name():
    with pytest.raises(TemplateSyntaxError):
        Template("{% load clic_layout %}{% capture label %}x{% endcapture %}")

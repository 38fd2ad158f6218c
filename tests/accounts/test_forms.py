"""clic.forms: showing a service's refusal on the form that fed it."""

from django import forms
from django.core.exceptions import ValidationError

from clic.forms import apply_service_errors


class _TitleForm(forms.Form):
    title = forms.CharField()


def _bound() -> _TitleForm:
    form = _TitleForm({"title": "Draft"})
    assert form.is_valid()
    return form


def test_service_errors_naming_a_field_go_next_to_it_and_the_rest_in_the_summary():
    form = _bound()
    apply_service_errors(form, ValidationError({"title": ["Too vague.", "Too long."],
                                                "deadline": ["Past the rotation."]}))
    assert form.errors["title"] == ["Too vague.", "Too long."]
    assert form.non_field_errors() == ["Past the rotation."]
    assert not form.is_valid()


def test_service_errors_naming_no_field_go_in_the_summary():
    form = _bound()
    apply_service_errors(form, ValidationError(["Cancelled.", "Already sent."]))
    assert form.non_field_errors() == ["Cancelled.", "Already sent."]
    assert "title" not in form.errors


def test_service_errors_not_by_field_all_go_in_the_summary():
    form = _bound()
    apply_service_errors(form, ValidationError({"title": ["The ES's title is too long."]}),
                         by_field=False)
    assert form.non_field_errors() == ["The ES's title is too long."]
    assert "title" not in form.errors

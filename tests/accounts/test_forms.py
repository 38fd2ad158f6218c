"""clic.forms: showing a service's refusal on the form that fed it."""

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from clic.forms import apply_service_errors, service_refusal


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


def _request_with_messages():
    request = RequestFactory().post("/")
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


def test_service_refusal_flashes_each_message_and_keeps_them():
    request = _request_with_messages()
    with service_refusal(request) as refused:
        raise ValidationError(["Cancelled.", "Already sent."])
    assert refused
    assert refused.messages == ["Cancelled.", "Already sent."]
    assert [(m.level_tag, m.message) for m in get_messages(request)] == [
        ("error", "Cancelled."), ("error", "Already sent.")]


def test_service_refusal_without_a_request_gives_summary_items_and_flashes_nothing():
    with service_refusal() as refused:
        raise ValidationError({"upload": ["Upload the slide first."]})
    assert refused.summary_items == [{"href": "", "text": "Upload the slide first."}]


def test_service_refusal_when_the_service_goes_through_is_false_and_silent():
    request = _request_with_messages()
    with service_refusal(request) as refused:
        pass
    assert not refused
    assert refused.summary_items == []
    assert list(get_messages(request)) == []


def test_service_refusal_lets_other_errors_through():
    with pytest.raises(ValueError), service_refusal():
        raise ValueError("not a refusal")


@pytest.mark.parametrize("choices", [
    [("", "Any status"), ("sent", "Sent"), ("failed", "Failed <now>")],
    [("", "All"), ("Teaching", [("t1", "Wednesday"), ("t2", "Friday")]), ("x", "Other")],
])
def test_a_filters_select_is_written_as_djangos_own_select(choices):
    """FilterForm's selects write their options inline (_partials/filter_select.html): the
    same HTML as Django's Select, chosen option, groups and escaping included, but for the
    blank lines Django's include of each option leaves between them."""
    import re

    from django import forms

    from clic.forms import FilterForm

    class Filters(FilterForm):
        status = forms.ChoiceField(required=False, choices=choices)

    class Plain(forms.Form):
        status = forms.ChoiceField(required=False, choices=choices)

    chosen = {"status": choices[-1][0]}
    filter_html = str(Filters(chosen)["status"])
    assert "filter_select" in Filters().fields["status"].widget.template_name
    def tags(html: str) -> str:
        return re.sub(r">\s+<", "><", html)

    assert tags(filter_html) == tags(str(Plain(chosen)["status"]))
    assert " selected>" in filter_html

"""NHS.UK frontend markup for Django forms: the crispy-forms pack's helpers and the error summary.

The templates in templates/nhsuk/ hold the markup; these tags only do what a template
cannot: merge CSS classes and aria-describedby into a widget's own attributes, and
work out which element each error summary link should move the focus to.
"""

import copy

from django import forms, template
from django.forms.formsets import BaseFormSet

from clic.forms import NHSDateInput

register = template.Library()

# The CSS class NHS.UK frontend gives each kind of widget, and its error modifier.
_WIDGET_CLASSES = [
    (forms.Textarea, "nhsuk-textarea"),
    (forms.Select, "nhsuk-select"),  # also SelectMultiple and NullBooleanSelect
    (forms.FileInput, "nhsuk-file-upload__input"),
    (forms.CheckboxInput, "nhsuk-checkboxes__input"),
]
_ERROR_MODIFIERS = {
    "nhsuk-input": "nhsuk-input--error",
    "nhsuk-textarea": "nhsuk-textarea--error",
    "nhsuk-select": "nhsuk-select--error",
}
# Time inputs become the browser's own pickers, whose value must be ISO formatted (Django's
# time fields always accept it). Dates are not: they are typed in the NHS.UK date input
# (clic.forms.DateField), as the browser's date picker shows mm/dd/yyyy in a US locale.
_NATIVE_PICKERS = [
    (forms.DateTimeInput, "datetime-local", "%Y-%m-%dT%H:%M"),
    (forms.TimeInput, "time", "%H:%M"),
]


def hint_id(field) -> str:
    return f"{field.auto_id}-hint"


def error_id(field) -> str:
    return f"{field.auto_id}-error"


def _described_by(field, existing="") -> str:
    ids = existing.split()
    if field.help_text:
        ids.append(hint_id(field))
    if field.errors:
        ids.append(error_id(field))
    return " ".join(ids)


def _widget_class(widget) -> str:
    for widget_type, css_class in _WIDGET_CLASSES:
        if isinstance(widget, widget_type):
            return css_class
    return "nhsuk-input"


def _with_native_picker(widget):
    for widget_type, input_type, iso_format in _NATIVE_PICKERS:
        if isinstance(widget, widget_type) and widget.input_type in ("text", input_type):
            widget = copy.copy(widget)
            widget.input_type = input_type
            widget.format = iso_format
            return widget
    return widget


@register.filter
def nhsuk_is_date_input(field) -> bool:
    return isinstance(field.field.widget, NHSDateInput)


@register.simple_tag
def nhsuk_widget(field, extra_class=""):
    """The field's widget with NHS.UK classes, its hint and error linked by aria-describedby."""
    widget = _with_native_picker(field.field.widget)
    css_class = _widget_class(widget)
    classes = [css_class, extra_class, widget.attrs.get("class", "")]
    if field.errors and css_class in _ERROR_MODIFIERS:
        classes.append(_ERROR_MODIFIERS[css_class])
    # NHS.UK: hints go above the box, never inside it (allauth's forms set placeholders).
    attrs = {"class": " ".join(c for c in classes if c), "placeholder": False}
    described_by = _described_by(field, widget.attrs.get("aria-describedby", ""))
    if described_by:
        attrs["aria-describedby"] = described_by
    if isinstance(widget, forms.PasswordInput):
        attrs.update(spellcheck="false", autocapitalize="none")
    return field.as_widget(widget=widget, attrs=attrs)


def _lower_first(label: str) -> str:
    """Lower-case a label's first letter for use mid-sentence, unless its first word is an
    acronym: "Full name" gives "full name", "CCG Supervisor" stays as it is."""
    first_word = label.split(" ", 1)[0]
    return label if first_word[1:] != first_word[1:].lower() else label[:1].lower() + label[1:]


@register.filter
def nhsuk_field_errors(field) -> list[str]:
    """The field's error messages, with Django's "This field is required." made specific
    ("Enter full name", "Select organisation"), as NHS.UK error messages must be: in the
    error summary, several identical messages would not say which field each is about."""
    required = str(forms.Field.default_error_messages["required"])
    widget = field.field.widget
    if isinstance(widget, forms.CheckboxInput | forms.FileInput) or not field.label:
        verb = None
    elif isinstance(widget, forms.Select | forms.RadioSelect):
        verb = "Select"
    else:
        verb = "Enter"
    return [f"{verb} {_lower_first(str(field.label))}" if verb and error == required else error
            for error in field.errors]


@register.simple_tag
def nhsuk_choice_input(option, kind):
    """One of a field's radios or checkboxes (kind), without Django's wrapping label."""
    option.data["attrs"]["class"] = f"nhsuk-{kind}__input"
    return option.tag(wrap_label=False)


@register.simple_tag
def nhsuk_fieldset_described_by(field):
    return _described_by(field)


@register.filter
def nhsuk_button_classes(input_object):
    """NHS.UK button classes for a crispy Submit/Button/Reset, keeping the author's own classes
    but not the Bootstrap ones crispy-forms gives them by default."""
    own = [c for c in input_object.field_classes.split() if not c.startswith("btn")]
    variant = [] if input_object.input_type == "submit" else ["nhsuk-button--secondary"]
    return " ".join(["nhsuk-button", *variant, *own])


@register.filter
def nhsuk_tagged_button_classes(tags) -> str:
    """NHS.UK button classes for one of allauth's tagged buttons: destructive ones (danger,
    delete) are warning buttons, second choices (secondary, outline, link, cancel) secondary."""
    tags = set(tags or ())
    if tags & {"danger", "delete"}:
        return "nhsuk-button nhsuk-button--warning"
    if tags & {"secondary", "outline", "link", "cancel"}:
        return "nhsuk-button nhsuk-button--secondary"
    return "nhsuk-button"


def _hidden_field_errors(form) -> list[str]:
    return [f"{field.label}: {error}" for field in form.hidden_fields() for error in field.errors]


@register.filter
def nhsuk_form_errors(form) -> list[str]:
    """Errors about the whole form, and those of hidden fields, which the person cannot see
    next to any field."""
    return [*form.non_field_errors(), *_hidden_field_errors(form)]


def _focus_target(field) -> str:
    """The id of the element an error summary link moves focus to: the first option of a
    radio or checkbox group, the first box of a multi-part field, otherwise the input."""
    widget = field.field.widget
    if isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple | forms.MultiWidget):
        return f"{field.auto_id}_0"
    return field.id_for_label or field.auto_id


def error_summary_items(*forms_or_formsets) -> list[dict]:
    """Every error of the given forms in page order, each linked to the field it is about.

    Errors about the whole form link to its first field, so the link still moves the focus
    into the form.
    """
    items = []
    for form in forms_or_formsets:
        if isinstance(form, BaseFormSet):
            items += [{"href": "", "text": error} for error in form.non_form_errors()]
            items += error_summary_items(*form.forms)
            continue
        if not isinstance(form, forms.BaseForm) or not form.errors:
            continue
        visible = form.visible_fields()
        first = f"#{_focus_target(visible[0])}" if visible else ""
        items += [{"href": first, "text": error} for error in nhsuk_form_errors(form)]
        for field in visible:
            items += [{"href": f"#{_focus_target(field)}", "text": error}
                      for error in nhsuk_field_errors(field)]
    return items


@register.inclusion_tag("nhsuk/error_summary.html")
def nhsuk_error_summary(*forms_or_formsets):
    """`{% nhsuk_error_summary form %}` at the top of the main content: NHS.UK's error summary
    listing every error with a link to its field. Renders nothing when there are no errors.

    base.html calls it for the page's `form` above the content, so no form page can forget
    it; a form is summarised once a page, so a page's own call for that form (placed where
    the page wants it, or naming more forms) does not show its errors twice."""
    unsummarised = [form for form in forms_or_formsets
                    if isinstance(form, forms.BaseForm | BaseFormSet)
                    and not getattr(form, "nhsuk_summarised", False)]
    for form in unsummarised:
        form.nhsuk_summarised = True
    return {"items": error_summary_items(*unsummarised)}

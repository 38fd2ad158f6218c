"""Form fields shared by the apps."""

import datetime
from collections.abc import Iterator
from contextlib import contextmanager
from typing import NamedTuple

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join, strip_tags

from clic.accounts.validators import longest, too_long


def _as_a_person_holds(detail: str) -> dict:
    """A form field's limit for one of a person's details, the User model's column, and the
    message the services give for it."""
    return {"max_length": longest(detail), "error_messages": {"max_length": too_long(detail)}}


class EmailAddressField(forms.EmailField):
    """An email address, refused on the form when longer than any mailbox's can be (Django's
    takes 320 characters), with the message the services give."""

    def __init__(self, **kwargs):
        super().__init__(**_as_a_person_holds("email"), **kwargs)


class PersonDetailField(forms.CharField):
    """A person's name, job title or phone number (`detail`: the User field), refused on the
    form when longer than the service holds, with the message the services give."""

    def __init__(self, detail: str, **kwargs):
        super().__init__(**_as_a_person_holds(detail), **kwargs)


class PersonNameField(PersonDetailField):
    def __init__(self, **kwargs):
        super().__init__("full_name", **kwargs)


class ReadOnceChoiceField(forms.ModelChoiceField):
    """A filter's list of objects, read in one plain query and the chosen one found among
    them. ModelChoiceField reads its options through a server-side cursor (iterator()) each
    time they are asked for, and looks the chosen one up again in a query of its own."""

    def offer(self, queryset, *, label=None) -> None:
        """Read the options from `queryset`, each shown as `label` gives (when given)."""
        self.queryset = queryset
        if label is not None:
            self.label_from_instance = label
        self._options = {str(obj.pk): obj for obj in self.queryset}
        self.choices = [("", self.empty_label),
                        *((pk, self.label_from_instance(obj)) for pk, obj in self._options.items())]

    def options(self):
        return self._options.values()

    def option(self, value):
        """The option of this value, or None for no value or one not offered."""
        return self._options.get(str(value))

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return self._options[str(value)]
        except KeyError:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice",
                                  params={"value": value}) from None


def person_label(person) -> str:
    """A person in a list to choose from: two people may share a name, never an address."""
    return f"{person.full_name or person.email} ({person.email})"


class PersonChoiceField(forms.ModelChoiceField):
    """One person, named so that two people who share a name can be told apart."""

    def label_from_instance(self, obj):
        return person_label(obj)


class FilterForm(forms.Form):
    """A list's filters: a plain GET form, so it works without JavaScript."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if type(field.widget) is forms.Select:
                # Django's Select, its options written inline: two includes an option
                # were about a tenth of the outbox's CPU (`make bench` line "PD: outbox,
                # one cohort"; `python -m bench.cpu`, docs/performance.md).
                field.widget.template_name = "_partials/filter_select.html"

    def follow_cohort(self, cohorts, placements, *, unchosen, trainees: str, label) -> None:
        """Read the cohort select's options (`cohorts`) and make the `trainees` select offer
        the chosen cohort's placements, or `unchosen` when no cohort of those offered is
        chosen: a national programme has hundreds of trainees over the years. The chosen
        cohort, or None, is `chosen_cohort`."""
        self.fields["cohort"].offer(cohorts)
        self.chosen_cohort = self.fields["cohort"].option(self.data.get("cohort"))
        self.fields[trainees].offer(
            unchosen if self.chosen_cohort is None
            else placements.filter(cohort_id=self.chosen_cohort.pk), label=label)

    def filters(self) -> dict:
        """Every filter by name: its value when valid, else its empty value (None, or "" for
        a plain choice). An invalid one is left out (and shown with its message) rather than
        failing the page or dropping the others."""
        self.is_valid()
        valid = getattr(self, "cleaned_data", {})
        return {name: valid[name] if name in valid else field.to_python("")
                for name, field in self.fields.items()}


class DateParts(NamedTuple):
    """What was typed in the three boxes of a date, as typed."""

    day: str
    month: str
    year: str

    def as_date(self) -> datetime.date:
        """The date typed; ValueError when it is not a real one."""
        return datetime.date(int(self.year), int(self.month), int(self.day))


class NHSDateInput(forms.Widget):
    """The NHS.UK date input: three boxes (day, month, year) named `<name>-day` and so on,
    not the browser's date picker, which shows mm/dd/yyyy in a US-locale browser.

    It also reads a plain ISO date under the field's own name (`first_day=2026-12-08`): links,
    filters' query strings and scripts send one. The three boxes win when the form has them.
    The fieldset and legend around the boxes are the field template's
    (templates/nhsuk/layout/date_input.html), so aria-describedby goes there too.
    """

    PARTS = (("day", "Day", "nhsuk-input--width-2"),
             ("month", "Month", "nhsuk-input--width-2"),
             ("year", "Year", "nhsuk-input--width-4"))

    def value_from_datadict(self, data, files, name):
        if any(f"{name}-{part}" in data for part, _, _ in self.PARTS):
            return DateParts(*(str(data.get(f"{name}-{part}", "")).strip()
                               for part, _, _ in self.PARTS))
        return data.get(name)

    def value_omitted_from_data(self, data, files, name):
        return name not in data and not any(f"{name}-{part}" in data for part, _, _ in self.PARTS)

    def id_for_label(self, id_):
        """The day box, where the error summary's link moves the focus."""
        return f"{id_}-day" if id_ else id_

    @staticmethod
    def _parts(value) -> DateParts:
        if isinstance(value, DateParts):
            return value
        if isinstance(value, str):
            try:
                value = datetime.date.fromisoformat(value)
            except ValueError:
                return DateParts("", "", "")
        if isinstance(value, datetime.date):
            return DateParts(str(value.day), str(value.month), str(value.year))
        return DateParts("", "", "")

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, attrs)
        attrs.pop("aria-describedby", None)
        error = " nhsuk-input--error" if "nhsuk-input--error" in attrs.get("class", "") else ""
        id_ = attrs.get("id") or f"id_{name}"
        boxes = format_html_join(
            "", '<div class="nhsuk-date-input__item"><div class="nhsuk-form-group">'
                '<label class="nhsuk-label nhsuk-date-input__label" for="{}-{}">{}</label>'
                '<input class="nhsuk-input nhsuk-date-input__input {}{}" id="{}-{}" name="{}-{}"'
                ' type="text" inputmode="numeric" value="{}"></div></div>',
            ((id_, part, label, width, error, id_, part, name, part, typed)
             for (part, label, width), typed in zip(self.PARTS, self._parts(value), strict=True)))
        return format_html('<div class="nhsuk-date-input" id="{}">{}</div>', id_, boxes)


class ISODateHiddenInput(forms.HiddenInput):
    """A date carried through a page unseen (a preview's "Confirm" form), as an ISO date that
    NHSDateInput reads back under the field's own name."""

    def format_value(self, value):
        if isinstance(value, DateParts):
            try:
                value = value.as_date()
            except ValueError:
                return ""
        return value.isoformat() if isinstance(value, datetime.date) else super().format_value(value)


class DateField(forms.DateField):
    """A date typed in the NHS.UK date input, with the NHS.UK messages for a date that is
    incomplete ("Date must include a month") or not a real one ("Date must be a real date").
    Every date field of the service's forms is one of these."""

    widget = NHSDateInput
    hidden_widget = ISODateHiddenInput

    def _named(self) -> str:
        return strip_tags(str(self.label)) if self.label else "Date"

    def to_python(self, value):
        if not isinstance(value, DateParts):
            try:
                return super().to_python(value)
            except ValidationError as error:
                raise ValidationError(f"{self._named()} must be a real date",
                                      code=error.code) from None
        if not any(value):
            return None
        missing = [part for (part, _, _), typed in zip(NHSDateInput.PARTS, value, strict=True)
                   if not typed]
        if missing:
            raise ValidationError(f"{self._named()} must include a {' and a '.join(missing)}",
                                  code="incomplete")
        try:
            day = value.as_date()
        except ValueError:
            raise ValidationError(f"{self._named()} must be a real date", code="invalid") from None
        if len(value.year) != 4:
            raise ValidationError(f"{self._named()} year must include 4 numbers", code="invalid")
        return day


def apply_service_errors(form: forms.BaseForm, error: ValidationError, *,
                         by_field: bool = True) -> None:
    """Show a service's refusal on the form that fed it: each message next to the field it
    names (when the form has that field), the rest in the error summary. `by_field=False`
    puts every message in the summary, for a service whose field names are not the form's
    (one about several people, each with an "email")."""
    named = error.message_dict if by_field and hasattr(error, "error_dict") else {
        None: error.messages}
    for field, field_messages in named.items():
        form.add_error(field if field in form.fields else None, field_messages)


class Refusal:
    """What a service refused inside `service_refusal`: false when the call went through."""

    def __init__(self) -> None:
        self.messages: list[str] = []

    def __bool__(self) -> bool:
        return bool(self.messages)

    @property
    def summary_items(self) -> list[dict]:
        """The messages as the error summary's items, for a page with no form to put them on."""
        return [{"href": "", "text": message} for message in self.messages]


@contextmanager
def service_refusal(request: HttpRequest | None = None) -> Iterator[Refusal]:
    """Call a service that no form feeds (a POST button, a confirmation page) and keep its
    refusal instead of raising it. Given the `request`, each message is also flashed as an
    error, for a view that redirects; without it the page shows `summary_items`. A refused
    call has changed nothing: the service is atomic."""
    refusal = Refusal()
    try:
        yield refusal
    except ValidationError as error:
        refusal.messages = error.messages
        if request is not None:
            for message in refusal.messages:
                messages.error(request, message)

"""Form fields shared by the apps."""

from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import flatatt
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

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


class OptionsSelect(forms.Select):
    """A select written in one pass, the same markup as Django's: Django's select writes each
    option through a template include of its own, a millisecond for every ten options of a
    filter listing years of cohorts."""

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, attrs)
        chosen = self.format_value(value)
        options = "".join(
            f'<option value="{conditional_escape(option)}"'
            f'{" selected" if str(option) in chosen else ""}>{conditional_escape(label)}</option>'
            for option, label in self.choices)
        return mark_safe(f'<select name="{conditional_escape(name)}"{flatatt(attrs)}>'
                         f"{options}</select>")


class ReadOnceChoiceField(forms.ModelChoiceField):
    """A filter's list of objects, read in one plain query and the chosen one found among
    them. ModelChoiceField reads its options through a server-side cursor (iterator()) each
    time they are asked for, and looks the chosen one up again in a query of its own."""

    widget = OptionsSelect

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
    """One person, written in one pass (OptionsSelect): a national programme's lists of
    supervisors and trainers run to hundreds."""

    widget = OptionsSelect

    def label_from_instance(self, obj):
        return person_label(obj)


class FilterForm(forms.Form):
    """A list's filters: a plain GET form, so it works without JavaScript."""

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

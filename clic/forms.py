"""Form fields shared by the apps."""

from django import forms
from django.core.exceptions import ValidationError


class ReadOnceChoiceField(forms.ModelChoiceField):
    """A filter's list of objects, read in one plain query and the chosen one found among
    them. ModelChoiceField reads its options through a server-side cursor (iterator()) each
    time they are asked for, and looks the chosen one up again in a query of its own."""

    def read_options(self):
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

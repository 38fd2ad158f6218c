from django import forms

from clic.forms import DateField, FilterForm, ReadOnceChoiceField

from .models import AuditEvent


class AuditFilterForm(FilterForm):
    """The audit log's filters."""

    placement = ReadOnceChoiceField(queryset=None, required=False, label="Trainee",
                                    empty_label="All trainees")
    actor = ReadOnceChoiceField(queryset=None, required=False, label="Who", empty_label="Anyone")
    action = forms.ChoiceField(required=False, label="What they did")
    object_type = forms.ChoiceField(required=False, label="Record")
    start = DateField(required=False, label="From")
    end = DateField(required=False, label="To")

    def __init__(self, data=None, *, placements, actors, object_types):
        super().__init__(data)
        self.fields["placement"].offer(
            placements, label=lambda placement: f"{placement.trainee} ({placement.cohort})")
        self.fields["actor"].offer(actors)
        self.fields["action"].choices = [("", "Anything"), *AuditEvent.Action.choices]
        self.fields["object_type"].choices = [("", "Any record"),
                                              *((kind, kind.capitalize()) for kind in object_types)]

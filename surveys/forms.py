from django import forms
from django.utils import timezone

from clic.forms import DateField

from .models import Question
from .questions import Agreement
from .services import COMMENT_MAX_LENGTH, QUESTION_MAX_LENGTH, answer_field


class SurveyCreateForm(forms.Form):
    programme = forms.ModelChoiceField(queryset=None, empty_label=None)
    year = forms.IntegerField(min_value=2000, max_value=9999,
                              widget=forms.NumberInput(attrs={"class": "nhsuk-input--width-4"}))

    def __init__(self, *args, programmes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = programmes
        self.fields["year"].initial = timezone.localdate().year
        if len(programmes) == 1:
            self.fields["programme"].widget = forms.HiddenInput()
            self.fields["programme"].initial = programmes[0].pk


class QuestionForm(forms.Form):
    text = forms.CharField(label="Your question", max_length=QUESTION_MAX_LENGTH)
    kind = forms.ChoiceField(label="How people answer", choices=Question.Kind.choices,
                             widget=forms.RadioSelect, initial=Question.Kind.SCALE)


class OpenForm(forms.Form):
    closes_on = DateField(label="Closing date",
                          help_text="The last day answers are taken. For example, 31 3 2027")


class AnswerForm(forms.Form):
    """One field per question of the survey, named by services.answer_field."""

    def __init__(self, *args, questions, **kwargs):
        super().__init__(*args, **kwargs)
        for question in questions:
            if question.kind == Question.Kind.SCALE:
                field = forms.TypedChoiceField(label=question.text, choices=Agreement.choices,
                                               coerce=int, widget=forms.RadioSelect,
                                               error_messages={"required": "Choose how much you "
                                                                           "agree."})
            else:
                field = forms.CharField(label=question.text, required=False,
                                        max_length=COMMENT_MAX_LENGTH,
                                        widget=forms.Textarea(attrs={"rows": 3}))
            self.fields[answer_field(question)] = field
        self.questions = questions

    def answers(self) -> dict:
        return {question.pk: self.cleaned_data[answer_field(question)]
                for question in self.questions}

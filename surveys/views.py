"""Thin views: parse, call a selector or a service, render. Surveys come through selectors
scoped to the person: a manager's programmes, or the person's own invitation; anyone else
gets 404."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from clic.forms import apply_service_errors, service_refusal
from clic.mail.notices import done_before
from clic.pdf import background_pdf_download, background_pdf_page

from . import selectors, services
from .forms import AnswerForm, OpenForm, QuestionForm, SurveyCreateForm
from .rules import can_run_surveys


def survey_list(request):
    """The surveys the person is asked to answer and, for their managers, each programme's
    temperature checks."""
    return render(request, "surveys/survey_list.html", {
        "to_answer": selectors.open_invitations(request.user),
        "surveys": selectors.surveys_run_by(request.user) if can_run_surveys(request.user)
        else [],
        "can_run": can_run_surveys(request.user),
    })


def survey_create(request):
    programmes = selectors.programmes_run_by(request.user)
    if not (can_run_surveys(request.user) and programmes):
        raise Http404
    form = SurveyCreateForm(request.POST if request.method == "POST" else None,
                            programmes=programmes)
    if request.method == "POST" and form.is_valid():
        try:
            survey = services.survey_create(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "The draft has the framework's questions: add your own, "
                                      "then open it.")
            return redirect("survey_detail", survey.pk)
    return render(request, "surveys/survey_create.html", {"form": form})


def survey_detail(request, survey_id):
    survey = selectors.survey_for_manager(request.user, survey_id)
    form = QuestionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.survey_question_add(survey=survey, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "Your question is added.")
            return redirect("survey_detail", survey.pk)
    return render(request, "surveys/survey_detail.html", {
        "survey": survey, "questions": survey.questions.all(), "form": form,
        "results": None if survey.is_draft else selectors.survey_results(survey)})


def survey_open(request, survey_id):
    """Opening emails everyone the survey asks: the page counts and lists them, and only its
    POST opens it and sends."""
    survey = selectors.survey_for_manager(request.user, survey_id)
    if not survey.is_draft:
        messages.info(request, done_before("The temperature check was opened",
                                           when=survey.opened_at, by=survey.opened_by))
        return redirect("survey_detail", survey.pk)
    form = OpenForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.survey_open(survey=survey, closes_on=form.cleaned_data["closes_on"],
                                 by=request.user)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "The temperature check is open: the people listed are "
                                      "being emailed the link.")
            return redirect("survey_detail", survey.pk)
    closes_on = form.cleaned_data.get("closes_on") if form.is_bound and form.is_valid() else None
    plan = selectors.survey_open_plan(survey, by=request.user, today=timezone.localdate(),
                                      closes_on=closes_on)
    return render(request, "surveys/survey_open.html", {
        "survey": survey, "form": form, "plan": plan,
        "counts": selectors.audience_counts(plan)})


@require_POST
def survey_close(request, survey_id):
    survey = selectors.survey_for_manager(request.user, survey_id)
    with service_refusal(request) as refused:
        services.survey_close(survey=survey, by=request.user)
    if not refused:
        messages.success(request, "The temperature check is closed: no more answers are taken.")
    return redirect("survey_detail", survey.pk)


def survey_answer(request, survey_id):
    invitation = selectors.invitation_for(request.user, survey_id)
    survey = invitation.survey
    questions = list(survey.questions.all())
    form = AnswerForm(request.POST if request.method == "POST" else None, questions=questions)
    if request.method == "POST" and form.is_valid():
        try:
            services.survey_answer(survey=survey, person=request.user, answers=form.answers())
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "Thank you: your answers are saved, without your name.")
            return redirect("survey_answer", survey.pk)
    return render(request, "surveys/survey_answer.html", {
        "survey": survey, "invitation": invitation, "form": form})


def survey_results(request, survey_id):
    survey = selectors.survey_for_manager(request.user, survey_id)
    if survey.is_draft:
        raise Http404
    return render(request, "surveys/survey_results.html", selectors.survey_results(survey))


@require_POST
def summary_request(request, survey_id):
    survey = selectors.survey_for_manager(request.user, survey_id)
    with service_refusal(request) as refused:
        summary = services.survey_summary_request(survey=survey, by=request.user)
    if refused:
        return redirect("survey_detail", survey.pk)
    return redirect("survey_summary", survey.pk, summary.pk)


def summary_detail(request, survey_id, summary_id):
    summary = selectors.summary_for(request.user, survey_id, summary_id)
    return background_pdf_page(request, "surveys/summary_detail.html",
                               {"summary": summary, "survey": summary.survey}, build=summary)


def summary_download(request, survey_id, summary_id):
    summary = selectors.summary_for(request.user, survey_id, summary_id)
    return background_pdf_download(summary,
                                   filename=f"temperature-check-{summary.survey.year}.pdf")

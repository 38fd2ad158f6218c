from django.urls import path

from . import views

placement = "placements/<int:placement_id>/"

urlpatterns = [
    path("supervision/", views.supervision_list, name="supervision"),
    path("concerns/", views.concerns_received, name="concerns_received"),
    path(f"{placement}project/", views.project_detail, name="project_detail"),
    path(f"{placement}project/edit/", views.project_edit, name="project_edit"),
    path(f"{placement}project/<slug:action>/", views.project_action, name="project_action"),
    path(f"{placement}project-lead/", views.project_lead, name="project_lead"),
    path(f"{placement}meetings/", views.meeting_list, name="meeting_list"),
    path(f"{placement}meetings/<slug:kind>/schedule/", views.meeting_schedule,
         name="meeting_schedule"),
    path(f"{placement}meetings/<slug:kind>/record/", views.meeting_record, name="meeting_record"),
    path(f"{placement}meetings/<slug:kind>/cancel/", views.meeting_cancel, name="meeting_cancel"),
    path(f"{placement}progress/", views.progress, name="progress"),
    path(f"{placement}progress/<int:entry_id>/comment/", views.progress_comment,
         name="progress_comment"),
    path(f"{placement}hr-checklist/", views.hr_checklist, name="hr_checklist"),
    path(f"{placement}hr-checklist/confidentiality-agreement/", views.hr_agreement_download,
         name="hr_agreement_download"),
    path(f"{placement}concerns/", views.concerns, name="concerns"),
    path(f"{placement}concerns/new/", views.concern_raise, name="concern_raise"),
    path(f"{placement}concerns/<int:concern_id>/", views.concern_detail, name="concern_detail"),
    path(f"{placement}concerns/<int:concern_id>/share/", views.concern_share,
         name="concern_share"),
    path(f"{placement}summaries/", views.summaries, name="summaries"),
    path(f"{placement}summaries/<int:upload_id>/<slug:which>/", views.summary_download,
         name="summary_download"),
    path(f"{placement}summaries/committee/", views.committee_submit, name="committee_submit"),
]

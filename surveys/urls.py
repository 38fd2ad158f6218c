from django.urls import path

from . import views

urlpatterns = [
    path("surveys/", views.survey_list, name="survey_list"),
    path("surveys/new/", views.survey_create, name="survey_create"),
    path("surveys/<int:survey_id>/", views.survey_detail, name="survey_detail"),
    path("surveys/<int:survey_id>/open/", views.survey_open, name="survey_open"),
    path("surveys/<int:survey_id>/close/", views.survey_close, name="survey_close"),
    path("surveys/<int:survey_id>/answer/", views.survey_answer, name="survey_answer"),
    path("surveys/<int:survey_id>/results/", views.survey_results, name="survey_results"),
    path("surveys/<int:survey_id>/summary/", views.summary_request, name="survey_summary_request"),
    path("surveys/<int:survey_id>/summary/<int:summary_id>/", views.summary_detail,
         name="survey_summary"),
    path("surveys/<int:survey_id>/summary/<int:summary_id>/download/", views.summary_download,
         name="survey_summary_download"),
]

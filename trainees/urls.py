from django.urls import path

from . import views

urlpatterns = [
    path("cohorts/<int:pk>/trainees/add/", views.trainee_add, name="trainee_add"),
    path("cohorts/<int:pk>/trainees/upload/", views.trainees_upload, name="trainees_upload"),
    path("cohorts/<int:pk>/trainees/upload/confirm/", views.trainees_upload_confirm,
         name="trainees_upload_confirm"),
    path("cohorts/trainees-template.csv", views.trainees_template, name="trainees_template"),
    path("trainees/earlier/", views.earlier_trainees, name="earlier_trainees"),
    path("trainees/<int:pk>/", views.trainee_page, name="trainee_page"),
    path("placements/<int:pk>/", views.placement_detail, name="placement_detail"),
    path("placements/<int:pk>/edit/", views.placement_edit, name="placement_edit"),
]

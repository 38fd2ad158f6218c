from django.urls import path

from . import views

urlpatterns = [
    path("cohorts/", views.cohort_list, name="cohort_list"),
    path("cohorts/new/", views.cohort_create, name="cohort_create"),
    path("cohorts/<int:pk>/", views.cohort_detail, name="cohort_detail"),
    path("cohorts/<int:pk>/edit/", views.cohort_edit, name="cohort_edit"),
    path("cohorts/<int:pk>/publish/", views.cohort_publish, name="cohort_publish"),
    path("cohorts/<int:pk>/changes/", views.cohort_changes, name="cohort_changes"),
    path("cohorts/<int:pk>/timetable/", views.cohort_timetable, name="cohort_timetable"),
    path("cohorts/<int:pk>/timetable/overview/", views.cohort_timetable_overview,
         name="cohort_timetable_overview"),
    path("cohorts/<int:pk>/sessions/<int:session_pk>/", views.session_edit, name="session_edit"),
    path("cohorts/<int:pk>/sessions/<int:session_pk>/cancel/", views.session_cancel,
         name="session_cancel"),
    path("cohorts/<int:pk>/sessions/<int:session_pk>/reinstate/", views.session_reinstate,
         name="session_reinstate"),
    path("cohorts/<int:pk>/timetables/", views.pack_request, name="pack_request"),
    path("cohorts/<int:pk>/timetables/<int:pack_pk>/", views.pack_detail, name="pack_detail"),
    path("cohorts/<int:pk>/timetables/<int:pack_pk>/retry/", views.pack_retry,
         name="pack_retry"),
    path("cohorts/<int:pk>/timetables/<int:pack_pk>/download/", views.pack_download,
         name="pack_download"),
    path("placements/<int:pk>/timetable.pdf", views.placement_timetable_pdf,
         name="placement_timetable_pdf"),
    path("diary/", views.diary_week_view, name="diary_week"),
    path("diary/month/", views.diary_month_view, name="diary_month"),
    path("calendar/", views.calendar_subscribe, name="calendar_subscribe"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
]

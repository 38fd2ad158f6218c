from django.urls import path

from . import views

urlpatterns = [
    path("opportunities/", views.board, name="opportunity_board"),
    path("opportunities/new/", views.publish, name="opportunity_publish"),
    path("opportunities/digest/", views.digest, name="opportunity_digest"),
    path("opportunities/monitoring/", views.monitoring_summary,
         name="opportunity_monitoring_summary"),
    path("opportunities/<int:opportunity_id>/", views.detail, name="opportunity_detail"),
    path("opportunities/<int:opportunity_id>/interest/", views.interest,
         name="opportunity_interest"),
    path("opportunities/<int:opportunity_id>/monitoring/", views.monitoring,
         name="opportunity_monitoring"),
]

from django.urls import path

from . import views

app_name = "community"

urlpatterns = [
    path("alumni/", views.index, name="index"),
    path("alumni/join/<int:placement_id>/", views.join, name="join"),
    path("alumni/<int:alumnus_id>/", views.profile, name="profile"),
    path("alumni/<int:alumnus_id>/leave/", views.leave, name="leave"),
    path("programmes/<int:programme_id>/alumni/", views.directory, name="directory"),
    path("programmes/<int:programme_id>/mentoring/", views.mentoring, name="mentoring"),
    path("mentoring/<int:pair_id>/", views.pair, name="pair"),
]

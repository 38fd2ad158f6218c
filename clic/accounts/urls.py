from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("invitation/<uidb64>/<token>/", views.invitation_accept, name="invitation_accept"),
    path("people/", views.people, name="people"),
    path("people/invite/", views.person_invite, name="person_invite"),
    path("people/<int:pk>/", views.person_detail, name="person_detail"),
    path("people/<int:pk>/reinvite/", views.person_reinvite, name="person_reinvite"),
    path("people/<int:pk>/roles/<int:membership_pk>/remove/", views.membership_remove,
         name="membership_remove"),
    path("organisations/", views.organisations, name="organisations"),
    path("organisations/new/", views.organisation_edit, name="organisation_create"),
    path("organisations/<int:pk>/", views.organisation_edit, name="organisation_edit"),
    path("profile/", views.profile, name="profile"),
    path("profile/calendar-token/", views.calendar_token_reset, name="calendar_token_reset"),
    path("profile/your-data/", views.data_export, name="data_export"),
    path("profile/your-data.zip", views.data_export_download, name="data_export_download"),
]

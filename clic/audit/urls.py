from django.urls import path

from . import views

urlpatterns = [
    path("audit/", views.events, name="audit_events"),
]

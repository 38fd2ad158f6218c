from django.contrib import admin
from django.urls import include, path

from . import views

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("healthz", views.healthz, name="healthz"),
    path("assets/images/<str:filename>", views.nhsuk_image, name="nhsuk_image"),
    path("", include("clic.accounts.urls")),
    path("", include("rotations.urls")),
    path("", include("trainees.urls")),
    path("", include("projects.urls")),
    path("", include("clic.mail.urls")),
    path("", include("assessments.urls")),
    path("", include("absences.urls")),
    path("", include("surveys.urls")),
    path("", include("interests.urls")),
    path("", include("clic.audit.urls")),
    path("", include("opportunities.urls")),
    path("", include("community.urls")),
]

handler404 = "clic.views.page_not_found"
handler500 = "clic.views.server_error"

from django.urls import path

from . import views

app_name = "absences"

urlpatterns = [
    path("absences/", views.mine, name="mine"),
    path("absences/report/", views.report_start, name="start"),
    path("absences/report/<int:placement_id>/<slug:kind_slug>/", views.report, name="report"),
    path("absences/<int:pk>/", views.detail, name="detail"),
    path("absences/<int:pk>/change/", views.change, name="change"),
    path("absences/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("absences/<int:pk>/back/", views.back, name="back"),
    path("absences/<int:pk>/decide/", views.decide, name="decide"),
    path("absences/programme/", views.programme, name="programme"),
    path("absences/programme/absences.csv", views.programme_csv, name="programme_csv"),
    path("absences/supervised/", views.supervised, name="supervised"),
    path("absences/ccg/", views.ccg, name="ccg"),
    path("absences/ccg/register.csv", views.ccg_register, name="ccg_register"),
]

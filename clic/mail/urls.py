from django.urls import path

from . import views

urlpatterns = [
    path("outbox/", views.outbox, name="mail_outbox"),
    path("outbox/<int:pk>/", views.outbox_detail, name="mail_outbox_detail"),
    path("outbox/<int:pk>/resend/", views.outbox_resend, name="mail_outbox_resend"),
    path("sop/", views.catalogue, name="mail_catalogue"),
    path("sop/<int:programme_id>/", views.routing_table, name="mail_routing_table"),
    path("sop/<int:programme_id>/<str:code>/", views.routing_row_edit, name="mail_routing_row"),
]

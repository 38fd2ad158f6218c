from django.urls import path

from . import views

urlpatterns = [
    path("interests/", views.interests_mine, name="interests_mine"),
    path("interests/declare/", views.interest_declare, name="interest_declare"),
    path("interests/<int:interest_id>/", views.interest_edit, name="interest_edit"),
    path("interests/nothing-to-declare/", views.nothing_to_declare,
         name="interests_nothing_to_declare"),
    path("interests/register/", views.programme_register, name="interests_register"),
    path("interests/conflicts/<int:placement_id>/", views.conflict_decide,
         name="conflict_decide"),
]

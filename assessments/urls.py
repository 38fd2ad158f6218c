from django.urls import path

from . import views

urlpatterns = [
    path("end-of-rotation/", views.index, name="assessments_index"),
    # Presentation day (PDs)
    path("cohorts/<int:cohort_id>/presentation-day/", views.presentation_schedule,
         name="presentation_schedule"),
    path("presentation-days/<int:day_id>/", views.presentation_day, name="presentation_day"),
    path("presentation-days/<int:day_id>/move/", views.presentation_day_move,
         name="presentation_day_move"),
    path("presentation-days/<int:day_id>/slots/", views.presentation_slots_edit,
         name="presentation_slots_edit"),
    path("presentation-days/<int:day_id>/cancel/", views.presentation_day_cancel,
         name="presentation_day_cancel"),
    path("presentation-days/<int:day_id>/chase/", views.presentation_chase,
         name="presentation_chase"),
    path("presentation-days/<int:day_id>/attendance/", views.presentation_attendance,
         name="presentation_attendance"),
    path("presentation-slots/<int:slot_id>/title/", views.presentation_slot_title,
         name="presentation_slot_title"),
    # Everyone invited
    path("presentations/", views.presentation_invitations, name="presentation_invitations"),
    path("presentations/invitations/<int:invitation_id>/reply/",
         views.presentation_invitation_respond, name="presentation_invitation_respond"),
    path("presentation-slots/<int:slot_id>/feedback/", views.presentation_feedback_give,
         name="presentation_feedback_give"),
    path("placements/<int:placement_id>/presentation-feedback/", views.presentation_feedback,
         name="presentation_feedback"),
    # Assessments
    path("placements/<int:placement_id>/assessment/", views.assessment_detail,
         name="assessment_detail"),
    path("placements/<int:placement_id>/assessment/presentation/",
         views.presentation_assessment_record, name="presentation_assessment_record"),
    path("placements/<int:placement_id>/assessment/cbd/", views.cbd_record, name="cbd_record"),
    path("placements/<int:placement_id>/end-of-rotation.pdf", views.end_of_rotation_pdf,
         name="end_of_rotation_pdf"),
    # Reflective entries
    path("placements/<int:placement_id>/reflective-entries/", views.reflective_entries,
         name="reflective_entries"),
    path("reflective-entries/<int:entry_id>/delete/", views.reflective_entry_delete,
         name="reflective_entry_delete"),
    path("cohorts/<int:cohort_id>/reflective-entries/", views.reflective_overview,
         name="reflective_overview"),
    # Programme evaluation
    path("cohorts/<int:cohort_id>/evaluation/results/", views.evaluation_results,
         name="evaluation_results"),
    path("cohorts/<int:cohort_id>/evaluation/open/", views.evaluation_open,
         name="evaluation_open"),
    path("cohorts/<int:cohort_id>/evaluation/share/", views.evaluation_share,
         name="evaluation_share"),
    path("cohorts/<int:cohort_id>/evaluation/", views.evaluation_answer, name="evaluation_answer"),
]

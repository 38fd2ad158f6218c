"""Every write at the end of the rotation. Keyword-only, typed, atomic; a refusal is a
`ValidationError` with a message for the person, and nothing is saved.

Emails go through the outbox in the same transaction (clic.mail.services.sop_notify):
S13 (and its update, cancellation and reminder rows) for the presentation day, S16 for an
assessment outcome, S17 for the evaluation and its results, REFLECT for the weekly nudge.

One module per sub-domain (presentation_days, feedback, assessment, reflective,
evaluation); this package is their public surface, so callers write
`from assessments import services` and `services.presentation_day_schedule(...)` as in
every other app.
"""

from .assessment import (
    MAX_CBD_CAPABILITIES,
    CapabilitySpec,
    case_based_discussion_record,
    presentation_assessment_record,
)
from .evaluation import (
    evaluation_answer,
    evaluation_invitations_send,
    evaluation_open,
    evaluation_results_share,
)
from .feedback import presentation_feedback_give
from .presentation_days import (
    SlotSpec,
    presentation_attendance_record,
    presentation_day_cancel,
    presentation_day_move,
    presentation_day_schedule,
    presentation_invitation_respond,
    presentation_invitations_chase,
    presentation_invitations_sync,
    presentation_slot_title_set,
    presentation_slots_update,
)
from .reflective import reflective_entry_delete, reflective_entry_log, reflective_reminders_send

__all__ = [
    "MAX_CBD_CAPABILITIES",
    "CapabilitySpec",
    "SlotSpec",
    "case_based_discussion_record",
    "evaluation_answer",
    "evaluation_invitations_send",
    "evaluation_open",
    "evaluation_results_share",
    "presentation_assessment_record",
    "presentation_attendance_record",
    "presentation_day_cancel",
    "presentation_day_move",
    "presentation_day_schedule",
    "presentation_feedback_give",
    "presentation_invitation_respond",
    "presentation_invitations_chase",
    "presentation_invitations_sync",
    "presentation_slot_title_set",
    "presentation_slots_update",
    "reflective_entry_delete",
    "reflective_entry_log",
    "reflective_reminders_send",
]

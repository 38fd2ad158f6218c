"""The only write to the audit log: other apps' services call `record` inside their own
transaction, so an event exists exactly when the change it describes was saved.

    from clic.audit import services as audit
    audit.record(actor=by, action=audit.CHANGED, obj=absence, summary="Last day set")
"""

from .models import AuditEvent

CREATED = AuditEvent.Action.CREATED
CHANGED = AuditEvent.Action.CHANGED
DELETED = AuditEvent.Action.DELETED
VIEWED = AuditEvent.Action.VIEWED


def _where(obj, placement, cohort):
    """The placement and cohort an object belongs to: itself, or its `placement` or `cohort`."""
    label = obj._meta.label
    if placement is None and label == "trainees.Placement":
        placement = obj
    if placement is None and getattr(obj, "placement_id", None):
        placement = obj.placement
    if cohort is None and label == "rotations.Cohort":
        cohort = obj
    if cohort is None:
        cohort = placement.cohort if placement is not None else getattr(obj, "cohort", None)
    return placement, cohort


def object_type_of(obj) -> str:
    return str(obj._meta.verbose_name)


def record(*, actor, action: str, obj, summary: str, object_type: str | None = None,
           placement=None, cohort=None, programme=None) -> AuditEvent:
    """Add one event. `summary` says what happened in a few words and never carries a
    sickness note, a reason or a diagnosis."""
    placement, cohort = _where(obj, placement, cohort)
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None, action=action,
        object_type=object_type or object_type_of(obj), object_id=obj.pk,
        placement=placement, trainee_id=placement.trainee_id if placement else None,
        cohort=cohort,
        programme_id=cohort.programme_id if cohort else programme.pk if programme else None,
        summary=summary[:300])

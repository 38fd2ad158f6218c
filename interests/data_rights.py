"""The register of interests in its person's subject access export."""

from .models import ConflictDecision, Interest, NothingToDeclare


def register_of(user) -> dict:
    """interests.json, when the person has declared anything or made a choice."""
    interests = [{"type": i.get_kind_display(), "organisation": i.organisation_label,
                  "description": i.description, "from": i.starts_on, "to": i.ends_on,
                  "declared_at": i.created_at, "changed_at": i.updated_at}
                 for i in Interest.objects.filter(person=user).select_related("organisation")]
    nil = list(NothingToDeclare.objects.filter(person=user).values_list("declared_on", flat=True))
    choices = [{"trainee": d.placement.trainee.full_name, "choice": d.get_choice_display(),
                "at": d.decided_at}
               for d in ConflictDecision.objects.filter(person=user)
               .select_related("placement__trainee")]
    if not (interests or nil or choices):
        return {}
    return {"interests.json": {"interests": interests, "nothing_to_declare_on": nil,
                               "conflict_choices": choices}}

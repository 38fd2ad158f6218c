"""Who may do what with a placement's project, meetings, progress log, HR checklist,
concerns and summaries. Each rule takes the person and the placement (already fetched
through a selector scoped to them) and answers from their relation to it."""

from clic.accounts.models import Role, RoleMembership

TRAINEE = "trainee"
SUPERVISOR = "ccg_supervisor"
LEAD = "project_lead"
ES = "es"
PD = "pd"
PA = "pa"
DEPUTY_CHAIR = "deputy_chair"
CCG_ADMIN = "ccg_admin"

# Who sees the project, its meetings, progress log, HR checklist and summaries.
# Not the Programme Administrator (absences and leave) nor CCG admin (diary and absences).
PROJECT_READERS = frozenset({TRAINEE, SUPERVISOR, LEAD, PD, ES, DEPUTY_CHAIR})
SUPERVISORS = frozenset({SUPERVISOR, LEAD})


def _memberships(user) -> frozenset[tuple[str, int]]:
    cached = getattr(user, "_clic_memberships", None)
    if cached is None:
        cached = frozenset(RoleMembership.objects.filter(user=user)
                           .values_list("role", "organisation_id"))
        user._clic_memberships = cached
    return cached


def relations(user, placement) -> frozenset[str]:
    """How the person stands to the placement: trainee, ccg_supervisor, project_lead, es,
    pd, pa, deputy_chair, ccg_admin (any number of them). Memoised for the request."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cache = user.__dict__.setdefault("_clic_placement_relations", {})
    key = (placement.pk, placement.trainee_id, placement.ccg_supervisor_id,
           placement.project_lead_id, placement.educational_supervisor_id)
    if key in cache:
        return cache[key]
    found = set()
    for relation, user_id in ((TRAINEE, placement.trainee_id),
                              (SUPERVISOR, placement.ccg_supervisor_id),
                              (LEAD, placement.project_lead_id),
                              (ES, placement.educational_supervisor_id)):
        if user_id == user.pk:
            found.add(relation)
    memberships = _memberships(user)
    cohort = placement.cohort
    for relation, role, organisation_id in ((PD, Role.PD, cohort.programme_id),
                                            (PA, Role.PA, cohort.programme_id),
                                            (DEPUTY_CHAIR, Role.DEPUTY_CHAIR, cohort.ccg_id),
                                            (CCG_ADMIN, Role.CCG_ADMIN, cohort.ccg_id)):
        if (role, organisation_id) in memberships:
            found.add(relation)
    # A cohort's own directors receive S14 even when their PD role is elsewhere.
    if (PD not in found and any(role == Role.PD for role, _ in memberships)
            and cohort.directors.filter(pk=user.pk).exists()):
        found.add(PD)
    cache[key] = frozenset(found)
    return cache[key]


def _has(user, placement, allowed) -> bool:
    return bool(relations(user, placement) & allowed)


def can_view_project(user, placement) -> bool:
    return _has(user, placement, PROJECT_READERS)


def can_edit_project(user, placement) -> bool:
    """Only the trainee proposes and edits their project."""
    return _has(user, placement, {TRAINEE})


def can_agree_project(user, placement) -> bool:
    return _has(user, placement, {SUPERVISOR})


def can_confirm_project(user, placement) -> bool:
    """The PD confirms that the project is appropriate."""
    return _has(user, placement, {PD})


def can_start_project(user, placement) -> bool:
    return _has(user, placement, {TRAINEE, SUPERVISOR, LEAD})


def can_complete_project(user, placement) -> bool:
    return _has(user, placement, SUPERVISORS)


def can_assign_project_lead(user, placement) -> bool:
    return _has(user, placement, {SUPERVISOR})


def can_manage_meetings(user, placement) -> bool:
    """Schedule SOP meetings and record them as held."""
    return _has(user, placement, {TRAINEE, SUPERVISOR, LEAD})


def can_add_progress(user, placement) -> bool:
    return _has(user, placement, {TRAINEE})


def can_comment_progress(user, placement) -> bool:
    return _has(user, placement, SUPERVISORS)


def can_edit_hr_checklist(user, placement) -> bool:
    return _has(user, placement, {TRAINEE})


def can_upload_summaries(user, placement) -> bool:
    return _has(user, placement, {TRAINEE})


def can_submit_to_committee(user, placement) -> bool:
    return _has(user, placement, SUPERVISORS)


def concern_role_for(user, placement) -> str | None:
    """Which SOP row a concern this person raises follows: the CCG Supervisor's (S14) or the
    Project Lead's (S15). Someone who is both raises it as the supervisor."""
    found = relations(user, placement)
    if SUPERVISOR in found:
        return SUPERVISOR
    if LEAD in found:
        return LEAD
    return None


def can_raise_concern(user, placement) -> bool:
    return concern_role_for(user, placement) is not None


def can_see_concerns_page(user, placement) -> bool:
    """Who may open the concerns page at all; which concerns it lists is the selector's job."""
    return _has(user, placement, {TRAINEE, SUPERVISOR, LEAD, PD, DEPUTY_CHAIR})


def can_update_concern(user, concern) -> bool:
    """Status and notes: everyone who may see it except the trainee."""
    from .models import Concern

    found = relations(user, concern.placement)
    if concern.raised_by_id == user.pk or PD in found:
        return True
    return concern.raised_as == Concern.RaisedAs.PROJECT_LEAD and bool(
        found & {SUPERVISOR, DEPUTY_CHAIR})


def can_share_concern(user, concern) -> bool:
    """The raiser or a PD decides whether the trainee sees it."""
    return concern.raised_by_id == user.pk or PD in relations(user, concern.placement)


def can_open_supervision_list(user) -> bool:
    from clic.accounts.selectors import user_roles

    return bool(user_roles(user) & {Role.CCG_SUPERVISOR, Role.PROJECT_LEAD, Role.PD})


def can_open_concerns_received(user) -> bool:
    """Those the SOP sends concerns to: PDs (S14), CCG Supervisors and Deputy Clinical Chairs
    (S15)."""
    from clic.accounts.selectors import user_roles

    return bool(user_roles(user) & {Role.PD, Role.CCG_SUPERVISOR, Role.DEPUTY_CHAIR})

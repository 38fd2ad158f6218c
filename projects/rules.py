"""Who may do what with a placement's project, meetings, progress log, HR checklist,
concerns and summaries. Each rule takes the person and the placement (already fetched
through a selector scoped to them) and answers from their relation to it."""

from clic.accounts.access import access_for
from clic.accounts.models import Role

from .models import Concern

# Who sees the project, its meetings, progress log, HR checklist and summaries.
# Not the Programme Administrator (absences and leave) nor CCG admin (diary and absences).
PROJECT_READERS = frozenset({Role.TRAINEE, Role.CCG_SUPERVISOR, Role.PROJECT_LEAD, Role.PD,
                             Role.ES, Role.DEPUTY_CHAIR})
SUPERVISORS = frozenset({Role.CCG_SUPERVISOR, Role.PROJECT_LEAD})


def relations(user, placement) -> frozenset[Role]:
    """The roles the person holds towards the placement (any number of them): trainee, CCG
    Supervisor, Project Lead and ES by being named on it; Role.PD and PA of its programme; Deputy
    Chair and CCG admin of its CCG. Kept on the request's access."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    key = (placement.pk, placement.trainee_id, placement.ccg_supervisor_id,
           placement.project_lead_id, placement.educational_supervisor_id)
    access = access_for(user)
    return access.derived(("placement relations", key),
                          lambda: _relations(user, access, placement))


def _relations(user, access, placement) -> frozenset[Role]:
    found = set()
    for role, user_id in ((Role.TRAINEE, placement.trainee_id),
                          (Role.CCG_SUPERVISOR, placement.ccg_supervisor_id),
                          (Role.PROJECT_LEAD, placement.project_lead_id),
                          (Role.ES, placement.educational_supervisor_id)):
        if user_id == user.pk:
            found.add(role)
    cohort = placement.cohort
    for role, organisation_id in ((Role.PD, cohort.programme_id),
                                  (Role.PA, cohort.programme_id),
                                  (Role.DEPUTY_CHAIR, cohort.ccg_id),
                                  (Role.CCG_ADMIN, cohort.ccg_id)):
        if access.holds(role, organisation_id):
            found.add(role)
    # A cohort's own directors receive S14 even when their Role.PD role is elsewhere.
    if (Role.PD not in found and access.has_role(Role.PD)
            and cohort.pk in access.directed_cohort_ids):
        found.add(Role.PD)
    return frozenset(found)


def _has(user, placement, allowed) -> bool:
    return bool(relations(user, placement) & allowed)


def can_view_project(user, placement) -> bool:
    return _has(user, placement, PROJECT_READERS)


def can_edit_project(user, placement) -> bool:
    """Only the trainee proposes and edits their project."""
    return _has(user, placement, {Role.TRAINEE})


def can_agree_project(user, placement) -> bool:
    return _has(user, placement, {Role.CCG_SUPERVISOR})


def can_confirm_project(user, placement) -> bool:
    """The PD confirms that the project is appropriate."""
    return _has(user, placement, {Role.PD})


def can_start_project(user, placement) -> bool:
    return _has(user, placement, {Role.TRAINEE, Role.CCG_SUPERVISOR, Role.PROJECT_LEAD})


def can_complete_project(user, placement) -> bool:
    return _has(user, placement, SUPERVISORS)


def can_assign_project_lead(user, placement) -> bool:
    return _has(user, placement, {Role.CCG_SUPERVISOR})


def can_manage_meetings(user, placement) -> bool:
    """Schedule SOP meetings and record them as held."""
    return _has(user, placement, {Role.TRAINEE, Role.CCG_SUPERVISOR, Role.PROJECT_LEAD})


def can_add_progress(user, placement) -> bool:
    return _has(user, placement, {Role.TRAINEE})


def can_comment_progress(user, placement) -> bool:
    return _has(user, placement, SUPERVISORS)


def can_edit_hr_checklist(user, placement) -> bool:
    return _has(user, placement, {Role.TRAINEE})


def can_upload_summaries(user, placement) -> bool:
    return _has(user, placement, {Role.TRAINEE})


def can_submit_to_committee(user, placement) -> bool:
    return _has(user, placement, SUPERVISORS)


def concern_role_for(user, placement) -> Role | None:
    """Which SOP row a concern this person raises follows: the CCG Supervisor's (S14) or the
    Project Lead's (S15). Someone who is both raises it as the supervisor."""
    found = relations(user, placement)
    if Role.CCG_SUPERVISOR in found:
        return Role.CCG_SUPERVISOR
    if Role.PROJECT_LEAD in found:
        return Role.PROJECT_LEAD
    return None


def can_raise_concern(user, placement) -> bool:
    return concern_role_for(user, placement) is not None


def can_see_concerns_page(user, placement) -> bool:
    """Who may open the concerns page at all; which concerns it lists is the selector's job."""
    return _has(user, placement, {Role.TRAINEE, Role.CCG_SUPERVISOR, Role.PROJECT_LEAD, Role.PD,
                                  Role.DEPUTY_CHAIR})


def can_update_concern(user, concern) -> bool:
    """Status and notes: everyone who may see it except the trainee."""
    found = relations(user, concern.placement)
    if concern.raised_by_id == user.pk or Role.PD in found:
        return True
    return concern.raised_as == Concern.RaisedAs.PROJECT_LEAD and bool(
        found & {Role.CCG_SUPERVISOR, Role.DEPUTY_CHAIR})


def can_share_concern(user, concern) -> bool:
    """The raiser or a PD decides whether the trainee sees it."""
    return concern.raised_by_id == user.pk or Role.PD in relations(user, concern.placement)


def can_open_supervision_list(user) -> bool:
    return access_for(user).has_role(Role.CCG_SUPERVISOR, Role.PROJECT_LEAD, Role.PD)


def can_open_concerns_received(user) -> bool:
    """Those the SOP sends concerns to: PDs (S14), CCG Supervisors and Deputy Clinical Chairs
    (S15)."""
    return access_for(user).has_role(Role.PD, Role.CCG_SUPERVISOR, Role.DEPUTY_CHAIR)

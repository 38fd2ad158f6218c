from clic.accounts.access import access_for
from clic.accounts.models import Role

from .models import OutboundEmail

OUTBOX_ROLES = frozenset({Role.PD, Role.PA, Role.CCG_ADMIN})
MANAGER_ROLES = frozenset({Role.PD, Role.PA})


def can_view_outbox(user) -> bool:
    """PDs and PAs read their programmes' outbox; CCG admin reads their mailbox's part of it."""
    return access_for(user).has_role(*OUTBOX_ROLES)


def can_view_catalogue(user) -> bool:
    return access_for(user).has_role(*MANAGER_ROLES)


def can_resend(user, email: OutboundEmail) -> bool:
    """Only a PD or PA, and only a failed email (one already in their scope)."""
    return access_for(user).has_role(*MANAGER_ROLES) and email.status == OutboundEmail.Status.FAILED


def can_edit_routing(user, programme) -> bool:
    """Only the programme's own PDs change whom its emails reach and what they say."""
    return access_for(user).holds(Role.PD, programme.pk)

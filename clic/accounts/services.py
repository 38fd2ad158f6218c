from collections.abc import Iterable

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from clic.audit import services as audit
from clic.mail.services import email_queue_template

from .models import (
    ROLE_ORGANISATION_KIND,
    Invitation,
    Organisation,
    Role,
    RoleMembership,
    User,
    new_calendar_token,
)
from .validators import person_errors


class RoleOrganisationMismatch(ValueError):
    pass


def invitation_url(user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return settings.SITE_URL + reverse("invitation_accept", args=[uid, token])


@transaction.atomic
def membership_add(*, user: User, role: str, organisation: Organisation) -> RoleMembership:
    if ROLE_ORGANISATION_KIND[role] != organisation.kind:
        raise RoleOrganisationMismatch(
            f"A {RoleMembership(role=role).get_role_display()} belongs to a "
            f"{Organisation.Kind(ROLE_ORGANISATION_KIND[role]).label}, not {organisation}.")
    membership, _ = RoleMembership.objects.get_or_create(user=user, role=role,
                                                         organisation=organisation)
    return membership


# How the audit log files a role taken away, for membership_removal to find it again.
ROLE_REMOVED = "role"


@transaction.atomic
def membership_remove(*, membership: RoleMembership, by: User | None = None) -> None:
    audit.record(actor=by, action=audit.DELETED, obj=membership, object_type=ROLE_REMOVED,
                 summary=f"Role removed: {membership.get_role_display()}, "
                         f"{membership.organisation}")
    membership.delete()


@transaction.atomic
def user_invite(*, email: str, full_name: str, roles: Iterable[tuple[str, Organisation]],
                invited_by: User | None, job_title: str = "", phone: str = "",
                send: bool = True) -> User:
    """Find the person by email or create them, give them their roles, and (for a new
    person) email an invitation to set a password. Existing people are matched, not duplicated."""
    email, full_name = email.strip().lower(), full_name.strip()
    errors = person_errors(email=email, full_name=full_name, job_title=job_title, phone=phone)
    if errors:
        raise ValidationError(errors)
    user = User.objects.filter(email__iexact=email).first()
    created = user is None
    if created:
        user = User.objects.create_user(email=email, password=None, full_name=full_name,
                                        job_title=job_title, phone=phone)
    for role, organisation in roles:
        membership_add(user=user, role=role, organisation=organisation)
    if created and send:
        invitation_send(user=user, invited_by=invited_by)
    return user


@transaction.atomic
def invitation_send(*, user: User, invited_by: User | None) -> Invitation:
    invitation = Invitation.objects.create(user=user, invited_by=invited_by)
    email_queue_template(
        code="INVITE",
        to=[user.email],
        template="mail/invitation",
        context={"user": user, "invited_by": invited_by, "url": invitation_url(user)},
        event_key=f"invitation:{invitation.pk}",
        about=user,
    )
    return invitation


@transaction.atomic
def invitation_accept(*, user: User, password: str) -> User:
    """Set the invited person's password; the link proved they own the address."""
    user.set_password(password)
    user.save(update_fields=["password"])
    Invitation.objects.filter(user=user, accepted_at__isnull=True).update(
        accepted_at=timezone.now())
    address, _ = EmailAddress.objects.get_or_create(user=user, email=user.email,
                                                    defaults={"primary": True})
    if not address.verified or not address.primary:
        address.verified = True
        address.primary = True
        address.save(update_fields=["verified", "primary"])
    return user


@transaction.atomic
def user_update(*, user: User, full_name: str, job_title: str, phone: str) -> User:
    details = {"full_name": full_name.strip(), "job_title": job_title.strip(),
               "phone": phone.strip()}
    errors = person_errors(**details)
    if errors:
        raise ValidationError(errors)
    for field, value in details.items():
        setattr(user, field, value)
    user.save(update_fields=list(details))
    return user


@transaction.atomic
def calendar_token_reset(*, user: User) -> str:
    user.calendar_token = new_calendar_token()
    user.save(update_fields=["calendar_token"])
    return user.calendar_token


@transaction.atomic
def organisation_save(*, organisation: Organisation) -> Organisation:
    if organisation.kind == Organisation.Kind.CCG and not organisation.admin_mailbox:
        organisation.admin_mailbox = settings.CLIC_DEFAULT_CCG_ADMIN_MAILBOX
    organisation.full_clean()
    organisation.save()
    return organisation


@transaction.atomic
def programme_bootstrap(*, programme_name: str, pd_email: str, pd_full_name: str) -> User:
    """The first run of a new deployment: the training programme and its first Programme
    Director, invited by email to set a password like anyone else. Running it again changes
    nothing (the programme and the person are found, not made twice)."""
    programme_name = programme_name.strip()
    errors = {}
    if not programme_name:
        errors["programme_name"] = "Enter the programme's name."
    try:
        validate_email(pd_email.strip())
    except ValidationError:
        errors["pd_email"] = "Enter the Programme Director's email address, like name@nhs.net."
    if not pd_full_name.strip():
        errors["pd_full_name"] = "Enter the Programme Director's full name."
    if errors:
        raise ValidationError(errors)
    programme = (Organisation.objects.filter(kind=Organisation.Kind.PROGRAMME,
                                             name=programme_name).first()
                 or organisation_save(organisation=Organisation(
                     kind=Organisation.Kind.PROGRAMME, name=programme_name)))
    return user_invite(email=pd_email, full_name=pd_full_name, invited_by=None,
                       roles=[(Role.PD, programme)])

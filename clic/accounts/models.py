import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email, password=None, **fields):
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **fields):
        fields.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **fields)


def new_calendar_token():
    return secrets.token_urlsafe(32)


class User(AbstractBaseUser, PermissionsMixin):
    """A person: logs in by email. What they may do comes from their role memberships."""

    # RFC 5321's longest mailbox address. Django's form EmailField and validate_email take up
    # to 320 characters: what writes a person checks each detail's length itself
    # (clic.accounts.validators.person_errors, read from these columns).
    email = models.EmailField(unique=True, max_length=254)
    full_name = models.CharField(max_length=200)
    job_title = models.CharField(max_length=200, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(
        default=False, help_text="Superusers only: may open the Django admin."
    )
    date_joined = models.DateTimeField(default=timezone.now)
    calendar_token = models.CharField(max_length=64, unique=True, default=new_calendar_token)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name", "email"]

    def __str__(self):
        return self.full_name or self.email

    def get_full_name(self):
        return self.full_name

    def get_short_name(self):
        return self.full_name.split(" ")[0] if self.full_name else self.email


class Organisation(models.Model):
    class Kind(models.TextChoices):
        CCG = "ccg", "CCG"
        PRACTICE = "practice", "GP practice"
        PROGRAMME = "programme", "Training programme"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    name = models.CharField(max_length=200)
    admin_mailbox = models.EmailField(
        blank=True,
        help_text="The CCG's shared admin mailbox, told of CCG-day absences and allocations.",
    )
    committee_email = models.EmailField(
        "Clinical Assurance Strategy Committee address",
        blank=True,
        help_text="Receives the trainees' one-slide project summaries.",
    )
    address = models.TextField(blank=True)

    class Meta:
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "name"], name="organisation_unique_name"),
        ]

    def __str__(self):
        return self.name


class Role(models.TextChoices):
    TRAINEE = "trainee", "Trainee"
    PD = "pd", "Programme Director"
    PA = "pa", "Programme Administrator"
    CCG_SUPERVISOR = "ccg_supervisor", "CCG Supervisor"
    PROJECT_LEAD = "project_lead", "CCG Project Lead"
    CCG_ADMIN = "ccg_admin", "CCG Admin Support"
    ES = "es", "Educational Supervisor"
    DEPUTY_CHAIR = "deputy_chair", "Deputy Clinical Chair"
    ALUMNUS = "alumnus", "Alumnus"


# Which kind of organisation each role belongs to.
ROLE_ORGANISATION_KIND = {
    Role.TRAINEE: Organisation.Kind.PROGRAMME,
    Role.PD: Organisation.Kind.PROGRAMME,
    Role.PA: Organisation.Kind.PROGRAMME,
    Role.CCG_SUPERVISOR: Organisation.Kind.CCG,
    Role.PROJECT_LEAD: Organisation.Kind.CCG,
    Role.CCG_ADMIN: Organisation.Kind.CCG,
    Role.ES: Organisation.Kind.PRACTICE,
    Role.DEPUTY_CHAIR: Organisation.Kind.CCG,
    # A former trainee who chose to stay on after their rotation (community.services).
    Role.ALUMNUS: Organisation.Kind.PROGRAMME,
}

STAFF_MANAGER_ROLES = (Role.PD, Role.PA)


class RoleMembership(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT,
                                     related_name="memberships")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["role", "organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "organisation"],
                                    name="membership_unique"),
        ]
        indexes = [models.Index(fields=["organisation", "role"])]

    def __str__(self):
        return f"{self.user} – {self.get_role_display()}, {self.organisation}"


class Invitation(models.Model):
    """An invitation to set a password; the link carries a signed one-time token."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="invitations")
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Invitation for {self.user.email}"

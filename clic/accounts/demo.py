"""The demo world: a programme, an east Kent CCG and a cohort in week 6 of 16 today.

Every app adds its part in its own `demo.py` through its own services, so the demo
shows each feature live, with the emails it caused in the outbox.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from . import services
from .models import Organisation, Role, User

DEMO_PASSWORD = "demo-clic-2026"
DEMO_DOMAIN = "clic.test"
PROGRAMME_NAME = "HEE KSS GP Specialty Training (east Kent)"
CCG_NAME = "East Kent CCG"
PRACTICE_NAMES = [
    "Canterbury Road Surgery",
    "Harbour Street Practice",
    "Stour Valley Health Centre",
    "Cliffside Medical Group",
]

# (login, full name, job title, role, which organisation)
DEMO_PEOPLE = [
    ("pd", "Dr Sarah Collins", "GP Programme Director", Role.PD, "programme"),
    ("pd2", "Dr Rajesh Patel", "GP Programme Director", Role.PD, "programme"),
    ("pa", "Helen Watts", "Programme Administrator", Role.PA, "programme"),
    ("supervisor", "Claire Morgan", "Head of Quality, East Kent CCG", Role.CCG_SUPERVISOR, "ccg"),
    ("lead", "Tom Bennett", "Urgent Care Commissioning Manager", Role.PROJECT_LEAD, "ccg"),
    ("chair", "Dr Alan Hughes", "Deputy Clinical Chair", Role.DEPUTY_CHAIR, "ccg"),
    ("ccgadmin", "Quality Team Admin", "CCG Admin Support", Role.CCG_ADMIN, "ccg"),
    ("es", "Dr Fiona Grant", "GP Trainer", Role.ES, "practice0"),
    ("trainee1", "Dr Amy Clarke", "GP Specialty Trainee (ST2)", Role.TRAINEE, "programme"),
    ("trainee2", "Dr Ben Okafor", "GP Specialty Trainee (ST2)", Role.TRAINEE, "programme"),
    ("trainee3", "Dr Chloe Evans", "GP Specialty Trainee (ST1)", Role.TRAINEE, "programme"),
    ("trainee4", "Dr Daniel Shah", "GP Specialty Trainee (ST2)", Role.TRAINEE, "programme"),
]


@dataclass
class DemoData:
    today: datetime.date
    programme: Organisation
    ccg: Organisation
    practices: list[Organisation]
    people: dict[str, User]
    extras: dict = field(default_factory=dict)

    @property
    def trainees(self) -> list[User]:
        return [self.people[f"trainee{n}"] for n in range(1, 5)]


def demo_email(login: str) -> str:
    return f"{login}@{DEMO_DOMAIN}"


def clear() -> None:
    """Remove an earlier demo so that every run builds the same world, dated from today."""
    from rotations.models import Cohort

    demo_orgs = Organisation.objects.filter(
        Q(name=PROGRAMME_NAME) | Q(name=CCG_NAME) | Q(name__in=PRACTICE_NAMES))
    Cohort.objects.filter(Q(programme__in=demo_orgs) | Q(ccg__in=demo_orgs)).delete()
    users = User.objects.filter(email__endswith=f"@{DEMO_DOMAIN}")
    from trainees.models import Placement

    Placement.objects.filter(trainee__in=users).delete()
    users.delete()
    demo_orgs.delete()


def load(today: datetime.date | None = None) -> DemoData:
    today = today or timezone.localdate()
    programme = services.organisation_save(organisation=Organisation(
        kind=Organisation.Kind.PROGRAMME, name=PROGRAMME_NAME))
    ccg = services.organisation_save(organisation=Organisation(
        kind=Organisation.Kind.CCG, name=CCG_NAME, admin_mailbox="ekccgs.quality@nhs.net",
        committee_email=demo_email("clinical-assurance-committee"),
        address="Council Offices, Military Road, Canterbury CT1 1YW"))
    practices = [services.organisation_save(organisation=Organisation(
        kind=Organisation.Kind.PRACTICE, name=name)) for name in PRACTICE_NAMES]
    organisations = {"programme": programme, "ccg": ccg,
                     **{f"practice{i}": practice for i, practice in enumerate(practices)}}
    people = {}
    for login, full_name, job_title, role, organisation in DEMO_PEOPLE:
        person = services.user_invite(
            email=demo_email(login), full_name=full_name, job_title=job_title,
            phone="01227 000 " + str(100 + len(people)),
            roles=[(role, organisations[organisation])], invited_by=None, send=False)
        services.invitation_accept(user=person, password=DEMO_PASSWORD)
        people[login] = person
    # A PD who is also an Educational Supervisor: one person, several roles.
    services.membership_add(user=people["pd2"], role=Role.ES, organisation=practices[1])
    return DemoData(today=today, programme=programme, ccg=ccg, practices=practices,
                    people=people)

"""The demo world: a programme, an east Kent CCG and a cohort in week 6 of 16 today.

Every app adds its part in its own `demo.py` through its own services, so the demo
shows each feature live, with the emails it caused in the outbox. Each registers its step in
its AppConfig.ready() (clic.registry), with its place in the order and, where it holds
rows that would outlive the demo's people and organisations, how to clear them:

    demo.steps.register("absences", demo.Step(load=load), order=30)

`build()` (manage.py load_demo) clears an earlier demo and runs every step in order.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Q

from clic.registry import Registry

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


@dataclass(frozen=True)
class Step:
    load: Callable[[DemoData], None]
    # clear(organisations=..., people=...): delete this app's rows that hang off an earlier
    # demo's organisations or people and would stop them being deleted.
    clear: Callable[..., None] | None = None


steps: Registry[Step] = Registry("demo steps")


def clear() -> None:
    """Remove an earlier demo so that every run builds the same world, dated from today."""
    demo_orgs = Organisation.objects.filter(
        Q(name=PROGRAMME_NAME) | Q(name=CCG_NAME) | Q(name__in=PRACTICE_NAMES))
    users = User.objects.filter(email__endswith=f"@{DEMO_DOMAIN}")
    # Later steps' rows hang off earlier steps' rows: clear them first.
    for step in reversed(list(steps)):
        if step.clear:
            step.clear(organisations=demo_orgs, people=users)
    users.delete()
    demo_orgs.delete()


def build(today: datetime.date) -> DemoData:
    """The whole demo, afresh: this app's people and organisations, then every app's step.
    `today` is the date every step counts from, read once so the steps agree; the services
    they call date what they record by the clock, so it is the day the demo is built."""
    clear()
    data = load(today)
    for step in steps:
        step.load(data)
    return data


def load(today: datetime.date) -> DemoData:
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

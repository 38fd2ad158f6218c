"""The demo's second programme, beside east Kent: Derbyshire's clinical commissioning
development programme (seed 002). Its own PD, host organisation and template (20 weeks,
a Tuesday classroom day and action learning set once a month, project time as two
half-days, the panel presentation in the last week, a weekly learning-log entry), and a
running cohort of two trainees, all made through the services. Neither programme's staff
see the other's people."""

import datetime

from clic.accounts import services as accounts_services
from clic.accounts.demo import DEMO_PASSWORD, DemoData, demo_email
from clic.accounts.models import Organisation, Role, RoleMembership
from rotations.models import Cohort, ProgrammeTemplate, TemplateVersion, Weekday
from rotations.selectors import default_template_version
from rotations.services import (
    cohort_create,
    cohort_publish,
    template_content,
    template_copy,
    template_version_save,
)

from .services import placement_add

PROGRAMME_NAME = "Derbyshire Clinical Commissioning Development Programme"
HOST_NAME = "Derby and Derbyshire ICB"
PRACTICE_NAME = "Belper Lane Surgery"
WEEKS = 20
MONTHLY = [1, 5, 9, 13, 17]
REVIEW_WEEKS = [1, 6, 12, 18, 20]
RUNNING_WEEK = 4

# (login, full name, job title, role, organisation: programme / host / practice)
PEOPLE = [
    ("pd.derbyshire", "Dr Katie Cuthbert", "Programme Director", Role.PD, "programme"),
    ("supervisor.derbyshire", "Maura Teager", "Head of Commissioning Development, "
     "Derby and Derbyshire ICB", Role.CCG_SUPERVISOR, "host"),
    ("ccgadmin.derbyshire", "Priya Lowe", "Commissioning Support Officer, Derby and "
     "Derbyshire ICB", Role.CCG_ADMIN, "host"),
    ("es.derbyshire", "Dr Neil Ashworth", "GP Trainer", Role.ES, "practice"),
    ("trainee.derbyshire1", "Dr Leah Marsh", "GP Specialty Trainee (ST3)", Role.TRAINEE,
     "programme"),
    ("trainee.derbyshire2", "Dr Owen Pryce", "GP Specialty Trainee (ST3)", Role.TRAINEE,
     "programme"),
]


def _week(week: int) -> list[dict]:
    if week == 1:
        return [{"kind": "meeting", "title": "Meet the host supervisor to choose a care pathway"},
                {"kind": "project", "title": "Read the host organisation's commissioning plan"}]
    if week == WEEKS:
        return [{"kind": "meeting", "title": "Final review; hand in the personal development "
                                             "strategy"},
                {"kind": "project", "title": "Personal learning log: final entry"}]
    if week in REVIEW_WEEKS:
        return [{"kind": "meeting", "title": "Review with the host supervisor"},
                {"kind": "project", "title": "Commissioning cycle project work"}]
    return [{"kind": "project", "title": "Commissioning cycle project work"},
            {"kind": "project", "title": "Personal learning log and reading"}]


def template_make(pd, programme, name: str = "Derbyshire development programme (20 weeks)"
                  ) -> TemplateVersion:
    """Derbyshire's own template: a copy of the handbook, changed as its PD would on the
    template page (also the national benchmark's second programme type)."""
    template = template_copy(source=default_template_version(programme), programme=programme,
                             name=name, by=pd)
    handbook = template.versions.get()
    version, _ = template_version_save(template=template, by=pd, **{
        **template_content(handbook),
        "weeks": WEEKS,
        "teaching_sessions": [
            {"weekday": Weekday.TUESDAY, "part": "am", "start": "09:30", "end": "12:30",
             "title": "Classroom day: trigger presentation and discussion",
             "kind": "teaching", "weeks": MONTHLY},
            {"weekday": Weekday.TUESDAY, "part": "pm", "start": "13:30", "end": "16:30",
             "title": "Action learning set (appreciative enquiry)", "kind": "als",
             "weeks": [*MONTHLY, WEEKS]},
        ],
        "project_weekday": Weekday.THURSDAY, "afternoon_weekday": Weekday.FRIDAY,
        "other_project_day_allowed": False,
        "activities": [_week(week) for week in range(1, WEEKS + 1)],
        "meeting_weeks": REVIEW_WEEKS, "presentation_week": WEEKS,
        "presentation_title": "Panel presentation: the commissioning cycle of a care pathway, "
                              "to an executive panel",
        "entries_per_week": 1, "organisation_word": "host organisation"})
    return version


def load(data: DemoData) -> None:
    programme = accounts_services.organisation_save(organisation=Organisation(
        kind=Organisation.Kind.PROGRAMME, name=PROGRAMME_NAME))
    host = accounts_services.organisation_save(organisation=Organisation(
        kind=Organisation.Kind.CCG, name=HOST_NAME,
        admin_mailbox=demo_email("derbyshire.commissioning"),
        committee_email=demo_email("derbyshire.executive-panel"),
        address="Cardinal Square, 10 Nottingham Road, Derby DE1 3QT"))
    practice = accounts_services.organisation_save(organisation=Organisation(
        kind=Organisation.Kind.PRACTICE, name=PRACTICE_NAME))
    where = {"programme": programme, "host": host, "practice": practice}
    people = {}
    for login, full_name, job_title, role, organisation in PEOPLE:
        person = accounts_services.user_invite(
            email=demo_email(login), full_name=full_name, job_title=job_title,
            roles=[(role, where[organisation])], invited_by=None, send=False)
        accounts_services.invitation_accept(user=person, password=DEMO_PASSWORD)
        people[login] = person
    pd = people["pd.derbyshire"]
    template_make(pd, programme)
    week1 = data.today - datetime.timedelta(days=data.today.weekday(), weeks=RUNNING_WEEK - 1)
    cohort = cohort_create(
        name=f"Derbyshire development programme {week1:%B %Y}", programme=programme,
        ccg=host, start_date=week1, directors=[pd], als_facilitator=pd,
        teaching_venue="University of Derby, Kedleston Road, Derby DE22 1GB",
        ccg_venue="Derby and Derbyshire ICB, Cardinal Square, Derby", by=pd)
    for number in (1, 2):
        placement_add(cohort=cohort, trainee=people[f"trainee.derbyshire{number}"],
                      practice=practice, educational_supervisor=people["es.derbyshire"],
                      ccg_supervisor=people["supervisor.derbyshire"], by=pd)
    cohort_publish(cohort=cohort, by=pd)
    data.extras["second_programme_cohort"] = cohort
    data.extras["derbyshire"], data.extras["derbyshire_pd"] = programme, pd


def clear(*, organisations, people) -> None:
    """An earlier demo's Derbyshire cohorts, templates and organisations (its people go
    with every demo person)."""
    names = [PROGRAMME_NAME, HOST_NAME, PRACTICE_NAME]
    Cohort.objects.filter(programme__name=PROGRAMME_NAME).delete()
    ProgrammeTemplate.objects.filter(programme__name=PROGRAMME_NAME).delete()
    RoleMembership.objects.filter(organisation__name__in=names).delete()
    Organisation.objects.filter(name__in=names).delete()

import datetime

from clic.accounts import services as accounts_services
from clic.accounts.demo import DemoData, demo_email
from clic.accounts.models import Role
from rotations.services import cohort_create

from .models import Placement, Weekday
from .services import placement_add

RUNNING_COHORT_WEEK = 6
# Last year's cohort, long ended: its trainees are on "Trainees of earlier cohorts", not on
# the supervisor's and the PD's home pages; they stay on as alumni (community/demo.py).
EARLIER_TRAINEES = [("alumnus1", "Dr Grace Adeyemi"), ("alumnus2", "Dr Harry Lewis")]
# Next term's cohort waits, with its trainees, for the PD to publish it. Its people have
# no demo login, so today's pages stay as they are: one CCG Supervisor has two trainees (and
# gets one S1 and one S3 naming both), another has one.
NEXT_TRAINEES = [("next1", "Dr Isla Fraser", "supervisor2"), ("next2", "Dr Jamal Khan", "supervisor2"),
                 ("next3", "Dr Kate Lloyd", "supervisor3")]
NEXT_STAFF = [("supervisor2", "Mark Reid", "Primary Care Commissioning Lead", Role.CCG_SUPERVISOR),
              ("supervisor3", "Priya Shah", "Planned Care Commissioning Manager", Role.CCG_SUPERVISOR),
              ("es2", "Dr Omar Siddiqui", "GP Trainer", Role.ES)]


def load(data: DemoData) -> None:
    """The running cohort is in week 6 today; the next one starts the Monday after it ends."""
    people = data.people
    week1_monday = data.today - datetime.timedelta(days=data.today.weekday(),
                                                   weeks=RUNNING_COHORT_WEEK - 1)
    running = cohort_create(
        name=f"East Kent CLIC {week1_monday:%B %Y}", programme=data.programme, ccg=data.ccg,
        start_date=week1_monday, directors=[people["pd"], people["pd2"]],
        als_facilitator=people["pd"], teaching_venue="Kent and Canterbury Hospital Education "
        "Centre, Canterbury CT1 3NG", ccg_venue="East Kent CCG, Council Offices, Canterbury")
    for number, trainee in enumerate(data.trainees):
        moved_day = number == 2  # one trainee agreed a Tuesday project day
        placement_add(
            cohort=running, trainee=trainee, practice=data.practices[number],
            educational_supervisor=people["es"] if number != 3 else people["pd2"],
            ccg_supervisor=people["supervisor"],
            project_lead=people["lead"] if number != 1 else None,
            project_day=Weekday.TUESDAY if moved_day else Weekday.THURSDAY,
            agreed_by_pd=moved_day, agreed_by_es=moved_day, agreed_by_supervisor=moved_day)
    upcoming = cohort_create(
        name=f"East Kent CLIC {running.end_date + datetime.timedelta(days=1):%B %Y}",
        programme=data.programme, ccg=data.ccg,
        start_date=running.end_date + datetime.timedelta(days=1),
        directors=[people["pd"], people["pd2"]], als_facilitator=people["pd2"],
        teaching_venue=running.teaching_venue, ccg_venue=running.ccg_venue)
    _enrol_next_term(data, upcoming)
    earlier = cohort_create(
        name=f"East Kent CLIC {week1_monday - datetime.timedelta(weeks=52):%B %Y}",
        programme=data.programme, ccg=data.ccg,
        start_date=week1_monday - datetime.timedelta(weeks=52),
        directors=[people["pd"]], als_facilitator=people["pd"],
        teaching_venue=running.teaching_venue, ccg_venue=running.ccg_venue)
    for number, (login, full_name) in enumerate(EARLIER_TRAINEES):
        trainee = accounts_services.user_invite(
            email=demo_email(login), full_name=full_name, job_title="GP Specialty Trainee (ST3)",
            roles=[(Role.TRAINEE, data.programme)], invited_by=None, send=False)
        placement_add(cohort=earlier, trainee=trainee, practice=data.practices[number],
                      educational_supervisor=people["es"], ccg_supervisor=people["supervisor"],
                      project_lead=people["lead"], project_day=Weekday.THURSDAY)
    data.extras.update(running_cohort=running, upcoming_cohort=upcoming, earlier_cohort=earlier)


def _enrol_next_term(data: DemoData, upcoming) -> None:
    practice = data.practices[0]
    staff = {login: accounts_services.user_invite(
        email=demo_email(login), full_name=full_name, job_title=job_title,
        roles=[(role, practice if role == Role.ES else data.ccg)], invited_by=None, send=False)
        for login, full_name, job_title, role in NEXT_STAFF}
    for login, full_name, supervisor in NEXT_TRAINEES:
        trainee = accounts_services.user_invite(
            email=demo_email(login), full_name=full_name, job_title="GP Specialty Trainee (ST2)",
            roles=[(Role.TRAINEE, data.programme)], invited_by=None, send=False)
        placement_add(cohort=upcoming, trainee=trainee, practice=practice,
                      educational_supervisor=staff["es2"], ccg_supervisor=staff[supervisor],
                      project_day=Weekday.THURSDAY)


def clear(*, organisations, people) -> None:
    """An earlier demo's placements (of other cohorts too) go with its trainees."""
    Placement.objects.filter(trainee__in=people).delete()

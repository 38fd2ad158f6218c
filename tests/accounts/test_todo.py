"""The to-do panel on staff home pages (issue 19, section 4): each app's provider, registered
in its AppConfig.ready() (clic.todo), puts in what the person has to do, each line linking to
where it is done."""

import datetime
import re
from html import unescape

import pytest
from django.urls import reverse

from absences.models import Absence
from absences.services import absence_report
from assessments.models import Capability, ReflectiveEntry
from assessments.services import reflective_entry_log
from clic import todo
from clic.mail.models import OutboundEmail
from projects import services as project_services
from projects.models import CommissioningStage
from rotations.services import cohort_publish

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_mfa(settings):
    settings.CLIC_MFA_ENFORCED = False


def panel(client, person) -> dict[str, str] | None:
    """The to-do lines on the person's home page, text to link; None without a panel."""
    client.force_login(person)
    html = client.get(reverse("home")).content.decode()
    found = re.search(r'<section class="nhsuk-card" aria-labelledby="todo-heading">(.*?)</section>',
                      html, re.S)
    if found is None:
        return None
    return {unescape(text): unescape(url) for url, text in
            re.findall(r'<li><a href="([^"]+)">([^<]+)</a></li>', found.group(1))}


def test_every_app_registers_its_part_in_ready():
    assert set(todo.providers()) == {"absences", "assessments", "mail", "projects-concerns",
                                     "projects-trainees"}


def test_the_core_registry_imports_no_app():
    import ast
    import inspect

    tree = ast.parse(inspect.getsource(todo))
    imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    imported |= {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import)
                 for alias in node.names}
    apps = ("rotations", "trainees", "projects", "absences", "assessments")
    assert not [name for name in imported if name.split(".")[0] in apps]


def test_trainees_and_educational_supervisors_have_no_panel(client, world):
    assert panel(client, world.trainee) is None
    assert panel(client, world.es) is None


def test_nothing_to_do_says_so(client, world):
    client.force_login(world.chair)
    assert "Nothing is waiting for you." in client.get(reverse("home")).content.decode()


def test_a_concern_is_on_the_panels_of_those_it_was_sent_to_while_open(client, world):
    s14 = project_services.concern_raise(placement=world.placement, by=world.supervisor,
                                         summary="Missed project days", details="Three")
    s15 = project_services.concern_raise(placement=world.placement, by=world.lead,
                                         summary="No data access", details="Blocked")
    s14_line = "Concern about Dr Trainee: Missed project days"
    s15_line = "Concern about Dr Trainee: No data access"
    assert panel(client, world.pd)[s14_line] == reverse("concern_detail",
                                                        args=[world.placement.pk, s14.pk])
    assert s15_line not in panel(client, world.pd)
    for person in (world.supervisor, world.chair):
        lines = panel(client, person)
        assert lines[s15_line] == reverse("concern_detail", args=[world.placement.pk, s15.pk])
        assert s14_line not in lines
    assert not any(line.startswith("Concern") for line in panel(client, world.lead))
    project_services.concern_update(concern=s15, by=world.chair, status="in_hand", note="")
    assert s15_line not in panel(client, world.chair)


def test_projects_waiting_and_overdue_meetings(client, world):
    project = project_services.project_save(
        placement=world.placement, by=world.trainee, title="Frailty", ccg_priority="Ageing well",
        aims="Fewer admissions", commissioning_stage=CommissioningStage.MONITORING)
    url = reverse("project_detail", args=[world.placement.pk])
    assert panel(client, world.supervisor)["Agree Dr Trainee's project"] == url
    assert "Agree Dr Trainee's project" not in panel(client, world.lead)
    assert "Confirm Dr Trainee's project is appropriate" not in panel(client, world.pd)
    project_services.project_agree(project=project, by=world.supervisor)
    assert "Agree Dr Trainee's project" not in panel(client, world.supervisor)
    assert panel(client, world.pd)["Confirm Dr Trainee's project is appropriate"] == url
    # The cohort is in week 6: the week 1 meeting with the CCG Supervisor is overdue.
    due = world.cohort.start_date + datetime.timedelta(days=4)
    line = f"First meeting with the CCG Supervisor with Dr Trainee is overdue (due by {due:%-d %b})"
    for person in (world.supervisor, world.lead, world.pd):
        assert panel(client, person)[line] == reverse("meeting_list", args=[world.placement.pk])
    assert line not in panel(client, world.chair)


def test_leave_waiting_for_a_decision_is_on_the_pd_and_pa_panels(client, world):
    cohort_publish(cohort=world.cohort, by=world.pd)
    day = (world.placement.sessions.filter(kind="project", date__gt=datetime.date.today())
           .order_by("date").first().date)
    leave = absence_report(placement=world.placement, kind=Absence.Kind.ANNUAL_LEAVE,
                           first_day=day, last_day=day, reported_by=world.trainee)
    line = f"Decide Dr Trainee's annual leave request from {day:%a} {day.day} {day:%b %Y}"
    for person in (world.pd, world.pa):
        assert panel(client, person)[line] == reverse("absences:decide", args=[leave.pk])
    assert line not in panel(client, world.supervisor)


def test_a_trainee_below_two_entries_a_week_is_on_the_pd_panel(client, world):
    start = world.cohort.start_date  # five weeks completed: ten entries expected
    for offset in range(9):
        reflective_entry_log(placement=world.placement, date=start + datetime.timedelta(days=offset),
                             title=f"Entry {offset}", kind=ReflectiveEntry.Kind.LEARNING_LOG,
                             capability=Capability.LEADERSHIP)
    line = "Dr Trainee has logged 9 reflective entries in 5 weeks (2 a week expected)"
    assert panel(client, world.pd)[line] == reverse("reflective_entries",
                                                    args=[world.placement.pk])
    assert line not in panel(client, world.supervisor)
    reflective_entry_log(placement=world.placement, date=start, title="Tenth",
                         kind=ReflectiveEntry.Kind.LEARNING_LOG, capability=Capability.LEADERSHIP)
    assert not any("reflective" in line for line in panel(client, world.pd))


def test_failed_emails_are_on_the_panels_of_those_who_may_send_them_again(client, world):
    cohort_publish(cohort=world.cohort, by=world.pd)
    OutboundEmail.objects.filter(to_email=world.supervisor.email).update(
        status=OutboundEmail.Status.FAILED)
    failed = OutboundEmail.objects.filter(status=OutboundEmail.Status.FAILED).count()
    assert failed
    line = (f"{failed} email{'s' if failed != 1 else ''} could not be sent: check the address "
            "and send again")
    for person in (world.pd, world.pa):
        assert panel(client, person)[line] == reverse("mail_outbox") + "?status=failed"
    assert line not in panel(client, world.supervisor)

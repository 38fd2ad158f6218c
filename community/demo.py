"""The demo's alumni: last year's east Kent cohort stays on (each trainee's own choice, made
through the service), lists themselves in the directory and offers to mentor; the PD pairs
each with one of this cohort's trainees (two MENTOR-PAIRED emails each, in the outbox), and
one mentor logs a meeting with a private note. alumnus1@clic.test signs in."""

from clic.accounts import services as accounts_services
from clic.accounts.demo import DEMO_PASSWORD, DemoData
from trainees.models import Placement

from . import services
from .models import Alumnus

# (what they share: current role, organisation, interests, happy to be contacted, offer)
SHARED = [
    ("GP partner and CCG clinical lead for urgent care", "Canterbury Road Surgery",
     "Urgent care, NHS 111, frailty", True,
     "Running a CCG project in urgent care, and finding your feet in commissioning meetings."),
    ("Salaried GP", "Harbour Street Practice", "Population health, prescribing", False,
     "Making a project fit the CCG's priorities, and presenting to the executive panel."),
]
MEETING_NOTE = ("First meeting over coffee: talked through the project's scope and who to "
                "meet at the CCG. Next time: the week 8 review.")


def load(data: DemoData) -> None:
    earlier = Placement.objects.filter(cohort=data.extras["earlier_cohort"]).select_related(
        "trainee", "cohort__programme").order_by("trainee__email")
    running = Placement.objects.filter(cohort=data.extras["running_cohort"]).select_related(
        "trainee", "cohort").order_by("trainee__email")
    pd = data.people["pd"]
    for placement, shared, mentee in zip(earlier, SHARED, running, strict=False):
        alumnus = placement.trainee
        accounts_services.invitation_accept(user=alumnus, password=DEMO_PASSWORD)
        member = services.alumnus_join(user=alumnus, placement=placement)
        current_role, organisation, interests, contact, offer = shared
        services.alumnus_update(alumnus=member, listed=True, current_role=current_role,
                                organisation=organisation, interests=interests,
                                happy_to_be_contacted=contact, offers_mentoring=True,
                                mentoring_offer=offer)
        pair = services.mentoring_pair_create(mentor=member, placement=mentee, by=pd)
        data.extras.setdefault("mentoring_pairs", []).append(pair)
    first = data.extras["mentoring_pairs"][0]
    services.mentoring_meeting_log(pair=first, by=first.mentor.user, met_on=data.today,
                                   note=MEETING_NOTE)


def clear(*, organisations, people) -> None:
    """An earlier demo's alumni (and with them their pairs and meetings) hold its cohorts."""
    Alumnus.objects.filter(user__in=people).delete()
    Alumnus.objects.filter(programme__in=organisations).delete()

"""The demo's leadership opportunities, through the services: three open roles (a care
pathway lead at the CCG published by a PD, a primary care network clinical director published
by the Deputy Clinical Chair, and a Derbyshire ICB role for the second programme), Amy
subscribed to the weekly digest (this week's is in the outbox), and Ben and Chloe interested
in the frailty role, Ben with equality monitoring answers and Chloe having declined them,
and Daniel interested in the network role with the questions still to answer."""

import datetime

from django.db.models import Q

from clic.accounts.demo import DemoData, demo_email

from . import services
from .models import Opportunity


def load(data: DemoData) -> None:
    people, today = data.people, data.today
    frailty = services.opportunity_publish(
        by=people["pd"], programme=data.programme,
        title="Clinical lead, frailty care pathway", organisation=data.ccg.name,
        time_commitment="2 sessions a week for 12 months",
        closing_date=today + datetime.timedelta(days=28),
        apply_email=demo_email("frailty-recruitment"),
        description="Lead the redesign of the CCG's frailty pathway with community services, "
                    "social care and patients. Suits a GP in their first five years; "
                    "mentoring from the CCG's clinical chair comes with the role.")
    network = services.opportunity_publish(
        by=people["chair"], programme=data.programme,
        title="Clinical director, Canterbury primary care network",
        organisation="Canterbury Primary Care Network",
        time_commitment="1 session a week, reviewed yearly",
        closing_date=today + datetime.timedelta(days=21),
        apply_url="https://www.jobs.nhs.uk/candidate/search",
        description="Lead the network's seven practices in its population health work and its "
                    "contract with the ICB. Open to any clinical profession.")
    derbyshire, derbyshire_pd = data.extras["derbyshire"], data.extras["derbyshire_pd"]
    services.opportunity_publish(
        by=derbyshire_pd, programme=derbyshire,
        title="Clinical lead for population health", organisation="Derby and Derbyshire ICB",
        time_commitment="4 sessions a month",
        closing_date=today + datetime.timedelta(days=35),
        apply_url="https://www.jobs.nhs.uk/candidate/search",
        description="Shape the ICB's population health programme with public health and the "
                    "councils; for alumni and trainees of the Derbyshire programme.")

    services.digest_subscribe(person=people["trainee1"])
    services.digests_send()

    ben = services.interest_express(opportunity=frailty, person=people["trainee2"])
    services.monitoring_record(interest=ben, answers={
        "profession": "gp", "age_band": "25_34", "sex": "male", "gender_same_as_birth": "yes",
        "sexual_orientation": "prefer_not", "ethnic_group": "black",
        "religion": "christian", "disability": "no"})
    chloe = services.interest_express(opportunity=frailty, person=people["trainee3"])
    services.monitoring_record(interest=chloe, answers=None)
    # Daniel has not yet answered or declined: his role's page offers him the questions.
    services.interest_express(opportunity=network, person=people["trainee4"])


def clear(*, organisations, people) -> None:
    Opportunity.objects.filter(Q(programme__in=organisations) | Q(published_by__in=people)).delete()

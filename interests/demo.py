"""The demo's register of interests, through the services: the CCG Supervisor, the Project
Lead and both PDs declare interests, the Deputy Clinical Chair has nothing to declare, and
the PD's paid advisory role at the demo CCG flags on the demo presentation day, where
pd@clic.test confirms no conflict or steps aside for each trainee (pd2@clic.test, whose
interest is elsewhere, records the assessments as in the browser journey)."""

import datetime

from clic.accounts.demo import DemoData
from clic.accounts.models import Organisation

from .models import Interest
from .services import interest_declare, nothing_to_declare_record


def load(data: DemoData) -> None:
    people, today = data.people, data.today
    interest_declare(
        person=people["supervisor"], kind=Interest.Kind.NON_FINANCIAL_PROFESSIONAL,
        organisation=None, organisation_name="Kent Community Health NHS Foundation Trust",
        description="Member of the trust's frailty pathway steering group.",
        starts_on=today - datetime.timedelta(days=700), ends_on=None)
    interest_declare(
        person=people["lead"], kind=Interest.Kind.INDIRECT, organisation=None,
        organisation_name="Medway Urgent Care Ltd",
        description="My partner was a director of the company until last spring.",
        starts_on=today - datetime.timedelta(days=900),
        ends_on=today - datetime.timedelta(days=200))
    interest_declare(
        person=people["pd"], kind=Interest.Kind.FINANCIAL,
        organisation=Organisation.objects.get(pk=data.ccg.pk), organisation_name="",
        description="Paid sessional GP adviser to the CCG's urgent care review.",
        starts_on=today - datetime.timedelta(days=400), ends_on=None)
    interest_declare(
        person=people["pd2"], kind=Interest.Kind.NON_FINANCIAL_PERSONAL, organisation=None,
        organisation_name="Canterbury Carers' Support",
        description="Unpaid trustee of the charity.",
        starts_on=today - datetime.timedelta(days=1500), ends_on=None)
    nothing_to_declare_record(person=people["chair"])

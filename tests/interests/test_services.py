import datetime

import pytest
from django.core.exceptions import ValidationError

from clic.audit.models import AuditEvent
from interests import services
from interests.models import Interest, NothingToDeclare

from .helpers import declare

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 3, 2)


def test_interest_declare_saves_the_interest_and_audits_it(world):
    interest = declare(world.supervisor, organisation=world.ccg, starts_on=DAY)
    assert (interest.person, interest.organisation_label, interest.ends_on) == (
        world.supervisor, "East Kent CCG", None)
    event = AuditEvent.objects.get(object_type="interest", object_id=interest.pk)
    assert (event.actor_id, event.action) == (world.supervisor.pk, AuditEvent.Action.CREATED)
    assert event.summary == "Interest declared: Financial interest: East Kent CCG"


def test_interest_ending_before_it_starts_is_refused_on_the_end_date(world):
    with pytest.raises(ValidationError) as refused:
        declare(world.supervisor, organisation=world.ccg, starts_on=DAY,
                ends_on=DAY - datetime.timedelta(days=1))
    assert refused.value.message_dict == {
        "ends_on": ["The end date must be the same as or after the date it began."]}
    assert not Interest.objects.exists()


def test_interest_without_an_organisation_is_refused(world):
    with pytest.raises(ValidationError) as refused:
        declare(world.supervisor, organisation_name="  ", starts_on=DAY)
    assert "organisation" in refused.value.message_dict
    assert not Interest.objects.exists()


def test_interest_naming_two_organisations_is_refused(world):
    with pytest.raises(ValidationError) as refused:
        declare(world.supervisor, organisation=world.ccg, organisation_name="A Trust",
                starts_on=DAY)
    assert "organisation_name" in refused.value.message_dict


def test_interest_of_an_unknown_kind_is_refused(world):
    with pytest.raises(ValidationError) as refused:
        declare(world.supervisor, organisation=world.ccg, starts_on=DAY, kind="bribe")
    assert "kind" in refused.value.message_dict


def test_interest_update_audits_what_it_was_and_is(world):
    interest = declare(world.lead, organisation_name="Medway Urgent Care Ltd", starts_on=DAY)
    services.interest_update(interest=interest, kind=interest.kind, organisation=None,
                             organisation_name="Medway Urgent Care Ltd",
                             description="Ended", starts_on=DAY,
                             ends_on=DAY + datetime.timedelta(days=30))
    interest.refresh_from_db()
    assert interest.ends_on == datetime.date(2026, 4, 1)
    event = AuditEvent.objects.get(object_id=interest.pk, action=AuditEvent.Action.CHANGED)
    assert "was Financial interest: Medway Urgent Care Ltd from 2026-03-02 to now" in event.summary
    assert event.summary.endswith("from 2026-03-02 to 2026-04-01")


def test_interest_update_out_of_order_changes_nothing(world):
    interest = declare(world.lead, organisation_name="Medway Urgent Care Ltd", starts_on=DAY)
    with pytest.raises(ValidationError):
        services.interest_update(interest=interest, kind=interest.kind, organisation=None,
                                 organisation_name="Medway Urgent Care Ltd", description="x",
                                 starts_on=DAY, ends_on=DAY - datetime.timedelta(days=5))
    interest.refresh_from_db()
    assert (interest.description, interest.ends_on) == ("Paid adviser", None)


def test_nothing_to_declare_is_recorded_with_its_date_once_a_day(world, clock):
    clock.set(DAY)
    services.nothing_to_declare_record(person=world.chair)
    services.nothing_to_declare_record(person=world.chair)
    assert list(NothingToDeclare.objects.values_list("person", "declared_on")) == [
        (world.chair.pk, DAY)]
    assert AuditEvent.objects.filter(object_type="nothing-to-declare declaration").count() == 1


def test_nothing_to_declare_is_refused_while_an_interest_is_current(world, clock):
    clock.set(DAY)
    declare(world.chair, organisation=world.ccg, starts_on=DAY - datetime.timedelta(days=10))
    with pytest.raises(ValidationError, match="1 interest current today"):
        services.nothing_to_declare_record(person=world.chair)
    assert not NothingToDeclare.objects.exists()


def test_nothing_to_declare_is_accepted_once_every_interest_has_ended(world, clock):
    clock.set(DAY)
    declare(world.chair, organisation=world.ccg, starts_on=DAY - datetime.timedelta(days=10),
            ends_on=DAY - datetime.timedelta(days=1))
    services.nothing_to_declare_record(person=world.chair)
    assert NothingToDeclare.objects.get().declared_on == DAY

"""The absences demo shows a CCG-admin-recorded sickness and a leave decision reaching
everyone told of the request, with their emails in the outbox."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from absences import demo as absences_demo
from absences.models import Absence
from clic.accounts import demo as accounts_demo
from clic.mail.models import OutboundEmail
from rotations import demo as rotations_demo
from trainees import demo as trainees_demo

pytestmark = pytest.mark.django_db


def _emails(absence, code):
    return set(OutboundEmail.objects.filter(
        content_type=ContentType.objects.get_for_model(Absence), object_id=absence.pk,
        code=code).values_list("to_email", flat=True))


def test_demo_has_a_mailbox_sickness_and_a_decision_to_everyone_told():
    data = accounts_demo.load(timezone.localdate())
    trainees_demo.load(data)
    rotations_demo.load(data)
    absences_demo.load(data)

    ccg_admin = data.people["ccgadmin"]
    recorded = Absence.objects.get(reported_by=ccg_admin)
    assert recorded.kind == Absence.Kind.SICKNESS and recorded.notified_codes == ["S5"]
    assert "ekccgs.quality@nhs.net" in _emails(recorded, "S5")
    assert "CCG admin mailbox" in recorded.events.get().summary

    approved = Absence.objects.get(state=Absence.State.APPROVED)
    decision = _emails(approved, "ABS-DECISION")
    assert decision == _emails(approved, "S7") | {approved.placement.trainee.email}
    assert len(decision) > 1

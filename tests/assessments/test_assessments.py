import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from assessments import services
from assessments.models import Capability, CaseBasedDiscussion, Grade, PresentationAssessment

from .helpers import addresses, emails, schedule

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def presented(world, clock):
    """The trainee has presented: both assessments are recorded after that (see
    test_assessment_rule.py for before)."""
    day = schedule(world.cohort, world.pd)
    clock.set(day.date)
    return day

CBD_POST = {
    "case": "Frail patient, repeated admissions", "outcome": Grade.COMPETENT,
    "feedback": "Well reasoned.",
    "capability-0-capability": Capability.LEADERSHIP, "capability-0-grade": Grade.EXCELLENT,
    "capability-0-justification": "Led the MDT discussion.",
    "capability-1-capability": Capability.COMMUNITY, "capability-1-grade": Grade.COMPETENT,
    "capability-1-justification": "Used local population data.",
    "capability-2-capability": "", "capability-2-grade": "", "capability-2-justification": "",
}


def record_cbd(world, **overrides):
    kwargs = {"case": "A case", "outcome": Grade.COMPETENT, "feedback": "Good",
              "capabilities": [services.CapabilitySpec(Capability.LEADERSHIP, Grade.COMPETENT,
                                                       "Because")]} | overrides
    return services.case_based_discussion_record(placement=world.placement, by=world.pd, **kwargs)


def test_pd_records_the_cbd_and_s16_goes_to_trainee_and_es(client, world):
    client.force_login(world.pd)
    response = client.post(reverse("cbd_record", args=[world.placement.pk]), CBD_POST)
    assert response.status_code == 302
    cbd = CaseBasedDiscussion.objects.get()
    assert [(g.capability, g.grade) for g in cbd.capabilities.all()] == [
        (Capability.LEADERSHIP, Grade.EXCELLENT), (Capability.COMMUNITY, Grade.COMPETENT)]
    assert addresses("S16") == {"trainee@nhs.test", "es@nhs.test"}
    assert "Excellent" not in emails("S16")[0].body_text  # no marks in the email


def test_recording_again_replaces_and_tells_again(world):
    record_cbd(world)
    cbd = record_cbd(world, outcome=Grade.EXCELLENT)
    assert cbd.version == 2
    assert CaseBasedDiscussion.objects.count() == 1
    assert len(emails("S16")) == 4


def test_grading_without_justification_is_refused(client, world):
    client.force_login(world.pd)
    post = CBD_POST | {"capability-0-justification": "  "}
    response = client.post(reverse("cbd_record", args=[world.placement.pk]), post)
    assert response.status_code == 200
    assert "Justify the grade" in response.content.decode()
    assert not CaseBasedDiscussion.objects.exists()
    assert not emails("S16")
    with pytest.raises(ValidationError, match="Justify"):
        record_cbd(world, capabilities=[services.CapabilitySpec(Capability.ETHICS, Grade.COMPETENT,
                                                                "")])


@pytest.mark.parametrize("capabilities, message", [
    ([], "at least one"),
    ([services.CapabilitySpec(c, Grade.COMPETENT, "why") for c in list(Capability.values)[:4]],
     "up to 3"),
    ([services.CapabilitySpec(Capability.ETHICS, Grade.COMPETENT, "why")] * 2, "chosen twice"),
    ([services.CapabilitySpec("astrology", Grade.COMPETENT, "why")], "not an RCGP capability"),
    ([services.CapabilitySpec(Capability.ETHICS, "brilliant", "why")], "Grade"),
])
def test_bad_capabilities_are_refused(world, capabilities, message):
    with pytest.raises(ValidationError, match=message):
        record_cbd(world, capabilities=capabilities)
    assert not CaseBasedDiscussion.objects.exists()


def test_the_rcgp_list_has_thirteen_capabilities():
    assert len(Capability.choices) == 13
    assert "Organisational management and leadership" in Capability.labels


def test_pd_records_the_presentation_assessment(client, world):
    client.force_login(world.pd)
    response = client.post(reverse("presentation_assessment_record", args=[world.placement.pk]), {
        "relevance": "4", "leadership": "5", "communication": "3", "outcome": Grade.COMPETENT,
        "feedback": "Engaging."})
    assert response.status_code == 302
    assessment = PresentationAssessment.objects.get()
    assert (assessment.relevance, assessment.leadership, assessment.communication) == (4, 5, 3)
    assert addresses("S16") == {"trainee@nhs.test", "es@nhs.test"}


def test_presentation_assessment_without_feedback_is_refused(world):
    with pytest.raises(ValidationError):
        services.presentation_assessment_record(placement=world.placement, by=world.pd,
                                                relevance=3, leadership=3, communication=9,
                                                outcome=Grade.COMPETENT, feedback="")
    assert not PresentationAssessment.objects.exists()


@pytest.mark.parametrize("who", ["trainee", "es", "pd"])
def test_marks_are_visible_to_trainee_es_and_pd(client, world, who):
    record_cbd(world, case="The Margate frailty case")
    client.force_login(getattr(world, who))
    page = client.get(reverse("assessment_detail", args=[world.placement.pk]))
    assert page.status_code == 200
    assert "The Margate frailty case" in page.content.decode()
    assert client.get(reverse("end_of_rotation_pdf",
                              args=[world.placement.pk])).status_code == 200


@pytest.mark.parametrize("who", ["pa", "supervisor", "lead", "chair", "ccg_admin", "other_trainee",
                                 "other_pd", "other_ccg_supervisor"])
def test_marks_are_404_for_everyone_else(client, world, who):
    record_cbd(world)
    client.force_login(getattr(world, who))
    assert client.get(reverse("assessment_detail", args=[world.placement.pk])).status_code == 404
    assert client.get(reverse("end_of_rotation_pdf",
                              args=[world.placement.pk])).status_code == 404


@pytest.mark.parametrize("who", ["trainee", "es", "pa", "supervisor", "chair", "other_pd"])
def test_a_non_pd_posting_an_assessment_by_url_gets_404(client, world, who):
    client.force_login(getattr(world, who))
    assert client.post(reverse("cbd_record", args=[world.placement.pk]),
                       CBD_POST).status_code == 404
    assert client.post(reverse("presentation_assessment_record", args=[world.placement.pk]), {
        "relevance": "4", "leadership": "5", "communication": "3", "outcome": Grade.COMPETENT,
        "feedback": "x"}).status_code == 404
    assert not CaseBasedDiscussion.objects.exists()
    assert not PresentationAssessment.objects.exists()
    assert not emails("S16")

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from clic.audit.models import AuditEvent
from clic.mail.models import OutboundEmail
from opportunities import services
from opportunities.models import Interest, MonitoringResponse, Opportunity
from tests import factories

ANSWERS = {"profession": "gp", "age_band": "25_34", "sex": "female",
           "gender_same_as_birth": "yes", "sexual_orientation": "bisexual",
           "ethnic_group": "asian", "religion": "hindu", "disability": "no"}


def publish(by, programme, **changes):
    fields = {"title": "Clinical lead, frailty", "organisation": "East Kent CCG",
              "time_commitment": "2 sessions a week",
              "closing_date": timezone.localdate() + datetime.timedelta(days=14),
              "description": "Lead the pathway.", "apply_email": "jobs@nhs.test", **changes}
    return services.opportunity_publish(by=by, programme=programme, **fields)


def test_opportunity_publish_saves_the_role_and_audits_it(world):
    role = publish(world.pd, world.programme)

    assert Opportunity.objects.get() == role
    assert role.published_by == world.pd
    assert AuditEvent.objects.filter(object_id=role.pk, actor=world.pd,
                                     summary__startswith="Leadership role published").exists()


def test_opportunity_publish_refuses_a_closing_date_in_the_past(world, clock):
    clock.set(datetime.date(2026, 12, 7))
    with pytest.raises(ValidationError) as refused:
        publish(world.pd, world.programme, closing_date=datetime.date(2026, 12, 6))

    assert refused.value.message_dict == {
        "closing_date": ["Closing date must be today or in the future"]}
    assert not Opportunity.objects.exists()
    assert publish(world.pd, world.programme, closing_date=datetime.date(2026, 12, 7))


def test_opportunity_publish_refuses_a_role_with_no_way_to_apply(world):
    with pytest.raises(ValidationError) as refused:
        publish(world.pd, world.programme, apply_email="", apply_url="")

    assert "apply_url" in refused.value.message_dict
    assert not Opportunity.objects.exists()


def test_opportunity_publish_refuses_another_programme(world):
    with pytest.raises(ValidationError):
        publish(world.other_pd, world.programme)
    with pytest.raises(ValidationError):
        publish(world.trainee, world.programme)

    assert not Opportunity.objects.exists()


def test_deputy_chair_publishes_to_the_programmes_with_cohorts_at_their_ccg(world):
    role = publish(world.chair, world.programme)

    assert role.programme == world.programme
    with pytest.raises(ValidationError):
        publish(world.chair, factories.ProgrammeFactory())


def test_interest_express_records_the_person_once(world):
    role = factories.OpportunityFactory(programme=world.programme)

    first = services.interest_express(opportunity=role, person=world.trainee)
    again = services.interest_express(opportunity=role, person=world.trainee)

    assert first == again
    assert list(Interest.objects.values_list("person", flat=True)) == [world.trainee.pk]


def test_interest_express_refused_once_the_role_has_closed(world, clock):
    clock.set(datetime.date(2026, 12, 7))
    role = factories.OpportunityFactory(programme=world.programme,
                                        closing_date=datetime.date(2026, 12, 7))
    clock.set(datetime.date(2026, 12, 8))

    with pytest.raises(ValidationError, match="closed"):
        services.interest_express(opportunity=role, person=world.trainee)
    assert not Interest.objects.exists()


def test_interest_express_refused_outside_the_programme(world):
    role = factories.OpportunityFactory()

    for person in (world.trainee, world.pd, world.supervisor):
        with pytest.raises(ValidationError):
            services.interest_express(opportunity=role, person=person)
    assert not Interest.objects.exists()


def test_monitoring_record_keeps_the_answers_with_the_role_and_month_only(world, clock):
    clock.set(datetime.date(2026, 12, 17))
    role = factories.OpportunityFactory(programme=world.programme)
    interest = services.interest_express(opportunity=role, person=world.trainee)

    services.monitoring_record(interest=interest, answers=ANSWERS)

    response = MonitoringResponse.objects.get()
    assert response.opportunity == role
    assert response.answered_in == datetime.date(2026, 12, 1)
    assert {name: getattr(response, name) for name in ANSWERS} == ANSWERS
    interest.refresh_from_db()
    assert interest.monitoring_done


def test_monitoring_record_refuses_a_second_set_of_answers(world):
    role = factories.OpportunityFactory(programme=world.programme)
    interest = services.interest_express(opportunity=role, person=world.trainee)
    services.monitoring_record(interest=interest, answers=ANSWERS)

    with pytest.raises(ValidationError, match="already answered"):
        services.monitoring_record(interest=interest, answers=ANSWERS)
    assert MonitoringResponse.objects.count() == 1


def test_monitoring_record_declined_keeps_no_answers(world):
    role = factories.OpportunityFactory(programme=world.programme)
    interest = services.interest_express(opportunity=role, person=world.trainee)

    services.monitoring_record(interest=interest, answers=None)

    assert not MonitoringResponse.objects.exists()
    with pytest.raises(ValidationError):
        services.monitoring_record(interest=interest, answers=ANSWERS)


def test_monitoring_record_refuses_an_answer_that_is_not_offered(world):
    role = factories.OpportunityFactory(programme=world.programme)
    interest = services.interest_express(opportunity=role, person=world.trainee)

    with pytest.raises(ValidationError):
        services.monitoring_record(interest=interest, answers={**ANSWERS, "sex": "martian"})
    with pytest.raises(ValidationError):
        services.monitoring_record(interest=interest, answers={"sex": "female"})
    interest.refresh_from_db()
    assert not MonitoringResponse.objects.exists() and not interest.monitoring_done


def test_digest_subscribe_is_for_the_audience_only(world):
    services.digest_subscribe(person=world.trainee)
    with pytest.raises(ValidationError):
        services.digest_subscribe(person=world.supervisor)

    services.digest_unsubscribe(person=world.trainee)
    services.digest_subscribe(person=world.trainee)


# The weekly digest ------------------------------------------------------------------------

MONDAY = datetime.date(2026, 11, 30)


def digests(week_of: datetime.date | None = None):
    query = OutboundEmail.objects.filter(code=services.DIGEST_CODE)
    if week_of is not None:
        query = query.filter(idempotency_key__startswith=f"opportunity-digest:{week_of}:")
    return query


def test_digest_emails_each_subscriber_the_new_roles_of_their_programme_once_a_week(world, clock):
    outsider = factories.UserFactory(email="outsider.trainee@nhs.test")
    other_programme = factories.ProgrammeFactory()
    factories.MembershipFactory(user=outsider, role="trainee", organisation=other_programme)
    for person in (world.trainee, outsider):
        services.digest_subscribe(person=person)
    clock.set(MONDAY - datetime.timedelta(days=3))
    ours = publish(world.pd, world.programme, title="Frailty lead")
    clock.set(MONDAY)

    assert services.digests_send() == 1
    assert services.digests_send() == 0  # the same week: nothing more
    clock.set(MONDAY + datetime.timedelta(days=3))
    assert services.digests_send() == 0

    email = digests().get()
    assert email.to_email == world.trainee.email
    assert email.subject == "1 new leadership role for your programme"
    assert "Frailty lead, East Kent CCG" in email.body_text
    assert "Apply: email jobs@nhs.test" in email.body_text
    assert "/opportunities/digest/" in email.body_text
    assert ours.title in email.body_html


def test_digest_sends_nothing_when_nothing_is_new(world, clock):
    services.digest_subscribe(person=world.trainee)
    clock.set(MONDAY - datetime.timedelta(days=3))
    publish(world.pd, world.programme, title="Frailty lead")
    clock.set(MONDAY)
    services.digests_send()

    clock.set(MONDAY + datetime.timedelta(days=7))
    assert services.digests_send() == 0
    assert not digests(MONDAY + datetime.timedelta(days=7)).exists()

    # A role published since the last digest is in the next one, alone.
    publish(world.pd, world.programme, title="Diabetes lead")
    clock.set(MONDAY + datetime.timedelta(days=14))
    assert services.digests_send() == 1
    email = digests(MONDAY + datetime.timedelta(days=14)).get()
    assert email.to_email == world.trainee.email
    assert "Diabetes lead" in email.body_text and "Frailty lead" not in email.body_text


def test_digest_leaves_out_closed_roles_and_people_who_unsubscribed(world, clock):
    services.digest_subscribe(person=world.trainee)
    services.digest_subscribe(person=world.other_trainee)
    services.digest_unsubscribe(person=world.other_trainee)
    clock.set(MONDAY - datetime.timedelta(days=3))
    publish(world.pd, world.programme, title="Closing soon",
            closing_date=MONDAY - datetime.timedelta(days=1))
    clock.set(MONDAY)

    assert services.digests_send() == 0
    assert not digests().exists()


def test_digest_runs_weekly_on_the_beat(settings):
    from celery.schedules import crontab

    entry = settings.CELERY_BEAT_SCHEDULE["opportunity-digests"]
    assert entry["task"] == "opportunities.tasks.digests_send"
    assert entry["schedule"] == crontab(hour=7, minute=30, day_of_week="mon")

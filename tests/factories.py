import datetime
import importlib

import factory
from django.utils import timezone

from clic.accounts.models import Organisation, Role, RoleMembership, User
from opportunities.models import Opportunity
from rotations.models import Cohort, ProgrammeTemplate, TemplateVersion
from rotations.selectors import default_template_version
from trainees.models import Placement


def _fake_name() -> str:
    return factory.Faker._get_faker(locale="en_GB").name()


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@nhs.test")
    # Without apostrophes (O'Neill): pages escape them, and tests look for names in the HTML.
    full_name = factory.LazyFunction(lambda: _fake_name().replace("'", ""))
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    kind = Organisation.Kind.CCG
    name = factory.Sequence(lambda n: f"Organisation {n}")


class CCGFactory(OrganisationFactory):
    kind = Organisation.Kind.CCG
    name = factory.Sequence(lambda n: f"Test CCG {n}")
    admin_mailbox = factory.Sequence(lambda n: f"ccg{n}.admin@nhs.test")
    committee_email = factory.Sequence(lambda n: f"ccg{n}.committee@nhs.test")


class PracticeFactory(OrganisationFactory):
    kind = Organisation.Kind.PRACTICE
    name = factory.Sequence(lambda n: f"Test Surgery {n}")


class ProgrammeFactory(OrganisationFactory):
    kind = Organisation.Kind.PROGRAMME
    name = factory.Sequence(lambda n: f"Test GP Programme {n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoleMembership

    user = factory.SubFactory(UserFactory)
    role = Role.TRAINEE
    organisation = factory.SubFactory(ProgrammeFactory)


def this_monday(weeks_ago=0) -> datetime.date:
    today = timezone.localdate()
    return today - datetime.timedelta(days=today.weekday(), weeks=weeks_ago)


class CohortFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cohort
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Cohort {n}")
    programme = factory.SubFactory(ProgrammeFactory)
    ccg = factory.SubFactory(CCGFactory)
    start_date = factory.LazyFunction(lambda: this_monday(weeks_ago=5))
    teaching_venue = "Education Centre, Canterbury"
    ccg_venue = "CCG offices, Canterbury"
    template_version = factory.LazyAttribute(lambda o: default_template_version(o.programme))

    @factory.post_generation
    def directors(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.directors.set(extracted)


class PlacementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Placement

    cohort = factory.SubFactory(CohortFactory)
    trainee = factory.SubFactory(UserFactory)
    practice = factory.SubFactory(PracticeFactory)
    educational_supervisor = factory.SubFactory(UserFactory)
    ccg_supervisor = factory.SubFactory(UserFactory)
    project_lead = factory.SubFactory(UserFactory)


class OpportunityFactory(factory.django.DjangoModelFactory):
    """A role already published (the service's checks are tested in tests/opportunities)."""

    class Meta:
        model = Opportunity

    programme = factory.SubFactory(ProgrammeFactory)
    title = factory.Sequence(lambda n: f"Clinical lead {n}")
    organisation = "East Kent CCG"
    time_commitment = "2 sessions a week"
    closing_date = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=14))
    apply_email = "recruitment@nhs.test"
    description = "Lead a care pathway."


def handbook_version() -> TemplateVersion:
    """East Kent's handbook as its migration loads it. A transactional test empties every
    table when it ends, the migration's rows with them: the tests after it get them back."""
    migration = importlib.import_module("rotations.migrations.0003_programme_templates")
    template, _ = ProgrammeTemplate.objects.get_or_create(programme=None,
                                                          name=migration.HANDBOOK_NAME)
    version, _ = TemplateVersion.objects.get_or_create(template=template, number=1,
                                                       defaults=migration.HANDBOOK)
    return version


def lengthen(cohort: Cohort, *, by: User, weeks: int = 20,
             meeting_weeks: tuple[int, ...] = (1, 6, 12, 18, 20)) -> Cohort:
    """Plan an unpublished cohort from a longer copy of the handbook, shaped like the demo's
    Derbyshire template: `weeks` long, its SOP meetings in `meeting_weeks`."""
    from rotations.services import template_content, template_copy, template_version_save

    template = template_copy(source=handbook_version(), programme=cohort.programme,
                             name=f"{weeks}-week programme for {cohort}", by=by)
    content = template_content(template.versions.get())
    activities = content["activities"]
    version, _ = template_version_save(template=template, by=by, **{
        **content, "weeks": weeks, "meeting_weeks": list(meeting_weeks),
        "presentation_week": weeks,
        "activities": [activities[min(week, len(activities) - 1)] for week in range(weeks)]})
    cohort.template_version, cohort.weeks = version, weeks
    cohort.save(update_fields=["template_version", "weeks"])
    return cohort

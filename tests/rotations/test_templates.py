"""Programme templates: the timetable as versioned data a Programme Director edits."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from clic.audit.models import AuditEvent
from rotations.models import Cohort, ProgrammeTemplate, Session, TemplateVersion, Weekday
from rotations.services import (
    cohort_create,
    cohort_publish,
    template_content,
    template_copy,
    template_version_save,
)
from rotations.timetable import plan_cohort_sessions, plan_placement_sessions
from tests import factories

pytestmark = pytest.mark.django_db

START = datetime.date(2027, 9, 6)  # a Monday with no bank holiday in the next 16 weeks


def _template(world, **changes) -> TemplateVersion:
    """The programme's own copy of the handbook, saved with `changes`."""
    template = template_copy(source=factories.handbook_version(), programme=world.programme,
                             name="Our template", by=world.pd)
    version = template.versions.get()
    if changes:
        version, _ = template_version_save(template=template, by=world.pd,
                                           **{**template_content(version), **changes})
    return version


def _session(weekday, start, end, title="Teaching", kind="teaching", part="am", weeks=()):
    return {"weekday": weekday, "part": part, "start": start, "end": end, "title": title,
            "kind": kind, "weeks": list(weeks)}


TUESDAY_TEACHING = [_session(Weekday.TUESDAY, "09:30", "12:30"),
                    _session(Weekday.TUESDAY, "13:30", "16:30", "Action learning set", "als",
                             "pm")]


def _other_programme(world):
    return world.other_pd.memberships.get().organisation


def _cohort(world, version, start=START) -> Cohort:
    return factories.CohortFactory(programme=world.programme, ccg=world.ccg, start_date=start,
                                   template_version=version, directors=[world.pd],
                                   als_facilitator=world.pd)


def test_a_tuesday_teaching_template_plans_tuesday_sessions(world):
    version = _template(world, teaching_sessions=TUESDAY_TEACHING)
    sessions = plan_cohort_sessions(_cohort(world, version))
    assert len(sessions) == 32
    assert {s.date.weekday() for s in sessions} == {Weekday.TUESDAY}
    assert [(s.kind, s.start_time) for s in sessions[:2]] == [
        (Session.Kind.TEACHING, datetime.time(9, 30)), (Session.Kind.ALS, datetime.time(13, 30))]
    assert sessions[1].facilitator_id == world.pd.pk
    assert sessions[-1].kind == Session.Kind.PRESENTATION and sessions[-1].week == 16


def test_a_template_of_two_half_days_plans_each_half_on_its_day(world):
    version = _template(world, afternoon_weekday=Weekday.FRIDAY, weeks=6,
                        activities=[[{"kind": "meeting", "title": "Set meeting"},
                                     {"kind": "project", "title": "Host project work"}]] * 6,
                        meeting_weeks=[1, 6], presentation_week=6)
    cohort = _cohort(world, version)
    world.placement.cohort, world.placement.project_day = cohort, Weekday.MONDAY
    sessions = plan_placement_sessions(world.placement)
    mornings = [s for s in sessions if s.part == Session.Part.AM]
    afternoons = [s for s in sessions if s.part == Session.Part.PM]
    assert len(mornings) == len(afternoons) == 6
    assert {s.date.weekday() for s in mornings} == {Weekday.MONDAY}
    assert {s.date.weekday() for s in afternoons} == {Weekday.FRIDAY}
    assert {s.title for s in afternoons} == {"Host project work"}
    assert afternoons[0].start_time == datetime.time(13, 30)
    assert cohort.end_date == START + datetime.timedelta(weeks=6, days=-1)


def test_an_empty_title_leaves_that_half_day_out(world):
    activities = [[{"kind": "project", "title": "Project work"}, {"kind": "project", "title": ""}]
                  ] * 16
    version = _template(world, activities=activities)
    world.placement.cohort = _cohort(world, version)
    sessions = plan_placement_sessions(world.placement)
    assert {s.part for s in sessions} == {Session.Part.AM} and len(sessions) == 16


def test_the_handbook_template_reproduces_east_kents_constants():
    handbook = factories.handbook_version()
    assert handbook.template.programme is None
    assert (handbook.weeks, handbook.teaching_weekdays, handbook.project_weekday) == (
        16, [Weekday.WEDNESDAY], Weekday.THURSDAY)
    assert handbook.meeting_weeks == [1, 2, 8, 12, 16] and handbook.presentation_week == 16
    assert (handbook.entries_per_week, handbook.organisation_word) == (2, "CCG")


def test_editing_a_version_a_cohort_uses_makes_a_new_one_and_the_cohort_keeps_its_own(world):
    version = _template(world)
    running = _cohort(world, version)
    world.placement.cohort = running
    world.placement.save()
    cohort_publish(cohort=running, by=world.pd)
    before = list(running.sessions.order_by("pk").values_list("date", "title", "start_time"))

    edited, is_new = template_version_save(
        template=version.template, by=world.pd,
        **{**template_content(version), "teaching_sessions": TUESDAY_TEACHING})

    assert is_new and edited.number == 2 and edited.pk != version.pk
    running.refresh_from_db()
    assert running.template_version == version
    version.refresh_from_db()
    assert version.teaching_weekdays == [Weekday.WEDNESDAY]
    assert list(running.sessions.order_by("pk").values_list(
        "date", "title", "start_time")) == before
    later = cohort_create(name="Next", programme=world.programme, ccg=world.ccg,
                          start_date=START + datetime.timedelta(weeks=20), directors=[world.pd])
    assert later.template_version == edited
    assert AuditEvent.objects.filter(object_type="timetable template",
                                     summary__contains="version 2 made").exists()


def test_editing_a_version_no_cohort_uses_changes_it(world):
    version = _template(world)
    edited, is_new = template_version_save(
        template=version.template, by=world.pd, **{**template_content(version),
                                                   "organisation_word": "ICB"})
    assert not is_new and edited.pk == version.pk and edited.number == 1
    assert TemplateVersion.objects.get(pk=version.pk).organisation_word == "ICB"


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"weeks": 0, "activities": []}, "weeks", "at least one week"),
    ({"teaching_sessions": [_session(2, "09:30", "12:30"), _session(2, "12:00", "14:00", "ALS")]},
     "teaching_sessions-1", "ALS overlaps Teaching on Wednesday"),
    ({"teaching_sessions": [_session(2, "09:30", "12:30", weeks=[3, 17])]},
     "teaching_sessions-0", "week 17, outside the 16-week programme"),
    ({"meeting_weeks": [1, 18]}, "meeting_weeks", "Week 18 is outside the 16-week programme"),
    ({"presentation_week": 17}, "presentation_week", "Week 17 is outside the 16-week"),
    ({"teaching_sessions": [_session(3, "09:30", "12:30")]}, "teaching_sessions-0",
     "the default project day"),
])
def test_a_template_that_breaks_a_rule_is_refused_on_its_field(world, changes, field, message):
    version = _template(world)
    with pytest.raises(ValidationError) as refused:
        template_version_save(template=version.template, by=world.pd,
                              **{**template_content(version), **changes})
    assert message in " ".join(refused.value.message_dict[field])
    assert version.template.versions.count() == 1
    assert TemplateVersion.objects.get(pk=version.pk).weeks == 16


def test_cohort_create_refuses_another_programmes_template(world):
    other = template_copy(source=factories.handbook_version(), programme=_other_programme(world),
                          name="Theirs", by=world.other_pd)
    with pytest.raises(ValidationError) as refused:
        cohort_create(name="Mixed", programme=world.programme, ccg=world.ccg, start_date=START,
                      directors=[world.pd], template_version=other.versions.get())
    assert "another programme's template" in str(refused.value.message_dict["template_version"])


# Pages -----------------------------------------------------------------------------------


def _editor_post(version, **changes) -> dict:
    """The edit page's form as the browser sends it, from a version's content."""
    content = {**template_content(version), **changes}
    data = {"action": "preview", "sessions-TOTAL_FORMS": len(content["teaching_sessions"]),
            "sessions-INITIAL_FORMS": 0, "weeks-TOTAL_FORMS": len(content["activities"]),
            "weeks-INITIAL_FORMS": 0}
    for field in ("weeks", "organisation_word", "project_weekday", "presentation_week",
                  "presentation_title", "entries_per_week"):
        data[field] = content[field]
    for field in ("morning_start", "morning_end", "afternoon_start", "afternoon_end"):
        data[field] = f"{content[field]:%H:%M}"
    data["afternoon_weekday"] = "" if content["afternoon_weekday"] is None else \
        content["afternoon_weekday"]
    data["meeting_weeks"] = ", ".join(map(str, content["meeting_weeks"]))
    if content["other_project_day_allowed"]:
        data["other_project_day_allowed"] = "on"
    for index, spec in enumerate(content["teaching_sessions"]):
        for key, value in spec.items():
            data[f"sessions-{index}-{key}"] = ", ".join(map(str, value)) if key == "weeks" \
                else value
    for index, (morning, afternoon) in enumerate(content["activities"]):
        data.update({f"weeks-{index}-morning_kind": morning["kind"],
                     f"weeks-{index}-morning_title": morning["title"],
                     f"weeks-{index}-afternoon_kind": afternoon["kind"],
                     f"weeks-{index}-afternoon_title": afternoon["title"]})
    return data


def test_the_pd_previews_every_week_before_saving(client, world):
    version = _template(world)
    client.force_login(world.pd)
    url = reverse("template_edit", args=[version.template.pk])
    page = client.get(url).content.decode()
    assert "Week 16" in page and "Preview the weeks" in page

    preview = client.post(url, _editor_post(version, teaching_sessions=TUESDAY_TEACHING))
    text = preview.content.decode()
    assert "Every week as it would be planned" in text
    assert text.count("Tuesday 09:30–12:30: Teaching") == 16
    assert "Save the template" in text
    assert TemplateVersion.objects.get(pk=version.pk).teaching_weekdays == [Weekday.WEDNESDAY]

    saved = client.post(url, {**_editor_post(version, teaching_sessions=TUESDAY_TEACHING),
                              "action": "save"})
    assert saved.status_code == 302
    assert TemplateVersion.objects.get(pk=version.pk).teaching_weekdays == [Weekday.TUESDAY]


def test_the_edit_page_says_a_used_version_stays_with_its_cohorts(client, world):
    version = _template(world)
    _cohort(world, version)
    client.force_login(world.pd)
    url = reverse("template_edit", args=[version.template.pk])
    assert "Saving makes version 2" in client.get(url).content.decode()
    response = client.post(url, {**_editor_post(version, presentation_week=15),
                                 "action": "save"}, follow=True)
    assert "Saved as version 2. Cohorts planned from version 1 keep it." in \
        response.content.decode()
    assert version.template.versions.count() == 2


def test_the_edit_page_shows_a_refusal_on_its_field_and_saves_nothing(client, world):
    version = _template(world)
    client.force_login(world.pd)
    response = client.post(reverse("template_edit", args=[version.template.pk]),
                           {**_editor_post(version, meeting_weeks=[1, 30]), "action": "save"})
    text = response.content.decode()
    assert response.status_code == 200
    assert "nhsuk-error-summary" in text and "Week 30 is outside the 16-week programme" in text
    assert TemplateVersion.objects.get(pk=version.pk).meeting_weeks == [1, 2, 8, 12, 16]


def test_changing_the_length_redraws_the_weeks_before_saving(client, world):
    version = _template(world)
    client.force_login(world.pd)
    response = client.post(reverse("template_edit", args=[version.template.pk]),
                           {**_editor_post(version, weeks=20, presentation_week=20),
                            "action": "save"})
    text = response.content.decode()
    assert "redrawn to 20 weeks" in text and "Week 20" in text
    assert TemplateVersion.objects.get(pk=version.pk).weeks == 16


def test_a_pd_copies_a_template_to_start_another(client, world):
    client.force_login(world.pd)
    handbook = factories.handbook_version()
    response = client.post(reverse("template_copy", args=[handbook.template.pk]),
                           {"programme": world.programme.pk, "name": "Our spring pattern"})
    copy = ProgrammeTemplate.objects.get(name="Our spring pattern")
    assert response["Location"] == reverse("template_edit", args=[copy.pk])
    assert copy.programme == world.programme
    assert template_content(copy.versions.get()) == template_content(handbook)
    assert AuditEvent.objects.filter(object_type="timetable template",
                                     object_id=copy.pk).exists()


def test_pds_see_their_programmes_templates_and_the_shared_one_only(client, world):
    ours = _template(world).template
    theirs = template_copy(source=factories.handbook_version(),
                           programme=_other_programme(world),
                           name="Their template", by=world.other_pd)
    client.force_login(world.pd)
    listing = client.get(reverse("template_list")).content.decode()
    assert "Our template" in listing and "East Kent CLIC handbook" in listing
    assert "Their template" not in listing
    for name in ("template_detail", "template_edit", "template_copy"):
        assert client.get(reverse(name, args=[theirs.pk])).status_code == 404
    assert client.get(reverse("template_detail", args=[ours.pk])).status_code == 200
    shared = factories.handbook_version().template
    assert client.get(reverse("template_edit", args=[shared.pk])).status_code == 404


@pytest.mark.parametrize("who", ["trainee", "pa", "supervisor", "ccg_admin"])
def test_people_who_are_not_pds_get_404_on_template_pages(client, world, who):
    template = _template(world).template
    client.force_login(getattr(world, who))
    assert client.get(reverse("template_list")).status_code == 404
    for name in ("template_detail", "template_edit", "template_copy"):
        assert client.get(reverse(name, args=[template.pk])).status_code == 404


def test_the_cohort_form_plans_from_the_chosen_version(client, world):
    ours = _template(world, teaching_sessions=TUESDAY_TEACHING)
    client.force_login(world.pd)
    page = client.get(reverse("cohort_create")).content.decode()
    assert "Our template (version 1)" in page and "East Kent CLIC handbook" in page
    client.post(reverse("cohort_create"), {
        "name": "Tuesday cohort", "programme": world.programme.pk, "ccg": world.ccg.pk,
        "start_date": (START).isoformat(), "directors": [world.pd.pk],
        "template_version": factories.handbook_version().pk})
    assert Cohort.objects.get(name="Tuesday cohort").template_version.template.programme is None
    client.post(reverse("cohort_create"), {
        "name": "Default cohort", "programme": world.programme.pk, "ccg": world.ccg.pk,
        "start_date": (START).isoformat(), "directors": [world.pd.pk]})
    assert Cohort.objects.get(name="Default cohort").template_version == ours


def test_the_reflective_expectation_comes_from_the_cohorts_template(world):
    from django.utils import timezone

    from assessments.models import Capability, ReflectiveEntry
    from assessments.selectors import reflective_weeks

    today = timezone.localdate()
    monday = today - datetime.timedelta(days=today.weekday(), weeks=2)
    version = _template(world, entries_per_week=1)
    world.placement.cohort = _cohort(world, version, start=monday)
    world.placement.save()
    ReflectiveEntry.objects.create(placement=world.placement, date=monday, title="Governing body",
                                   kind=ReflectiveEntry.Kind.choices[0][0],
                                   capability=Capability.choices[0][0])
    weeks = reflective_weeks(world.placement, today)
    assert [(week["count"], week["met"]) for week in weeks[:2]] == [(1, True), (0, False)]


def test_the_project_day_rules_come_from_the_cohorts_template(world):
    from trainees.models import project_day_errors

    tuesday = _template(world, teaching_sessions=TUESDAY_TEACHING)
    assert project_day_errors(Weekday.TUESDAY, True, True, True, version=tuesday) == [
        "Tuesday is the teaching day: choose another project day."]
    assert project_day_errors(Weekday.WEDNESDAY, True, True, True, version=tuesday) == []
    assert "need" in project_day_errors(Weekday.WEDNESDAY, False, False, False,
                                        version=tuesday)[0]
    fixed, _ = template_version_save(template=tuesday.template, by=world.pd, **{
        **template_content(tuesday), "project_weekday": Weekday.FRIDAY,
        "other_project_day_allowed": False})
    assert project_day_errors(Weekday.FRIDAY, False, False, False, version=fixed) == []
    assert project_day_errors(Weekday.MONDAY, True, True, True, version=fixed) == [
        "The programme's project day is Friday: its template allows no other weekday."]


def test_a_placement_on_a_tuesday_teaching_cohort_may_take_wednesday(world):
    from trainees.services import placement_add

    cohort = _cohort(world, _template(world, teaching_sessions=TUESDAY_TEACHING))
    placement = placement_add(cohort=cohort, trainee=world.other_trainee,
                              practice=world.practice, educational_supervisor=world.es,
                              ccg_supervisor=world.supervisor, project_day=Weekday.WEDNESDAY,
                              agreed_by_pd=True, agreed_by_es=True, agreed_by_supervisor=True)
    assert placement.project_day == Weekday.WEDNESDAY
    with pytest.raises(ValidationError) as refused:
        placement_add(cohort=cohort, trainee=world.trainee, practice=world.practice,
                      educational_supervisor=world.es, ccg_supervisor=world.supervisor,
                      project_day=Weekday.TUESDAY)
    assert "Tuesday is the teaching day" in str(refused.value)

"""clic.registry: how the apps add their parts to the core's subject access export,
retention, demo and home page."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from clic.accounts import demo, exporters, pages, retention
from clic.accounts import selectors as accounts_selectors
from clic.mail import examples
from clic.mail import selectors as mail_selectors
from clic.registry import Registry
from rotations.examples import example_cohort
from rotations.models import Cohort
from rotations.selectors import cohort_ids_visible_to
from trainees import selectors as trainee_selectors
from trainees.examples import example_placement
from trainees.selectors import placements_visible_to


def test_registry_gives_parts_back_in_order_then_by_name():
    parts = Registry("test parts")
    parts.register("c", "third", order=20)
    parts.register("b", "second", order=10)
    parts.register("a", "first", order=10)
    assert list(parts) == ["first", "second", "third"]


def test_registry_registering_a_name_again_replaces_its_part():
    parts = Registry("test parts")
    parts.register("a", "old", order=10)
    parts.register("a", "new", order=30)
    parts.register("b", "other", order=20)
    assert list(parts) == ["other", "new"]


def test_registry_one_gives_the_single_part():
    parts = Registry("test parts")
    parts.register("a", "only")
    assert parts.one() == "only"


def test_registry_one_is_an_error_when_no_app_or_two_registered():
    parts = Registry("test parts")
    with pytest.raises(ImproperlyConfigured, match="needs exactly one part, not 0"):
        parts.one()
    parts.register("a", "first")
    parts.register("b", "second")
    with pytest.raises(ImproperlyConfigured, match="needs exactly one part, not 2"):
        parts.one()


def test_the_core_reads_cohorts_and_placements_through_the_apps_parts():
    # Without these the outbox would hide rows from a PD and the shared CCGs would change.
    assert accounts_selectors.ccg_ties.one()().model is Cohort
    assert mail_selectors.managed_cohort_ids.one() is cohort_ids_visible_to
    assert mail_selectors.visible_placements.one() is placements_visible_to
    assert examples.example_cohort.one() is example_cohort
    assert examples.example_placement.one() is example_placement


def test_every_app_adds_its_part_of_a_placement_to_the_export_in_order():
    apps = [part.__module__.split(".")[0] for part in exporters.placement_parts]
    assert apps == ["trainees", "rotations", "absences", "projects", "assessments"]
    assert [part.__module__ for part in exporters.placements] == ["trainees.data_rights"]
    assert [part.__module__ for part in exporters.person_files] == [
        "community.data_rights", "interests.data_rights", "opportunities.data_rights"]


def test_every_app_with_free_text_about_a_trainee_has_a_retention_step():
    modules = {step.__module__ for step in retention.placement_steps}
    assert modules == {"rotations.data_rights", "absences.data_rights",
                       "projects.data_rights", "assessments.data_rights",
                       "community.data_rights"}


def test_the_demo_steps_run_in_the_order_each_needs():
    apps = [step.load.__module__.split(".")[-2] for step in demo.steps]
    # The second programme (trainees, then its routing table in mail) comes after east Kent's,
    # and the opportunities board after both, as it publishes to both programmes; the
    # temperature checks ask the alumni, so they come after the community's step.
    assert apps == ["trainees", "rotations", "absences", "assessments", "projects",
                    "interests", "community", "mail", "surveys", "trainees", "mail",
                    "opportunities"]


def test_the_home_page_parts_fill_the_role_panels_projects_first():
    assert [part.__module__ for part in pages.home_parts] == [
        "projects.home", "community.home", "trainees.home", "opportunities.home",
        "surveys.home"]
    assert [part.__module__ for part in pages.person_parts] == ["trainees.home"]


def test_a_trainees_page_has_every_apps_section_in_order():
    apps = [part.__module__ for part in trainee_selectors.overview_sections]
    assert apps == ["projects.selectors", "absences.selectors", "assessments.selectors"]

"""Access on every URL (issue 8, item 1).

Every URL pattern of the project, allauth's and the admin's included, must be classified in
ACCESS below, and each class is tested:

- PUBLIC: open without signing in. The short list is exactly the views marked
  login_not_required, each with the reason it must be open.
- ADMIN: the Django admin, for superusers only (clic/accounts/admin.py).
- PERSONAL: any signed-in person; shows only their own things (or sends them to their role's
  own page). An outsider must never see our trainee on it.
- ROLE: a page for some roles, with no object in its address: who opens it is a matrix.
- OBJECT: a page about one object; the matrix says who opens it, who may see the object but
  not do this (403) and, for everyone else, 404.

Anonymous people are sent to sign in everywhere but the public list. A new URL fails
test_every_url_pattern_is_classified until it is added here.

Matrices follow docs/security.md's "Who sees what" and the apps' rules.py:
PDs run their cohorts; PAs see the programme's trainees and absences but no marks or
projects; CCG Supervisors and Project Lead see their trainees' projects and CCG-day absences;
CCG admin see CCG-day absences and the diary, never a project, a mark or a note; ESs read
their trainees' projects, marks and reflective entries; the Deputy Clinical Chair sees the CCG's trainees'
projects and the concerns sent to them. Outsiders of each kind get 404 everywhere.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from tests import factories
from tests.security.scene import MENTORING_NOTE, Scene, add_alumni, build_scene
from tests.security.urls import admin_sample_path, every_pattern

ROLES = ("trainee", "other_trainee", "supervisor", "other_ccg_supervisor", "lead", "es", "chair",
         "ccg_admin", "other_ccg_admin", "pa", "pd", "other_pd", "alumnus")
OUTSIDERS = ("other_trainee", "other_ccg_supervisor", "other_ccg_admin", "other_pd")
# Who may read a sickness note (docs/security.md, "Health data").
NOTE_READERS = ("trainee", "pa", "pd")
# Who may read a mentoring note: the mentor and the trainee, nobody else.
MENTORING_PAIR = ("trainee", "alumnus")

PUBLIC, ADMIN, PERSONAL, ROLE, OBJECT = "public", "admin", "personal", "role", "object"

PLACEMENT_PEOPLE = ("trainee", "supervisor", "lead", "es", "chair", "ccg_admin", "pa", "pd")
PROJECT_READERS = ("trainee", "supervisor", "lead", "es", "chair", "pd")
PROGRAMME = ("pa", "pd")
MARKS = ("trainee", "es", "pd")
INVITED = ("trainee", "supervisor", "lead", "es", "chair", "pd")  # S13 of the presentation day
MANAGERS_ANYWHERE = ("pa", "pd", "other_pd")
DECLARERS = ("supervisor", "other_ccg_supervisor", "lead", "es", "chair", "pd", "other_pd")


@dataclass(frozen=True)
class Page:
    access: str
    url: Callable[[Scene], str] | None = None
    seen_by: tuple = ()  # get the page: 200, or a redirect that is not to sign in
    forbidden: tuple = ()  # see the object but may not do this: 403
    post: bool = False  # the view only takes POST
    why: str = ""  # for PUBLIC: why it must be open


def url(name: str, *args: Callable[[Scene], object], query: Callable[[Scene], str] | None = None
        ) -> Callable[[Scene], str]:
    def build(scene: Scene) -> str:
        path = reverse(name, args=[arg(scene) for arg in args])
        return path + (query(scene) if query else "")
    return build


def static(name: str, **kwargs) -> Callable[[Scene], str]:
    return lambda scene: reverse(name, kwargs=kwargs or None)


def placement(s): return s.world.placement.pk
def cohort(s): return s.world.cohort.pk
def trainee(s): return s.world.trainee.pk


def fresh_membership(role: str, organisation: Callable[[Scene], object]
                     ) -> Callable[[Scene], str]:
    """A role to remove, new for each request (the request consumes it)."""
    def build(scene: Scene) -> str:
        from tests.fixtures.people import give_role

        person = give_role(factories.UserFactory(), role, organisation(scene))
        return reverse("membership_remove", args=[person.pk, person.memberships.get().pk])
    return build


def fresh_reflective_entry(scene: Scene) -> str:
    entry = scene.reflective_entry
    entry.pk = None
    entry.save()
    return reverse("reflective_entry_delete", args=[entry.pk])


def opportunity(scene: Scene) -> int:
    """A role the world's PD published to the world's programme, made on first use."""
    from opportunities.models import Opportunity

    found = Opportunity.objects.filter(programme=scene.world.programme).first()
    return (found or factories.OpportunityFactory(programme=scene.world.programme,
                                                  published_by=scene.world.pd)).pk


def supervisors_interest(scene: Scene):
    """The CCG Supervisor's interest in the trainee's CCG: it flags on the presentation day,
    where the supervisor sits on the panel."""
    from interests import services as interest_services
    from interests.models import Interest

    supervisor = scene.world.supervisor
    return Interest.objects.filter(person=supervisor).first() or interest_services.interest_declare(
        person=supervisor, kind=Interest.Kind.FINANCIAL, organisation=scene.world.ccg,
        organisation_name="", description="Paid adviser", starts_on=scene.day.date,
        ends_on=None)


def supervisors_interest_edit(scene: Scene) -> str:
    return reverse("interest_edit", args=[supervisors_interest(scene).pk])


def supervisors_conflict(scene: Scene) -> str:
    supervisors_interest(scene)
    return reverse("conflict_decide", args=[placement(scene)])


def invitation_link(scene: Scene) -> str:
    from clic.accounts.services import invitation_url

    return urlsplit(invitation_url(scene.world.trainee)).path


SURVEY_MANAGERS = ("chair", "pd")


def _survey(scene: Scene):
    """The programme's temperature check, opened, answered by the trainee and with its PDF
    summary built: made on first use, through the services."""
    from surveys import services as survey_services
    from surveys.models import Survey

    found = Survey.objects.filter(programme=scene.world.programme).first()
    if found is None:
        world = scene.world
        found = survey_services.survey_create(programme=world.programme, year=2026, by=world.pd)
        survey_services.survey_open(survey=found, by=world.pd,
                                    closes_on=world.cohort.end_date)
        found.refresh_from_db()
        survey_services.survey_answer(survey=found, person=world.trainee, answers={
            question.pk: 4 if question.kind == "scale" else "Fine"
            for question in found.questions.all()})
        summary = survey_services.survey_summary_request(survey=found, by=world.pd)
        survey_services.survey_summary_build(summary_id=summary.pk)
    return found


def survey(s): return _survey(s).pk
def survey_summary(s): return _survey(s).summaries.order_by("created_at").first().pk


# The one table: every URL pattern's key (namespaced name, or route when unnamed) and how it is
# reached. A key may list variants (one address per object it can be about).
ACCESS: dict[str, Page | tuple[Page, ...]] = {
    # --- Public: exactly the views marked login_not_required -------------------------------
    "account_login": Page(PUBLIC, static("account_login"), why="signing in"),
    "account_logout": Page(PUBLIC, static("account_logout"),
                           why="signing out; anonymous people are sent to sign in"),
    "account_signup": Page(PUBLIC, static("account_signup"),
                           why="allauth's route; says sign-up is closed and creates nobody"),
    "account_inactive": Page(PUBLIC, static("account_inactive"),
                             why="told to a deactivated person who tried to sign in"),
    "account_email_verification_sent": Page(PUBLIC, static("account_email_verification_sent"),
                                            why="after a sign-in with an unverified address"),
    "account_confirm_email": Page(PUBLIC, static("account_confirm_email", key="not:a-key"),
                                  why="the link in a verification email, opened signed out"),
    "account_confirm_login_code": Page(PUBLIC, static("account_confirm_login_code"),
                                       why="allauth's sign-in by code (off): sends to sign in"),
    "account_reset_password": Page(PUBLIC, static("account_reset_password"),
                                   why="asking for a reset link"),
    "account_reset_password_done": Page(PUBLIC, static("account_reset_password_done"),
                                        why="'check your email', whatever the address"),
    "account_reset_password_from_key": Page(
        PUBLIC, static("account_reset_password_from_key", uidb36="1", key="set-not-a-key"),
        why="the link in a reset email"),
    "account_reset_password_from_key_done": Page(
        PUBLIC, static("account_reset_password_from_key_done"), why="after a reset"),
    "mfa_authenticate": Page(PUBLIC, static("mfa_authenticate"),
                             why="the second step of signing in, before the login completes"),
    "socialaccount_login_cancelled": Page(PUBLIC, static("socialaccount_login_cancelled"),
                                          why="NHSmail sign-in abandoned"),
    "socialaccount_signup": Page(PUBLIC, static("socialaccount_signup"),
                                 why="NHSmail sign-in step; sign-up is closed"),
    "invitation_accept": Page(PUBLIC, invitation_link,
                              why="setting a password from an invitation's one-time link"),
    "healthz": Page(PUBLIC, static("healthz"), why="the load balancer; no personal data"),
    "nhsuk_image": Page(PUBLIC, static("nhsuk_image", filename="nhsuk-icon-cross.svg"),
                        why="NHS.UK frontend's icons, which its stylesheet asks for"),
    "calendar_feed": Page(PUBLIC, url("calendar_feed", lambda s: s.world.trainee.calendar_token),
                          why="calendar apps cannot sign in: a secret token per person"),

    # --- Signed in: allauth's own pages about one's own account ----------------------------
    "account_reauthenticate": Page(PERSONAL, static("account_reauthenticate")),
    "account_email": Page(PERSONAL, static("account_email")),
    "account_change_password": Page(PERSONAL, static("account_change_password")),
    "account_set_password": Page(PERSONAL, static("account_set_password")),
    "mfa_index": Page(PERSONAL, static("mfa_index")),
    "mfa_reauthenticate": Page(PERSONAL, static("mfa_reauthenticate")),
    "mfa_activate_totp": Page(PERSONAL, static("mfa_activate_totp")),
    "mfa_deactivate_totp": Page(PERSONAL, static("mfa_deactivate_totp")),
    "mfa_view_recovery_codes": Page(PERSONAL, static("mfa_view_recovery_codes")),
    "mfa_generate_recovery_codes": Page(PERSONAL, static("mfa_generate_recovery_codes")),
    "mfa_download_recovery_codes": Page(PERSONAL, static("mfa_download_recovery_codes")),
    "socialaccount_login_error": Page(PERSONAL, static("socialaccount_login_error")),
    "socialaccount_connections": Page(PERSONAL, static("socialaccount_connections")),
    # allauth's old addresses, redirecting to the ones above
    "accounts/social/login/cancelled/": Page(PERSONAL, lambda s: "/accounts/social/login/cancelled/"),
    "accounts/social/login/error/": Page(PERSONAL, lambda s: "/accounts/social/login/error/"),
    "accounts/social/signup/": Page(PERSONAL, lambda s: "/accounts/social/signup/"),
    "accounts/social/connections/": Page(PERSONAL, lambda s: "/accounts/social/connections/"),

    # --- clic.accounts ------------------------------------------------------------------
    "home": Page(PERSONAL, static("home")),
    "profile": Page(PERSONAL, static("profile")),
    "calendar_token_reset": Page(PERSONAL, static("calendar_token_reset"), post=True),
    "data_export": Page(PERSONAL, static("data_export")),
    "data_export_download": Page(PERSONAL, static("data_export_download")),
    "people": Page(ROLE, static("people"), seen_by=MANAGERS_ANYWHERE),
    "person_invite": Page(ROLE, static("person_invite"), seen_by=MANAGERS_ANYWHERE),
    # People with a role in the programme, at a CCG where it has cohorts, or at a practice.
    "person_detail": (
        Page(OBJECT, url("person_detail", trainee), seen_by=PROGRAMME),
        Page(OBJECT, url("person_detail", lambda s: s.world.supervisor.pk), seen_by=PROGRAMME),
    ),
    "person_reinvite": Page(OBJECT, url("person_reinvite", trainee), seen_by=PROGRAMME,
                            post=True),
    # Its own confirmation page; only its POST removes the role.
    "membership_remove": tuple(
        Page(OBJECT, fresh_membership(role, organisation), seen_by=PROGRAMME, post=post)
        for role, organisation in (("trainee", lambda s: s.world.programme),
                                   ("ccg_supervisor", lambda s: s.world.ccg))
        for post in (False, True)),
    "organisations": Page(ROLE, static("organisations"), seen_by=MANAGERS_ANYWHERE),
    "organisation_create": Page(ROLE, static("organisation_create"), seen_by=MANAGERS_ANYWHERE),
    # A programme is its own PDs' and PAs'; a CCG is shared by the programmes with cohorts
    # there; GP practices by every programme (clic.accounts.selectors).
    "organisation_edit": (
        Page(OBJECT, url("organisation_edit", lambda s: s.world.programme.pk), seen_by=PROGRAMME),
        Page(OBJECT, url("organisation_edit", lambda s: s.world.ccg.pk), seen_by=PROGRAMME),
        Page(OBJECT, url("organisation_edit", lambda s: s.world.practice.pk),
             seen_by=MANAGERS_ANYWHERE),
    ),

    # --- rotations ----------------------------------------------------------------------
    "cohort_list": Page(ROLE, static("cohort_list"), seen_by=MANAGERS_ANYWHERE),
    "cohort_create": Page(ROLE, static("cohort_create"), seen_by=("pd", "other_pd")),
    "cohort_detail": Page(OBJECT, url("cohort_detail", cohort), seen_by=PROGRAMME),
    "cohort_edit": Page(OBJECT, url("cohort_edit", cohort), seen_by=("pd",)),
    # A confirmation page listing every email; only its POST publishes.
    "cohort_publish": (Page(OBJECT, url("cohort_publish", cohort), seen_by=("pd",)),
                       Page(OBJECT, url("cohort_publish", cohort), seen_by=("pd",), post=True)),
    "cohort_changes": Page(OBJECT, url("cohort_changes", cohort), seen_by=PROGRAMME),
    # Timetable templates: the PDs of the template's programme (the other programme's PD
    # is an outsider and gets 404).
    "template_list": Page(ROLE, static("template_list"), seen_by=("pd", "other_pd")),
    "template_detail": Page(OBJECT, url("template_detail", lambda s: s.template.pk),
                            seen_by=("pd",)),
    "template_edit": Page(OBJECT, url("template_edit", lambda s: s.template.pk),
                          seen_by=("pd",)),
    "template_copy": Page(OBJECT, url("template_copy", lambda s: s.template.pk),
                          seen_by=("pd",)),
    "cohort_timetable": Page(OBJECT, url("cohort_timetable", cohort), seen_by=PROGRAMME),
    "cohort_timetable_overview": Page(OBJECT, url("cohort_timetable_overview", cohort),
                                      seen_by=PROGRAMME),
    "session_edit": Page(OBJECT, url("session_edit", cohort, lambda s: s.cohort_session.pk),
                         seen_by=("pd",)),
    # Its own confirmation page, listing everyone told; only its POST cancels.
    "session_cancel": (
        Page(OBJECT, url("session_cancel", cohort, lambda s: s.cohort_session.pk),
             seen_by=("pd",)),
        Page(OBJECT, url("session_cancel", cohort, lambda s: s.cohort_session.pk),
             seen_by=("pd",), post=True)),
    "session_reinstate": tuple(Page(OBJECT, url("session_reinstate", cohort,
                                                lambda s: s.cohort_session.pk),
                                    seen_by=("pd",), post=post) for post in (False, True)),
    "pack_request": Page(OBJECT, url("pack_request", cohort), seen_by=PROGRAMME, post=True),
    "pack_detail": Page(OBJECT, url("pack_detail", cohort, lambda s: s.pack.pk),
                        seen_by=PROGRAMME),
    "pack_retry": Page(OBJECT, url("pack_retry", cohort, lambda s: s.pack.pk),
                       seen_by=PROGRAMME, post=True),
    "pack_download": Page(OBJECT, url("pack_download", cohort, lambda s: s.pack.pk),
                          seen_by=PROGRAMME),
    "placement_timetable_pdf": Page(OBJECT, url("placement_timetable_pdf", placement),
                                    seen_by=PLACEMENT_PEOPLE),
    "diary_week": (
        Page(PERSONAL, static("diary_week")),
        Page(OBJECT, url("diary_week", query=lambda s: f"?placement={placement(s)}"),
             seen_by=PLACEMENT_PEOPLE),
        Page(OBJECT, url("diary_week", query=lambda s: f"?cohort={cohort(s)}"),
             seen_by=PROGRAMME),
    ),
    "diary_month": (
        Page(PERSONAL, static("diary_month")),
        Page(OBJECT, url("diary_month", query=lambda s: f"?placement={placement(s)}"),
             seen_by=PLACEMENT_PEOPLE),
        Page(OBJECT, url("diary_month", query=lambda s: f"?cohort={cohort(s)}"),
             seen_by=PROGRAMME),
    ),
    "calendar_subscribe": Page(PERSONAL, static("calendar_subscribe")),

    # --- trainees -----------------------------------------------------------------------
    "trainee_add": Page(OBJECT, url("trainee_add", cohort), seen_by=("pd",)),
    "trainees_upload": Page(OBJECT, url("trainees_upload", cohort), seen_by=("pd",)),
    "trainees_upload_confirm": Page(OBJECT, url("trainees_upload_confirm", cohort),
                                    seen_by=("pd",)),
    "trainees_template": Page(ROLE, static("trainees_template"), seen_by=MANAGERS_ANYWHERE),
    "earlier_trainees": Page(PERSONAL, static("earlier_trainees")),
    "placement_detail": Page(OBJECT, url("placement_detail", placement),
                             seen_by=PLACEMENT_PEOPLE),
    # Each section scoped as its own app's pages: tests/trainees/test_trainee_page.py.
    "trainee_page": Page(OBJECT, url("trainee_page", placement), seen_by=PLACEMENT_PEOPLE),
    "placement_edit": Page(OBJECT, url("placement_edit", placement), seen_by=("pd",)),

    # --- projects -----------------------------------------------------------------------
    # Those the SOP sends concerns to: PDs (S14), CCG Supervisors and Deputy Chairs (S15).
    "concerns_received": Page(ROLE, static("concerns_received"),
                              seen_by=("supervisor", "other_ccg_supervisor", "chair", "pd",
                                       "other_pd")),
    "supervision": Page(ROLE, static("supervision"),
                        seen_by=("supervisor", "other_ccg_supervisor", "lead", "pd", "other_pd")),
    "project_detail": Page(OBJECT, url("project_detail", placement), seen_by=PROJECT_READERS),
    "project_edit": Page(OBJECT, url("project_edit", placement), seen_by=("trainee",),
                         forbidden=("supervisor", "lead", "es", "chair", "pd")),
    "project_action": Page(OBJECT, url("project_action", placement, lambda s: "agree"),
                           seen_by=("supervisor",), forbidden=("trainee", "lead", "es", "chair", "pd"),
                           post=True),
    "project_lead": Page(OBJECT, url("project_lead", placement), seen_by=("supervisor",),
                         forbidden=("trainee", "lead", "es", "chair", "pd")),
    "meeting_list": Page(OBJECT, url("meeting_list", placement), seen_by=PROJECT_READERS),
    "meeting_schedule": Page(OBJECT, url("meeting_schedule", placement, lambda s: "review_8"),
                             seen_by=("trainee", "supervisor", "lead"),
                             forbidden=("es", "chair", "pd")),
    "meeting_cancel": Page(OBJECT, url("meeting_cancel", placement, lambda s: "review_8"),
                           seen_by=("trainee", "supervisor", "lead"),
                           forbidden=("es", "chair", "pd")),
    "meeting_record": Page(OBJECT, url("meeting_record", placement, lambda s: "review_8"),
                           seen_by=("trainee", "supervisor", "lead"),
                           forbidden=("es", "chair", "pd")),
    "progress": Page(OBJECT, url("progress", placement), seen_by=PROJECT_READERS),
    "progress_comment": Page(OBJECT, url("progress_comment", placement, lambda s: s.entry.pk),
                             seen_by=("supervisor", "lead"),
                             forbidden=("trainee", "es", "chair", "pd"), post=True),
    "hr_checklist": Page(OBJECT, url("hr_checklist", placement), seen_by=PROJECT_READERS),
    "hr_agreement_download": Page(OBJECT, url("hr_agreement_download", placement),
                                  seen_by=PROJECT_READERS),
    # The trainee's concerns page lists only what is shared with them (nothing here).
    "concerns": Page(OBJECT, url("concerns", placement),
                     seen_by=("trainee", "supervisor", "lead", "chair", "pd")),
    "concern_raise": Page(OBJECT, url("concern_raise", placement), seen_by=("supervisor", "lead"),
                          forbidden=("trainee", "chair", "pd")),
    # S14 (the CCG Supervisor's concern) goes to the PDs: the raiser and the PDs see it.
    "concern_detail": Page(OBJECT, url("concern_detail", placement, lambda s: s.concern.pk),
                           seen_by=("supervisor", "pd")),
    "concern_share": Page(OBJECT, url("concern_share", placement, lambda s: s.concern.pk),
                          seen_by=("supervisor", "pd"), post=True),
    "summaries": Page(OBJECT, url("summaries", placement), seen_by=PROJECT_READERS),
    "summary_download": Page(OBJECT, url("summary_download", placement,
                                         lambda s: s.summaries.pk, lambda s: "slide"),
                             seen_by=PROJECT_READERS),
    # A confirmation page (the slide goes outside the service); only its POST sends.
    "committee_submit": tuple(Page(OBJECT, url("committee_submit", placement),
                                   seen_by=("supervisor", "lead"),
                                   forbidden=("trainee", "es", "chair", "pd"), post=post)
                              for post in (False, True)),

    # --- clic.mail ----------------------------------------------------------------------
    "mail_outbox": Page(ROLE, static("mail_outbox"),
                        seen_by=("ccg_admin", "other_ccg_admin", "pa", "pd", "other_pd")),
    "mail_outbox_detail": (
        Page(OBJECT, url("mail_outbox_detail", lambda s: s.email_to_ccg_admin.pk),
             seen_by=("ccg_admin", "pa", "pd")),
        Page(OBJECT, url("mail_outbox_detail", lambda s: s.email_to_trainee.pk),
             seen_by=PROGRAMME),
    ),
    "mail_outbox_resend": Page(OBJECT, url("mail_outbox_resend", lambda s: s.email_to_ccg_admin.pk),
                               seen_by=PROGRAMME, post=True),
    "mail_catalogue": Page(ROLE, static("mail_catalogue"), seen_by=MANAGERS_ANYWHERE),
    # A programme's "who is told what": read by its PDs and PAs, edited by its PDs only.
    "mail_routing_table": Page(OBJECT, url("mail_routing_table", lambda s: s.world.programme.pk),
                               seen_by=PROGRAMME),
    "mail_routing_row": Page(OBJECT, url("mail_routing_row", lambda s: s.world.programme.pk,
                                         lambda s: "S5"), seen_by=("pd",)),

    # --- assessments --------------------------------------------------------------------
    "assessments_index": Page(PERSONAL, static("assessments_index")),
    "presentation_schedule": Page(OBJECT, url("presentation_schedule", cohort), seen_by=("pd",)),
    "presentation_day": Page(OBJECT, url("presentation_day", lambda s: s.day.pk), seen_by=("pd",)),
    "presentation_day_move": Page(OBJECT, url("presentation_day_move", lambda s: s.day.pk),
                                  seen_by=("pd",)),
    "presentation_slots_edit": Page(OBJECT, url("presentation_slots_edit", lambda s: s.day.pk),
                                    seen_by=("pd",)),
    "presentation_day_cancel": Page(OBJECT, url("presentation_day_cancel", lambda s: s.day.pk),
                                    seen_by=("pd",)),
    "presentation_chase": Page(OBJECT, url("presentation_chase", lambda s: s.day.pk),
                               seen_by=("pd",), post=True),
    "presentation_attendance": Page(OBJECT, url("presentation_attendance", lambda s: s.day.pk),
                                    seen_by=("pd",)),
    "presentation_slot_title": Page(OBJECT, url("presentation_slot_title", lambda s: s.slot.pk),
                                    seen_by=("trainee", "pd")),
    "presentation_invitations": Page(PERSONAL, static("presentation_invitations")),
    "presentation_invitation_respond": Page(
        OBJECT, url("presentation_invitation_respond", lambda s: s.invitation.pk),
        seen_by=("trainee",), post=True),
    "presentation_feedback_give": Page(OBJECT, url("presentation_feedback_give",
                                                   lambda s: s.slot.pk), seen_by=INVITED),
    "presentation_feedback": Page(OBJECT, url("presentation_feedback", placement),
                                  seen_by=("trainee", "pd")),
    "assessment_detail": Page(OBJECT, url("assessment_detail", placement), seen_by=MARKS),
    "presentation_assessment_record": Page(OBJECT, url("presentation_assessment_record",
                                                       placement), seen_by=("pd",)),
    "cbd_record": Page(OBJECT, url("cbd_record", placement), seen_by=("pd",)),
    "end_of_rotation_pdf": Page(OBJECT, url("end_of_rotation_pdf", placement), seen_by=MARKS),
    # The Educational Supervisor reads them (linking learning to practice); only the trainee logs.
    "reflective_entries": Page(OBJECT, url("reflective_entries", placement),
                               seen_by=("trainee", "es", "pd")),
    # Its own confirmation page; only its POST removes the entry.
    "reflective_entry_delete": tuple(Page(OBJECT, fresh_reflective_entry, seen_by=("trainee",),
                                          post=post) for post in (False, True)),
    "reflective_overview": Page(OBJECT, url("reflective_overview", cohort), seen_by=("pd",)),
    "evaluation_results": Page(OBJECT, url("evaluation_results", cohort), seen_by=("pd",)),
    # A confirmation page listing the trainees emailed; only its POST opens and sends.
    "evaluation_open": (Page(OBJECT, url("evaluation_open", cohort), seen_by=("pd",)),
                        Page(OBJECT, url("evaluation_open", cohort), seen_by=("pd",), post=True)),
    # A confirmation page listing everyone emailed; only its "confirm" sends.
    "evaluation_share": tuple(Page(OBJECT, url("evaluation_share", cohort), seen_by=("pd",),
                                   post=post) for post in (False, True)),
    "evaluation_answer": Page(OBJECT, url("evaluation_answer", cohort), seen_by=("trainee",)),

    # --- surveys: run by the programme's PDs and its CCG's Deputy Chair, answered by those
    # asked (the cohort's trainee, CCG Supervisor and Project Lead; the programme's alumni)
    "survey_list": Page(PERSONAL, static("survey_list")),
    "survey_create": Page(ROLE, static("survey_create"), seen_by=SURVEY_MANAGERS + ("other_pd",)),
    "survey_detail": Page(OBJECT, url("survey_detail", survey), seen_by=SURVEY_MANAGERS),
    "survey_open": Page(OBJECT, url("survey_open", survey), seen_by=SURVEY_MANAGERS),
    "survey_close": Page(OBJECT, url("survey_close", survey), seen_by=SURVEY_MANAGERS, post=True),
    "survey_answer": Page(OBJECT, url("survey_answer", survey),
                          seen_by=("trainee", "supervisor", "lead", "alumnus")),
    "survey_results": Page(OBJECT, url("survey_results", survey), seen_by=SURVEY_MANAGERS),
    "survey_summary_request": Page(OBJECT, url("survey_summary_request", survey),
                                   seen_by=SURVEY_MANAGERS, post=True),
    "survey_summary": Page(OBJECT, url("survey_summary", survey, survey_summary),
                           seen_by=SURVEY_MANAGERS),
    "survey_summary_download": Page(OBJECT, url("survey_summary_download", survey,
                                                survey_summary), seen_by=SURVEY_MANAGERS),
    # --- interests ----------------------------------------------------------------------
    # Those who must declare: the CCG Supervisors, Project Leads, PDs and Deputy Chairs, and
    # the presentation panel (the ES is invited to the scene's day); PDs read the register.
    "interests_mine": Page(ROLE, static("interests_mine"), seen_by=DECLARERS),
    "interest_declare": Page(ROLE, static("interest_declare"), seen_by=DECLARERS),
    "interests_nothing_to_declare": Page(ROLE, static("interests_nothing_to_declare"),
                                         seen_by=DECLARERS, post=True),
    "interests_register": Page(ROLE, static("interests_register"), seen_by=("pd", "other_pd")),
    "interest_edit": Page(OBJECT, supervisors_interest_edit, seen_by=("supervisor",)),
    # Only the person whose declared interest flags on the trainee's presentation day.
    "conflict_decide": Page(OBJECT, supervisors_conflict, seen_by=("supervisor",)),

    # --- absences -----------------------------------------------------------------------
    "absences:mine": Page(PERSONAL, static("absences:mine")),
    "absences:start": (
        Page(PERSONAL, static("absences:start")),
        Page(OBJECT, url("absences:start", query=lambda s: f"?placement={placement(s)}"),
             seen_by=("trainee", "pa", "pd")),
    ),
    "absences:report": (
        # A sickness: CCG admin record one that reached the mailbox by email, too.
        Page(OBJECT, url("absences:report", placement, lambda s: "sickness"),
             seen_by=("trainee", "ccg_admin", "pa", "pd")),
        Page(OBJECT, url("absences:report", placement, lambda s: "annual-leave"),
             seen_by=("trainee", "pa", "pd")),
    ),
    "absences:detail": (
        # Sickness on a CCG project day: CCG people see the day, in one word.
        Page(OBJECT, url("absences:detail", lambda s: s.sickness.pk),
             seen_by=("trainee", "supervisor", "lead", "chair", "ccg_admin", "pa", "pd")),
        # Sickness on any other day: none of the CCG's business.
        Page(OBJECT, url("absences:detail", lambda s: s.other_sickness.pk),
             seen_by=("trainee", "pa", "pd")),
        # A leave request: S7 told the CCG Supervisor and Project Lead.
        Page(OBJECT, url("absences:detail", lambda s: s.leave.pk),
             seen_by=("trainee", "supervisor", "lead", "pa", "pd")),
    ),
    "absences:change": Page(OBJECT, url("absences:change", lambda s: s.sickness.pk),
                            seen_by=("trainee", "pa", "pd")),
    "absences:withdraw": Page(OBJECT, url("absences:withdraw", lambda s: s.sickness.pk),
                              seen_by=("trainee", "pa", "pd")),
    "absences:back": Page(OBJECT, url("absences:back", lambda s: s.open_sickness.pk),
                          seen_by=("trainee", "pa", "pd")),
    "absences:decide": Page(OBJECT, url("absences:decide", lambda s: s.leave.pk),
                            seen_by=PROGRAMME),
    "absences:programme": Page(ROLE, static("absences:programme"), seen_by=MANAGERS_ANYWHERE),
    "absences:programme_csv": Page(ROLE, static("absences:programme_csv"),
                                   seen_by=MANAGERS_ANYWHERE),
    "absences:supervised": Page(ROLE, static("absences:supervised"),
                                seen_by=("supervisor", "other_ccg_supervisor", "lead")),
    "absences:ccg": Page(ROLE, static("absences:ccg"),
                         seen_by=("chair", "ccg_admin", "other_ccg_admin")),
    "absences:ccg_register": Page(ROLE, static("absences:ccg_register"),
                                  seen_by=("chair", "ccg_admin", "other_ccg_admin")),

    # --- opportunities: a programme's trainees and alumni read its open roles; its PDs and
    # the Deputy Clinical Chairs of CCGs hosting its cohorts publish; a role's PDs and
    # publisher manage it.
    "opportunity_board": Page(ROLE, static("opportunity_board"),
                              seen_by=("trainee", "other_trainee", "alumnus", "chair", "pd",
                                       "other_pd")),
    "opportunity_publish": Page(ROLE, static("opportunity_publish"),
                                seen_by=("chair", "pd", "other_pd")),
    "opportunity_digest": tuple(Page(ROLE, static("opportunity_digest"),
                                     seen_by=("trainee", "other_trainee", "alumnus"), post=post)
                                for post in (False, True)),
    "opportunity_monitoring_summary": Page(ROLE, static("opportunity_monitoring_summary"),
                                           seen_by=("chair", "pd", "other_pd")),
    "opportunity_detail": Page(OBJECT, url("opportunity_detail", opportunity),
                               seen_by=("trainee", "other_trainee", "alumnus", "pd")),
    "opportunity_interest": Page(OBJECT, url("opportunity_interest", opportunity),
                                 seen_by=("trainee", "other_trainee", "alumnus"), forbidden=("pd",),
                                 post=True),
    "opportunity_monitoring": tuple(Page(OBJECT, url("opportunity_monitoring", opportunity),
                                         seen_by=("trainee", "other_trainee", "alumnus"),
                                         forbidden=("pd",), post=post) for post in (False, True)),
    # --- community: alumni, mentoring and the alumni directory ---------------------------
    "community:index": Page(PERSONAL, static("community:index")),
    # Only the trainee of an ended rotation, who is not yet one of its programme's alumni.
    "community:join": Page(OBJECT, url("community:join", lambda s: s.alumni.joinable.pk),
                           seen_by=("other_trainee",)),
    "community:profile": Page(OBJECT, url("community:profile",
                                          lambda s: s.alumni.membership.pk), seen_by=("alumnus",)),
    # Its own confirmation page; only its POST leaves (tests/community/test_views.py).
    "community:leave": Page(OBJECT, url("community:leave", lambda s: s.alumni.membership.pk),
                            seen_by=("alumnus",)),
    # The programme's alumni, current trainees and PDs.
    "community:directory": Page(OBJECT, url("community:directory",
                                            lambda s: s.world.programme.pk),
                                seen_by=("trainee", "pd", "alumnus")),
    "community:mentoring": Page(OBJECT, url("community:mentoring",
                                            lambda s: s.world.programme.pk), seen_by=("pd",)),
    # The notes are the pair's alone: the PDs and supervisors get 404.
    "community:pair": Page(OBJECT, url("community:pair", lambda s: s.alumni.pair.pk),
                           seen_by=("trainee", "alumnus")),

    # --- clic.audit: PDs only, each their programmes' log (clic/audit/rules.py) ----------
    "audit_events": (
        Page(ROLE, static("audit_events"), seen_by=("pd", "other_pd")),
        Page(ROLE, url("audit_events", query=lambda s: f"?placement={placement(s)}"),
             seen_by=("pd", "other_pd")),
    ),
}


def pages(key: str) -> tuple[Page, ...]:
    entry = ACCESS[key]
    return entry if isinstance(entry, tuple) else (entry,)


def classification(pattern) -> str:
    if pattern.is_admin:
        return ADMIN
    return pages(pattern.key)[0].access if pattern.key in ACCESS else ""


# --- Classification ---------------------------------------------------------------------


def test_every_url_pattern_is_classified():
    unclassified = [f"{p.key}  ({p.route})" for p in every_pattern()
                    if not p.is_admin and p.key not in ACCESS]
    assert not unclassified, ("Classify these URLs in tests/security/test_every_url.py ACCESS "
                              "(public, personal, role or object, with who may open them):\n"
                              + "\n".join(unclassified))


def test_the_table_names_no_url_that_is_gone():
    keys = {p.key for p in every_pattern()}
    assert not set(ACCESS) - keys


def test_the_public_list_is_exactly_the_views_open_without_signing_in():
    open_views = {p.key for p in every_pattern() if p.is_public and not p.is_admin}
    public = {key for key in ACCESS if pages(key)[0].access == PUBLIC}
    assert open_views == public
    assert all(page.why for key in public for page in pages(key))
    # The admin's own sign-in form is its only open page.
    assert {p.key for p in every_pattern() if p.is_public and p.is_admin} == {"admin:login"}


# --- Requests -----------------------------------------------------------------------------

LOGIN = "/accounts/login/"


def outcome(response) -> str:
    if response.status_code in (301, 302, 303, 307, 308):
        location = response["Location"]
        return "login" if location.startswith((LOGIN, "/admin/login/")) else "ok"
    if response.status_code == 200:
        return "ok"
    return str(response.status_code)


def request(client: Client, page: Page, scene: Scene):
    address = page.url(scene)
    response = client.post(address) if page.post else client.get(address)
    return address, response


TEXT_TYPES = ("text/html", "text/csv", "text/calendar", "application/json", "text/plain")


def leaks(role: str, scene: Scene, response) -> list[str]:
    """What this person must never read in a page: another trainee's sickness note, a
    mentoring note of a pair they are not in, and for outsiders, our trainee at all."""
    if not response.get("Content-Type", "").startswith(TEXT_TYPES) or response.streaming:
        return []
    body = response.content.decode(errors="replace")
    found = []
    if role not in NOTE_READERS and scene.sickness.note in body:
        found.append("the sickness note")
    if role not in MENTORING_PAIR and MENTORING_NOTE in body:
        found.append("the mentoring note")
    if role in OUTSIDERS:
        trainee = scene.world.trainee
        # "othertrainee@nhs.test" is not ours: match whole names and addresses only.
        found += [what for what in (trainee.full_name, trainee.email)
                  if re.search(rf"(?<![\w.-]){re.escape(what)}(?![\w-])", body)]
    return found


@pytest.fixture
def scene(world, settings) -> Scene:
    settings.CLIC_MFA_ENFORCED = False  # two-factor sign-in is tested in test_accounts.py
    return add_alumni(build_scene(world))


def person(scene: Scene, role: str):
    """The world's person in this role, or the scene's alumnus."""
    return scene.alumni.alumnus if role == "alumnus" else getattr(scene.world, role)


def test_anonymous_people_are_sent_to_sign_in_everywhere_but_the_public_list(client, scene):
    wrong = []
    for pattern in every_pattern():
        if pattern.is_admin:
            addresses = [(admin_sample_path(pattern), False)]
            access = ADMIN
        else:
            addresses = [(page.url(scene), page.post) for page in pages(pattern.key)]
            access = classification(pattern)
        for address, post in addresses:
            responses = [client.post(address)] if post else [client.get(address),
                                                            client.post(address)]
            for response in responses:
                got = outcome(response)
                if access == PUBLIC or pattern.key == "admin:login":
                    # Open by design; the token pages show their owner's own things.
                    if response.status_code >= 500:
                        wrong.append(f"{address}: {response.status_code}")
                elif got != "login":
                    wrong.append(f"{address} ({access}): {response.status_code} {got}")
    assert not wrong, "\n".join(wrong)


def test_the_sign_in_pages_open_without_signing_in(client, scene):
    for name in ("account_login", "account_reset_password", "account_reset_password_done"):
        response = client.get(reverse(name))
        assert response.status_code == 200, name
        assert "<form" in response.content.decode() or name.endswith("_done"), name
    assert client.get(reverse("healthz")).json()["database"] == "ok"
    feed = client.get(ACCESS["calendar_feed"].url(scene))
    assert feed.status_code == 200 and feed.content.startswith(b"BEGIN:VCALENDAR")
    invitation = client.get(ACCESS["invitation_accept"].url(scene))
    assert invitation.status_code == 200 and 'name="password1"' in invitation.content.decode()
    assert client.get(reverse("calendar_feed", args=["guessed-token"])).status_code == 404


def test_every_role_gets_exactly_the_pages_its_matrix_allows(scene):
    """One world, every page, every person: who gets it, who is refused (403), who 404s."""
    clients = {}
    for role in ROLES:
        clients[role] = Client()
        clients[role].force_login(person(scene, role))
    wrong = []
    for key in ACCESS:
        for page in pages(key):
            if page.access not in (ROLE, OBJECT, PERSONAL):
                continue
            for role in ROLES:
                address, response = request(clients[role], page, scene)
                got = outcome(response)
                if page.access == PERSONAL:
                    # Their own page, their role's page, or nothing of theirs here (404); and
                    # allauth answers its social sign-in error page with 401.
                    ok = got in ("ok", "404", "401")
                    expected = "own page"
                else:
                    expected = ("ok" if role in page.seen_by
                                else "403" if role in page.forbidden else "404")
                    ok = got == expected
                if not ok:
                    wrong.append(f"{role:>20} {address}: expected {expected}, got {got}")
                for leak in leaks(role, scene, response):
                    wrong.append(f"{role:>20} {address}: shows {leak}")
    assert not wrong, "\n" + "\n".join(wrong)


# --- The Django admin -----------------------------------------------------------------------


def test_the_django_admin_is_for_superusers_only(scene):
    from django.contrib import admin

    changelists = [reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
                   for model in admin.site._registry]
    world = scene.world
    world.pd.is_staff = True  # a mis-set staff flag opens nothing
    world.pd.save()
    staff = Client()
    staff.force_login(world.pd)
    superuser = Client()
    superuser.force_login(factories.UserFactory(is_staff=True, is_superuser=True))
    for address in ["/admin/", *changelists]:
        assert outcome(staff.get(address)) == "login", address
        assert superuser.get(address).status_code == 200, address

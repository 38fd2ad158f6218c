from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from clic.accounts.models import Organisation, Role, User
from clic.accounts.services import organisation_save, user_invite
from clic.audit import services as audit
from rotations import notifications
from rotations.models import Cohort, CohortChange
from rotations.services import (
    cohort_change_record,
    placement_allocate,
    placement_timetable_move,
)

from .models import Placement, Weekday
from .rows import TraineeRow, name_from_email


@transaction.atomic
def placement_add(*, cohort: Cohort, trainee: User, practice: Organisation,
                  educational_supervisor: User, ccg_supervisor: User,
                  project_lead: User | None = None, project_day: int = Weekday.THURSDAY,
                  agreed_by_pd: bool = False, agreed_by_es: bool = False,
                  agreed_by_supervisor: bool = False, by: User | None = None) -> Placement:
    """Place a trainee in a cohort. If the timetable is already published, the trainee's
    project days are added and S1-S3 go out at once (the SOP's "trainee allocated")."""
    placement = Placement(cohort=cohort, trainee=trainee, practice=practice,
                          educational_supervisor=educational_supervisor,
                          ccg_supervisor=ccg_supervisor, project_lead=project_lead,
                          project_day=project_day, project_day_agreed_by_pd=agreed_by_pd,
                          project_day_agreed_by_es=agreed_by_es,
                          project_day_agreed_by_supervisor=agreed_by_supervisor)
    placement.full_clean()
    placement.save()
    audit.record(actor=by, action=audit.CREATED, obj=placement,
                 summary=f"Placed in {cohort} (project day {placement.get_project_day_display()})")
    cohort_change_record(cohort=cohort, actor=by, action=CohortChange.Action.TRAINEE_ADDED,
                         placement=placement,
                         summary=f"{trainee} added ({practice}; project day "
                                 f"{placement.get_project_day_display()})")
    placement_allocate(placement=placement, by=by)
    return placement


@transaction.atomic
def practice_find_or_create(*, name: str) -> Organisation:
    """The GP practice of that name (any case), made if it is new."""
    name = " ".join(name.split())
    practice = Organisation.objects.filter(kind=Organisation.Kind.PRACTICE,
                                           name__iexact=name).first()
    return practice or organisation_save(
        organisation=Organisation(kind=Organisation.Kind.PRACTICE, name=name))


@transaction.atomic
def trainee_enrol(*, cohort: Cohort, row: TraineeRow, by: User | None) -> Placement:
    """Add one trainee to a cohort from their details: people are matched by email or
    invited, the practice is found by name or created."""
    practice = practice_find_or_create(name=row.gp_practice)
    trainee = user_invite(email=row.email, full_name=row.name,
                          roles=[(Role.TRAINEE, cohort.programme)], invited_by=by)
    es = user_invite(email=row.es_email, full_name=row.es_name or name_from_email(row.es_email),
                     roles=[(Role.ES, practice)], invited_by=by)
    supervisor = user_invite(
        email=row.ccg_supervisor_email,
        full_name=row.ccg_supervisor_name or name_from_email(row.ccg_supervisor_email),
        roles=[(Role.CCG_SUPERVISOR, cohort.ccg)], invited_by=by)
    lead = None
    if row.project_lead_email:
        lead = user_invite(
            email=row.project_lead_email,
            full_name=row.project_lead_name or name_from_email(row.project_lead_email),
            roles=[(Role.PROJECT_LEAD, cohort.ccg)], invited_by=by)
    # Agreement is for another day than the template's: none is recorded for its own.
    usual_day = row.project_day == cohort.template_version.project_weekday
    return placement_add(cohort=cohort, trainee=trainee, practice=practice,
                         educational_supervisor=es, ccg_supervisor=supervisor, project_lead=lead,
                         project_day=row.project_day,
                         agreed_by_pd=row.agreed_by_pd and not usual_day,
                         agreed_by_es=row.agreed_by_es and not usual_day,
                         agreed_by_supervisor=row.agreed_by_supervisor and not usual_day, by=by)


@transaction.atomic
def placements_import(*, cohort: Cohort, rows: Iterable[TraineeRow], by: User | None
                      ) -> list[Placement]:
    """Enrol every trainee of a checked upload, or (on any error) none of them."""
    return [trainee_enrol(cohort=cohort, row=row, by=by) for row in rows]


@transaction.atomic
def placement_update(*, placement: Placement, by: User | None, practice: Organisation,
                     educational_supervisor: User, ccg_supervisor: User,
                     project_lead: User | None, project_day: int, agreed_by_pd: bool = False,
                     agreed_by_es: bool = False, agreed_by_supervisor: bool = False
                     ) -> Placement:
    """Change a placement. On a published timetable a new project day moves the trainee's
    future project days (S10), and a new Project Lead is told (S4)."""
    placement = Placement.objects.select_for_update(of=("self",)).select_related(
        "cohort", "trainee", "practice", "educational_supervisor", "ccg_supervisor",
        "project_lead").get(pk=placement.pk)
    fields = {"practice": ("GP practice", practice),
              "educational_supervisor": ("Educational Supervisor", educational_supervisor),
              "ccg_supervisor": ("CCG Supervisor", ccg_supervisor),
              "project_lead": ("Project Lead", project_lead),
              "project_day": ("Project day", project_day),
              "project_day_agreed_by_pd": ("Agreed by PD", agreed_by_pd),
              "project_day_agreed_by_es": ("Agreed by ES", agreed_by_es),
              "project_day_agreed_by_supervisor": ("Agreed by CCG Supervisor",
                                                   agreed_by_supervisor)}
    details = {}
    old_day, old_lead = placement.project_day, placement.project_lead_id
    for field, (label, value) in fields.items():
        old = getattr(placement, field)
        if old != value:
            shown = (lambda v: Weekday(v).label) if field == "project_day" else (
                lambda v: "(none)" if v is None else ("yes" if v is True else
                                                      "no" if v is False else str(v)))
            details[label] = [shown(old), shown(value)]
            setattr(placement, field, value)
    if not details:
        return placement
    placement.full_clean()
    placement.save()
    audit.record(actor=by, action=audit.CHANGED, obj=placement,
                 summary="Changed: " + ", ".join(details).lower())
    cohort_change_record(cohort=placement.cohort, actor=by, placement=placement,
                         action=CohortChange.Action.PLACEMENT_EDITED, details=details,
                         summary=f"{placement.trainee}'s placement changed: "
                                 + ", ".join(details).lower())
    cohort = placement.cohort
    if cohort.is_published:
        if placement.project_day != old_day:
            placement_timetable_move(placement=placement, by=by,
                                     from_date=max(timezone.localdate(), cohort.start_date))
        if placement.project_lead_id and placement.project_lead_id != old_lead:
            notifications.project_lead_named(placement)
    return placement

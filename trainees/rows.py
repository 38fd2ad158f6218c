"""One trainee to enrol, from the form or a CSV line, and everything wrong with it."""

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from clic.accounts.validators import longest, person_errors

from .models import Weekday, project_day_errors

DAY_NAMES = {
    "mon": Weekday.MONDAY, "monday": Weekday.MONDAY,
    "tue": Weekday.TUESDAY, "tues": Weekday.TUESDAY, "tuesday": Weekday.TUESDAY,
    "wed": Weekday.WEDNESDAY, "weds": Weekday.WEDNESDAY, "wednesday": Weekday.WEDNESDAY,
    "thu": Weekday.THURSDAY, "thur": Weekday.THURSDAY, "thurs": Weekday.THURSDAY,
    "thursday": Weekday.THURSDAY,
    "fri": Weekday.FRIDAY, "friday": Weekday.FRIDAY,
}
WEEKEND = {"sat", "saturday", "sun", "sunday"}
YES = {"yes", "y", "true", "1", "agreed", "x"}
NO = {"", "no", "n", "false", "0"}


@dataclass
class TraineeRow:
    name: str
    email: str
    gp_practice: str
    es_email: str
    ccg_supervisor_email: str
    project_lead_email: str = ""
    project_day: int = Weekday.THURSDAY
    agreed_by_pd: bool = False
    agreed_by_es: bool = False
    agreed_by_supervisor: bool = False
    es_name: str = ""
    ccg_supervisor_name: str = ""
    project_lead_name: str = ""


def parse_day(text: str, *, blank: int) -> int | None:
    """A weekday from 'Thursday', 'thu', '3'... ; blank means `blank` (the template's default
    project day); None if unknown."""
    text = (text or "").strip().lower().rstrip(".")
    if not text:
        return blank
    if text in DAY_NAMES:
        return DAY_NAMES[text]
    return None


def name_from_email(email: str) -> str:
    """A stand-in name for someone known only by email ('jane.smith@…' -> 'Jane Smith');
    they can correct it on their profile page. An address's first part may be longer than a
    name the service holds: it is cut there."""
    local = email.split("@", 1)[0]
    name = " ".join(part.capitalize() for part in re.split(r"[._\-+]+", local) if part) or email
    return name[:longest("full_name")]


def _email_errors(value: str, *, required: bool) -> list[str]:
    if not value:
        return ["Enter an email address."] if required else []
    too_long = person_errors(email=value)
    if too_long:
        return [too_long["email"]]
    try:
        validate_email(value)
    except ValidationError:
        return [f"'{value}' is not a valid email address."]
    return []


def row_errors(row: TraineeRow, *, cohort, seen: dict[str, int] | None = None,
               existing_emails: set[str] | None = None) -> dict[str, list[str]]:
    """Everything wrong with one trainee, by field. `seen` maps emails already used in the
    same upload to their line; `existing_emails` are trainees already in the cohort."""
    errors: dict[str, list[str]] = {}

    def add(field, message):
        errors.setdefault(field, []).append(message)

    if not row.name:
        add("name", "Enter the trainee's name.")
    for field in ("name", "es_name", "ccg_supervisor_name", "project_lead_name"):
        if too_long := person_errors(full_name=getattr(row, field)):
            add(field, too_long["full_name"])
    for field, required in (("email", True), ("es_email", True),
                            ("ccg_supervisor_email", True), ("project_lead_email", False)):
        for message in _email_errors(getattr(row, field), required=required):
            add(field, message)
    if row.email and "email" not in errors:
        if seen is not None and row.email in seen:
            add("email", f"{row.email} is also on line {seen[row.email]}: each trainee once.")
        if existing_emails is not None and row.email in existing_emails:
            add("email", f"{row.email} is already a trainee in this cohort.")
        for field, label in (("es_email", "Educational Supervisor"),
                             ("ccg_supervisor_email", "CCG Supervisor"),
                             ("project_lead_email", "Project Lead")):
            if getattr(row, field) == row.email:
                add(field, f"The trainee cannot be their own {label}.")
    if not row.gp_practice:
        add("gp_practice", "Enter the trainee's GP practice.")
    elif len(row.gp_practice) > 200:
        add("gp_practice", "The practice name is longer than 200 characters.")
    if row.project_day is None:
        add("project_day", "Give the project day as a weekday, e.g. Thursday.")
    else:
        for message in project_day_errors(row.project_day, row.agreed_by_pd, row.agreed_by_es,
                                          row.agreed_by_supervisor,
                                          version=cohort.template_version):
            add("project_day", message)
    return errors

"""Trainees by CSV upload: every line is checked before anything is saved; any problem
means nothing is imported, and every problem is listed by line and column."""

import csv
import io
import re
from dataclasses import dataclass

from .models import Weekday, project_day_errors
from .rows import NO, WEEKEND, YES, TraineeRow, parse_day, row_errors

MAX_UPLOAD_BYTES = 1024 * 1024
MAX_ROWS = 200

# (key, header in the template, required)
COLUMNS = [
    ("name", "Name", True),
    ("email", "Email", True),
    ("gp_practice", "GP practice", True),
    ("es_email", "Educational Supervisor email", True),
    ("ccg_supervisor_email", "CCG Supervisor email", True),
    ("project_lead_email", "Project Lead email", False),
    ("project_day", "Project day", False),
    ("project_day_agreed", "Project day agreed", False),
    ("es_name", "Educational Supervisor name", False),
    ("ccg_supervisor_name", "CCG Supervisor name", False),
    ("project_lead_name", "Project Lead name", False),
]
HEADERS = {key: header for key, header, _ in COLUMNS}
ALIASES = {"es_email": "es_email", "educational_supervisor_email": "es_email",
           "es_name": "es_name", "educational_supervisor_name": "es_name",
           "supervisor_email": "ccg_supervisor_email", "lead_email": "project_lead_email",
           "trainee_name": "name", "trainee_email": "email", "practice": "gp_practice",
           "gp_practice_name": "gp_practice", "agreed": "project_day_agreed"}

TEMPLATE_EXAMPLE = [
    "Dr Jane Example", "jane.example@nhs.net", "Canterbury Road Surgery",
    "es.example@nhs.net", "supervisor.example@nhs.net", "", "Thursday", "", "", "", "",
]


@dataclass
class ImportProblem:
    line: int
    column: str
    message: str


def template_csv() -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([header for _, header, _ in COLUMNS])
    writer.writerow(TEMPLATE_EXAMPLE)
    return out.getvalue()


def _key(header: str) -> str:
    key = re.sub(r"[^a-z0-9]+", "_", (header or "").strip().lower()).strip("_")
    return ALIASES.get(key, key)


def _decode(data: bytes) -> tuple[str | None, list[ImportProblem]]:
    if b"\x00" in data[:4096] or data[:4] == b"PK\x03\x04":
        return None, [ImportProblem(0, "File", (
            "This is not a CSV file (it looks like a spreadsheet or other binary file). "
            "In Excel choose File > Save As > 'CSV UTF-8 (comma delimited)'."))]
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as error:
        line = data[:error.start].count(b"\n") + 1
        return None, [ImportProblem(line, "File", (
            "The file is not in UTF-8 encoding (the first unreadable character is on this "
            "line). Save it again as 'CSV UTF-8 (comma delimited)' and upload that."))]


def read_trainees_csv(upload) -> tuple[str | None, list[ImportProblem]]:
    """An uploaded CSV's text, or why it cannot be read (size, type, encoding)."""
    name = getattr(upload, "name", "") or ""
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_UPLOAD_BYTES:
        return None, [ImportProblem(0, "File", (
            f"The file is {size / 1024 / 1024:.1f} MB; the limit is 1 MB. "
            "Split it into smaller files."))]
    if not name.lower().endswith(".csv"):
        return None, [ImportProblem(0, "File", (
            f"'{name}' is not a CSV file: upload a .csv file (download the template below)."))]
    data = upload.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        return None, [ImportProblem(0, "File", "The file is over 1 MB, the limit.")]
    return _decode(data)


def parse_trainees_text(text: str, *, cohort) -> tuple[list[TraineeRow], list[ImportProblem]]:
    """Check a CSV's text: the trainees to enrol, or every problem found. The upload's
    confirmation page sends the text back, so confirming imports what was checked."""
    try:
        table = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    except csv.Error as error:
        return [], [ImportProblem(0, "File", f"This is not a readable CSV file ({error}).")]
    if not table or not any(cell.strip() for cell in table[0]):
        return [], [ImportProblem(1, "File", "The file is empty: it needs a header line and "
                                             "one line per trainee.")]
    return _check_table(table, cohort=cohort)


def _check_table(table: list[list[str]], *, cohort) -> tuple[list[TraineeRow],
                                                             list[ImportProblem]]:
    problems: list[ImportProblem] = []
    raw_header = table[0]
    keys = [_key(h) for h in raw_header]
    known = {key for key, _, _ in COLUMNS}
    if len(raw_header) == 1 and ";" in raw_header[0]:
        problems.append(ImportProblem(1, "File", (
            "The values are separated by semicolons: save the file as 'CSV UTF-8 (comma "
            "delimited)' so that they are separated by commas.")))
        return [], problems
    for header, key in zip(raw_header, keys, strict=True):
        if key not in known:
            problems.append(ImportProblem(1, header or "(blank)", (
                f"Unknown column '{header}'. The columns are: "
                + ", ".join(h for _, h, _ in COLUMNS) + ".")))
    duplicated = {key for key in keys if keys.count(key) > 1 and key in known}
    for key in sorted(duplicated):
        problems.append(ImportProblem(1, HEADERS[key], "This column appears more than once."))
    for key, header, required in COLUMNS:
        if required and key not in keys:
            problems.append(ImportProblem(1, header, "This column is missing."))
    if problems:
        return [], problems

    existing = set(cohort.placements.values_list("trainee__email", flat=True))
    existing = {email.lower() for email in existing}
    version = cohort.template_version
    seen: dict[str, int] = {}
    rows: list[TraineeRow] = []
    data_lines = [(n, cells) for n, cells in enumerate(table[1:], start=2)
                  if any(cell.strip() for cell in cells)]
    if not data_lines:
        return [], [ImportProblem(2, "File", "The file has a header but no trainees.")]
    if len(data_lines) > MAX_ROWS:
        return [], [ImportProblem(0, "File", f"At most {MAX_ROWS} trainees per file.")]
    for line, cells in data_lines:
        if len(cells) != len(keys):
            problems.append(ImportProblem(line, "File", (
                f"This line has {len(cells)} values but the header has {len(keys)} columns.")))
            continue
        values = {key: cell.strip() for key, cell in zip(keys, cells, strict=True)}
        day_text = values.get("project_day", "")
        agreed_text = values.get("project_day_agreed", "").lower()
        day = parse_day(day_text, blank=version.project_weekday)
        agreed = agreed_text in YES
        row = TraineeRow(
            name=values.get("name", ""), email=values.get("email", "").lower(),
            gp_practice=values.get("gp_practice", ""),
            es_email=values.get("es_email", "").lower(),
            ccg_supervisor_email=values.get("ccg_supervisor_email", "").lower(),
            project_lead_email=values.get("project_lead_email", "").lower(),
            project_day=day, agreed_by_pd=agreed, agreed_by_es=agreed,
            agreed_by_supervisor=agreed, es_name=values.get("es_name", ""),
            ccg_supervisor_name=values.get("ccg_supervisor_name", ""),
            project_lead_name=values.get("project_lead_name", ""))
        errors = row_errors(row, cohort=cohort, seen=seen, existing_emails=existing)
        errors.pop("project_day", None)
        for field, messages in errors.items():
            problems.extend(ImportProblem(line, HEADERS[field], message) for message in messages)
        if agreed_text not in YES | NO:
            problems.append(ImportProblem(line, HEADERS["project_day_agreed"], (
                f"'{values['project_day_agreed']}' is not understood: write 'yes' once the "
                "PD, ES and CCG Supervisor have agreed, or leave it blank.")))
        if day is None:
            problems.append(ImportProblem(line, HEADERS["project_day"], (
                "The project day must be a weekday." if day_text.strip().lower() in WEEKEND
                else f"'{day_text}' is not a weekday: write e.g. Thursday.")))
        elif refused := project_day_errors(day, True, True, True, version=version):
            # A day no agreement makes right (a teaching day, or one the template forbids).
            problems.extend(ImportProblem(line, HEADERS["project_day"], message)
                            for message in refused)
        elif day != version.project_weekday and not agreed and agreed_text in NO:
            problems.append(ImportProblem(line, HEADERS["project_day_agreed"], (
                f"A {Weekday(day).label} project day needs the Programme Director, the "
                "Educational Supervisor and the CCG Supervisor to agree: write 'yes' here "
                "once all three have.")))
        if row.email and row.email not in seen:
            seen[row.email] = line
        rows.append(row)
    return ([] if problems else rows), problems

"""Subject access: everything the service holds about the person asking, as one ZIP of JSON
files and PDFs. Every read here is of the person's own records (their account, their
placements and what hangs off them, emails to them or about them), so the export is scoped
to them by construction; other people appear only as the names the person already sees in
the service (their supervisors), and anonymous feedback stays anonymous.

Left out on purpose: concerns not shared with the trainee (the service's rule: the raiser or
a PD decides), the audit log (kept out of reach of the people it records), the calendar feed
token and sign-in links (secrets, not data), and evaluation answers (anonymous by design:
nothing links an answer to a person; so are the equality monitoring answers of the
leadership opportunities board).

The core writes the account and the emails; each app adds its part of every placement in its
AppConfig.ready() (clic.registry): `placements` gives the person's placements (trainees),
`placement_parts` the keys of each placement.json, in order, `placement_files` the
files (PDFs) of each placement's folder, and `person_files` JSON files of what an app holds
about the person outside any placement (the opportunities they said they are interested
in, their alumni membership and mentoring)."""

import io
import json
import zipfile

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify

from clic.mail.catalogue import is_confidential
from clic.mail.models import OutboundEmail
from clic.registry import Registry

# source(user) -> the person's own placements, oldest first
placements = Registry("subject access: the person's placements")
# part(user, placement) -> keys of the placement's placement.json
placement_parts = Registry("subject access: parts of placement.json")
# files(placement) -> {file name: content} in the placement's folder
placement_files = Registry("subject access: files of a placement's folder")
# files(user) -> {file name: data}, each written as JSON at the top of the ZIP
person_files = Registry("subject access: the person's records outside placements")

HIDDEN_BODY = "(Not included: this email carried a one-time sign-in link.)"


def person_summary(user) -> dict | None:
    if user is None:
        return None
    return {"name": user.full_name, "email": user.email}


def _account(user) -> dict:
    return {
        "email": user.email, "full_name": user.full_name, "job_title": user.job_title,
        "phone": user.phone, "active": user.is_active, "date_joined": user.date_joined,
        "last_login": user.last_login, "has_password": user.has_usable_password(),
        "roles": [{"role": m.get_role_display(), "organisation": m.organisation.name,
                   "since": m.created_at}
                  for m in user.memberships.select_related("organisation")],
        "invitations": [{"sent": i.created_at, "accepted": i.accepted_at}
                        for i in user.invitations.all()],
        "two_factor_authentication": [a.get_type_display() for a in user.authenticator_set.all()],
    }


def _emails(user, placements) -> list[dict]:
    """Emails to the person, and emails about them to anyone (by placement). Bodies that
    carried a sign-in link are left out, as in the outbox."""
    emails = OutboundEmail.objects.filter(
        Q(to_email=user.email.lower()) | Q(placement__in=placements)).order_by("created_at", "id")
    return [{"sop_code": e.code, "to": e.to_header, "why": e.recipient_roles,
             "subject": e.subject, "created_at": e.created_at, "sent_at": e.sent_at,
             "status": e.get_status_display(),
             "body": HIDDEN_BODY if is_confidential(e.code) else e.body_text}
            for e in emails]


def _json(data) -> str:
    return json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False)


def folder_of(placement) -> str:
    return f"placements/{slugify(placement.cohort.name) or placement.pk}"


def subject_access_zip(user) -> bytes:
    """Everything held about `user`, as a ZIP: JSON for data, the PDFs the service makes."""
    own = [placement for source in placements for placement in source(user)]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", README.format(name=user.full_name or user.email,
                                                     when=timezone.localtime()))
        archive.writestr("account.json", _json(_account(user)))
        for placement in own:
            folder = folder_of(placement)
            record = {}
            for part in placement_parts:
                record.update(part(user, placement))
            archive.writestr(f"{folder}/placement.json", _json(record))
            for files in placement_files:
                for name, content in files(placement).items():
                    archive.writestr(f"{folder}/{name}", content)
        for files in person_files:
            for name, data in files(user).items():
                archive.writestr(name, _json(data))
        archive.writestr("emails.json", _json(_emails(user, own)))
    return buffer.getvalue()


README = """Your data in the CLIC service: {name}, made {when:%d %B %Y at %H:%M}.

account.json          your account, roles, invitations and two-factor set-up
placements/<cohort>/  for each rotation: placement.json (your timetable, absences with your
                      notes, project, meetings, progress log, HR checklist, presentation,
                      feedback, assessments and reflective entries) and its PDFs
alumni.json           if you stayed on as an alumnus: what you share, your mentoring
                      pairs and meetings with their notes
emails.json           every email sent to you or about you (sign-in links left out)
opportunities.json    the leadership roles you said you are interested in, and your digest
                      subscription (equality monitoring answers are kept without your name,
                      so they cannot be included)
interests.json        your register of interests, "nothing to declare" declarations and
                      choices about trainees you had declared an interest in (if any)

Feedback given anonymously stays anonymous. Ask your Programme Administrator about anything
you think is wrong or missing.
"""

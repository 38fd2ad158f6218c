"""After the load test: let the worker (and the sweeper) finish, then compare the outbox rows
made during the test with what the SMTP sink received, by Message-ID: every absence reported
has its emails, and each email arrived exactly once.

    DJANGO_SETTINGS_MODULE=clic.settings.loadtest python loadtest/verify.py PLAN.json SINK RESULT.json
"""

import json
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import django  # noqa: E402

django.setup()

from django.contrib.contenttypes.models import ContentType  # noqa: E402

from absences.models import Absence  # noqa: E402
from clic.mail.models import OutboundEmail  # noqa: E402
from clic.mail.services import outbox_sweep  # noqa: E402

Status = OutboundEmail.Status


def received(sink: Path) -> Counter:
    if not sink.exists():
        return Counter()
    return Counter(line.split("\t", 1)[0] for line in sink.read_text().splitlines() if line)


def main(plan_path: str, sink_path: str, result_path: str) -> int:
    plan = json.loads(Path(plan_path).read_text())
    sink = Path(sink_path)
    rows = OutboundEmail.objects.filter(pk__gte=plan["first_email_pk"])
    started = time.monotonic()
    # The worker sends what is queued; the sweeper (the beat's job, once a minute in
    # production) publishes anything whose task was lost.
    while rows.filter(status__in=[Status.QUEUED, Status.SENDING]).exists():
        if time.monotonic() - started > 240:
            break
        outbox_sweep()
        time.sleep(3)
    drained = time.monotonic() - started
    wanted = dict(rows.values_list("message_id", "code"))
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not set(wanted) <= set(received(sink)):
        time.sleep(0.5)
    counts = received(sink)

    absences = list(Absence.objects.filter(pk__gte=plan["first_absence_pk"]))
    absence_type = ContentType.objects.get_for_model(Absence)
    absence_rows = rows.filter(content_type=absence_type,
                               object_id__in=[a.pk for a in absences])
    emails_of = Counter(absence_rows.values_list("object_id", flat=True))
    without_emails = [a.pk for a in absences if not emails_of[a.pk]]
    missing = [m for m in wanted if counts[m] == 0]
    duplicated = {m: counts[m] for m in wanted if counts[m] > 1}
    statuses = Counter(rows.values_list("status", flat=True))
    result = {
        "absences": len(absences),
        "absences_by_kind": dict(Counter(a.kind for a in absences)),
        "absence_emails": absence_rows.count(),
        "absence_emails_by_code": dict(Counter(absence_rows.values_list("code", flat=True))),
        "emails": len(wanted),
        "emails_by_code": dict(Counter(wanted.values())),
        "statuses": dict(statuses),
        "received_once": sum(1 for m in wanted if counts[m] == 1),
        "missing": len(missing), "duplicated": len(duplicated),
        "absences_without_emails": without_emails,
        "seconds_to_drain": round(drained, 1),
    }
    Path(result_path).write_text(json.dumps(result, indent=1))
    ok = not missing and not duplicated and not without_emails and set(statuses) == {Status.SENT}
    print(f"Emails made during the test: {len(wanted)} ({result['emails_by_code']}); "
          f"{result['received_once']} received exactly once, {len(missing)} missing, "
          f"{len(duplicated)} duplicated. Absences reported: {len(absences)}, with "
          f"{result['absence_emails']} emails; {len(without_emails)} without any.")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))

"""Before the load test: after `load_demo`, a second published cohort of trainees at the same
CCG (one login per simulated trainee), and the plan the simulated people follow, as JSON:
each trainee's placement and the days they may report, the sessions PDs edit.

    DJANGO_SETTINGS_MODULE=clic.settings.loadtest python loadtest/prepare.py TRAINEES PLAN.json
"""

import datetime
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import django  # noqa: E402

django.setup()

from allauth.account.models import EmailAddress  # noqa: E402
from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from absences.models import Absence  # noqa: E402
from clic.accounts.demo import demo_email  # noqa: E402
from clic.accounts.models import Role, User  # noqa: E402
from clic.accounts.services import user_invite  # noqa: E402
from clic.mail.models import OutboundEmail  # noqa: E402
from rotations.demo import running_cohort  # noqa: E402
from rotations.models import Session  # noqa: E402
from rotations.services import cohort_create, cohort_publish  # noqa: E402
from rotations.timetable import bank_holidays  # noqa: E402
from trainees.models import Weekday  # noqa: E402
from trainees.services import placement_add  # noqa: E402


def main(trainees: int, plan_path: str) -> None:
    today = timezone.localdate()
    running = running_cohort()
    people = {login: User.objects.get(email=demo_email(login))
              for login in ("pd", "pd2", "es", "supervisor", "lead", "trainee1", "ccgadmin")}
    with transaction.atomic():
        cohort = cohort_create(
            name="Load test cohort", programme=running.programme, ccg=running.ccg,
            start_date=running.start_date, directors=[people["pd"], people["pd2"]],
            als_facilitator=people["pd2"], teaching_venue=running.teaching_venue,
            ccg_venue=running.ccg_venue, by=people["pd"])
        practice = running.placements.first().practice
        for n in range(1, trainees + 1):
            trainee = user_invite(email=demo_email(f"load{n:02d}"), full_name=f"Dr Load {n:02d}",
                                  roles=[(Role.TRAINEE, running.programme)], invited_by=None,
                                  send=False)
            placement_add(cohort=cohort, trainee=trainee, practice=practice,
                          educational_supervisor=people["es"],
                          ccg_supervisor=people["supervisor"], project_lead=people["lead"],
                          project_day=Weekday.THURSDAY)
        cohort_publish(cohort=cohort, by=people["pd"])
        # As if each had accepted their invitation with the demo password, without hashing
        # it again (a second of CPU each under the production hasher).
        loaders = User.objects.filter(email__startswith="load", email__endswith="@clic.test")
        loaders.update(password=people["trainee1"].password)
        EmailAddress.objects.bulk_create([
            EmailAddress(user=user, email=user.email, primary=True, verified=True)
            for user in loaders])

    closed = bank_holidays(cohort.start_date, cohort.end_date)

    def weekdays(first: datetime.date, last: datetime.date) -> list[str]:
        first, last = max(first, cohort.start_date), min(last, cohort.end_date)
        return [(first + datetime.timedelta(days=n)).isoformat()
                for n in range((last - first).days + 1)
                if (first + datetime.timedelta(days=n)).weekday() < 5
                and first + datetime.timedelta(days=n) not in closed]

    sick_days = weekdays(today - datetime.timedelta(days=13), today + datetime.timedelta(days=6))
    leave_days = weekdays(today + datetime.timedelta(days=7), cohort.end_date)
    sessions = Session.objects.filter(
        cohort=running, placement__isnull=True, date__gt=today,
        kind__in=[Session.Kind.TEACHING, Session.Kind.ALS]).order_by("date")[:12]
    plan = {
        "trainees": [{"email": p.trainee.email, "placement": p.pk, "sick_days": sick_days,
                      "leave_days": [d for d in leave_days if d not in sick_days]}
                     for p in cohort.placements.select_related("trainee").order_by("pk")],
        "pds": [demo_email("pd"), demo_email("pd2")],
        "ccg_admins": [demo_email("ccgadmin")],
        "password": "demo-clic-2026",
        "cohorts": [running.pk, cohort.pk],
        "sessions": [{
            "cohort": s.cohort_id, "session": s.pk, "week": s.week, "kind": s.kind,
            "title": s.title, "date": s.date.isoformat(),
            "start_time": s.start_time.strftime("%H:%M"), "end_time": s.end_time.strftime("%H:%M"),
            "facilitator": s.facilitator_id or "", "notes": s.notes} for s in sessions],
        # Everything made from here on is the load test's.
        "first_email_pk": (OutboundEmail.objects.order_by("-pk").values_list("pk", flat=True)
                           .first() or 0) + 1,
        "first_absence_pk": (Absence.objects.order_by("-pk").values_list("pk", flat=True)
                             .first() or 0) + 1,
    }
    Path(plan_path).write_text(json.dumps(plan, indent=1))
    print(f"Prepared {trainees} trainees in {cohort}, {len(sessions)} sessions to edit, "
          f"{len(sick_days)} days for sickness and {len(plan['trainees'][0]['leave_days'])} "
          "for leave each")


if __name__ == "__main__":
    main(int(sys.argv[1]), sys.argv[2])

import datetime

from icalendar import Calendar

from assessments import services
from assessments.models import PresentationDay
from clic.mail.models import OutboundEmail


def week16_wednesday(cohort) -> datetime.date:
    return cohort.monday_of_week(16) + datetime.timedelta(days=2)


def slots_for(placements, start=datetime.time(13, 30), length=20):
    begin = start.hour * 60 + start.minute
    return [services.SlotSpec(placement=p, order=n,
                              start_time=datetime.time((begin + (n - 1) * length) // 60,
                                                       (begin + (n - 1) * length) % 60),
                              length_minutes=length)
            for n, p in enumerate(placements, start=1)]


def schedule(cohort, organiser, placements=None, **overrides) -> PresentationDay:
    placements = placements if placements is not None else list(cohort.placements.all())
    kwargs = {"date": week16_wednesday(cohort), "start_time": datetime.time(13, 30),
              "end_time": datetime.time(16, 30), "venue": "Education Centre, Canterbury",
              "slots": slots_for(placements)}
    kwargs.update(overrides)
    return services.presentation_day_schedule(cohort=cohort, organiser=organiser, **kwargs)


def emails(code: str) -> list[OutboundEmail]:
    return list(OutboundEmail.objects.filter(code=code).order_by("to_email"))


def addresses(code: str) -> set[str]:
    return {email.to_email for email in emails(code)}


def ics_of(email: OutboundEmail) -> Calendar:
    (attachment,) = [a for a in email.attachments if a["mimetype"].startswith("text/calendar")]
    return Calendar.from_ical(attachment["text"])


def event_of(email: OutboundEmail):
    return ics_of(email).walk("VEVENT")[0]

"""Community's part of the subject access export and of retention (clic.accounts exporters
and retention; registered in CommunityConfig.ready()).

An alumnus's choice is respected by retention: while it holds (until they leave, or
ALUMNI_YEARS after they joined) their name and email are kept even when the records of their
rotations are anonymised; after it, the retention rules apply as to any former trainee."""

import datetime

from clic.accounts.retention import blank

from .models import Alumnus, MentoringMeeting
from .selectors import own_alumni, own_pairs


def alumni_files(user) -> dict:
    """alumni.json: what the person shares as an alumnus and their mentoring pairs, with the
    notes of their meetings (theirs to read), when they have any."""
    alumni = own_alumni(user)
    pairs = own_pairs(user).prefetch_related("meetings")
    if not alumni and not pairs:
        return {}
    return {"alumni.json": {
        "alumni": [{"programme": a.programme.name, "cohort": a.cohort.name, "joined": a.joined_on,
                    "kept_until": a.keep_until, "left": a.left_on, "listed": a.listed,
                    "current_role": a.current_role, "organisation": a.organisation,
                    "interests": a.interests, "happy_to_be_contacted": a.happy_to_be_contacted,
                    "offers_mentoring": a.offers_mentoring, "mentoring_offer": a.mentoring_offer}
                   for a in alumni],
        "mentoring": [{"mentor": p.mentor.user.full_name, "trainee": p.placement.trainee.full_name,
                       "paired_on": p.paired_on,
                       "meetings": [{"date": m.met_on, "note": m.note} for m in p.meetings.all()]}
                      for p in pairs],
    }}


def is_kept_alumnus(user, today: datetime.date) -> bool:
    return Alumnus.objects.filter(user=user, left_on__isnull=True,
                                  keep_until__gte=today).exists()


def mentoring_notes_anonymise(placement) -> int:
    """A trainee's mentoring notes go with the rest of their placement's free text; the
    meetings' dates stay, so the counts still add up."""
    return blank(MentoringMeeting.objects.filter(pair__placement=placement), "note")


def alumni_removed(user, *, old_name, old_email) -> None:
    """A former alumnus anonymised: what they shared and their notes as a mentor go."""
    blank(Alumnus.objects.filter(user=user), "current_role", "organisation", "interests",
          "mentoring_offer")
    Alumnus.objects.filter(user=user).update(listed=False, happy_to_be_contacted=False,
                                             offers_mentoring=False)
    blank(MentoringMeeting.objects.filter(pair__mentor__user=user), "note")

"""The opportunities board's part of the subject access export (clic.accounts.exporters):
the roles the person said they are interested in and their digest subscription. Their
equality monitoring answers are not here: nothing links them to the person."""

from .models import DigestSubscription, Interest


def opportunities_of(user) -> dict:
    interests = Interest.objects.filter(person=user).select_related("opportunity").order_by(
        "expressed_on", "pk")
    subscription = DigestSubscription.objects.filter(person=user).first()
    return {"opportunities.json": {
        "interested_in": [{"role": i.opportunity.title, "organisation": i.opportunity.organisation,
                           "said_on": i.expressed_on,
                           "monitoring_answered_or_declined": i.monitoring_done}
                          for i in interests],
        "weekly_digest": ({"subscribed_at": subscription.subscribed_at,
                           "last_sent_at": subscription.last_sent_at} if subscription else None),
    }}

"""The opportunities board's part of the home page (clic.accounts.pages; registered in
OpportunitiesConfig.ready()): the audience's open roles, closing soonest first, and for
publishers a way to the board."""

from . import rules, selectors

HOME_ROLES_SHOWN = 5


def home_part(user, roles, today, context) -> dict:
    is_audience = bool(rules.audience_programme_ids(user))
    if not (is_audience or rules.can_publish(user)):
        return {}
    # Only the columns a line shows (`make bench` line "trainee: home").
    open_roles = (list(selectors.open_opportunities(user, today)
                       .only("title", "organisation", "time_commitment", "closing_date")
                       [:HOME_ROLES_SHOWN + 1])
                  if is_audience else [])
    return {"opportunities_panel": {
        "open_roles": open_roles[:HOME_ROLES_SHOWN], "more": len(open_roles) > HOME_ROLES_SHOWN,
        "is_audience": is_audience}}

"""The temperature check's part of the home page (clic.accounts.pages; registered in
SurveysConfig.ready()): the open surveys the person has not answered, and for the people who
run them a way to their programmes' surveys."""

from .rules import can_run_surveys
from .selectors import open_invitations


def home_part(user, roles, today, context) -> dict:
    return {"survey_invitations": open_invitations(user),
            "runs_surveys": can_run_surveys(user)}

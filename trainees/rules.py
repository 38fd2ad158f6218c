"""Who may change placements: the PDs who manage the cohort (rotations.rules)."""

from rotations.rules import can_manage_cohort


def can_manage_placement(user, placement) -> bool:
    return can_manage_cohort(user, placement.cohort)

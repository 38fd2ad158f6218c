"""Small-number suppression, one threshold for every aggregate the service reports about
people (the temperature check's groups, equality monitoring): fewer than SMALLEST_GROUP
people in a group and its figures would point at them, so they are not shown."""

SMALLEST_GROUP = 5

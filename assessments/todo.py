"""The assessments app's part of the to-do panel (clic.todo): trainees below the
reflective-entry expectation of their template (east Kent: two a week), for the PDs who run their cohorts."""

from django.urls import reverse

from clic.todo import Item

from .selectors import reflective_shortfalls


def reflective_entries_below(user, today) -> list[Item]:
    return [Item(text=f"{row['placement'].trainee.full_name} has logged {row['logged']} "
                      f"reflective entr{'y' if row['logged'] == 1 else 'ies'} in "
                      f"{row['weeks']} week{'s' if row['weeks'] != 1 else ''} "
                      f"({row['per_week']} a week expected)",
                 url=reverse("reflective_entries", args=[row["placement"].pk]))
            for row in reflective_shortfalls(user, today)]

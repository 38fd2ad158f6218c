"""Checks on a person's details: what their columns can hold, and passwords.

Passwords, after the NCSC's password guidance: no composition rules (no "one capital, one
symbol"), but refuse what attackers try first. Django's validators already refuse short
(under 12), common and all-digit passwords and ones close to the person's name or address;
this one refuses passwords made of keyboard walks, sequences or repeats, and passwords
containing the service's name or the person's email local part."""

import re

from django.core.exceptions import ValidationError

from .models import User

# The person's details a form or import gives, as a message names them.
DETAILS = {"email": "an email address", "full_name": "a name", "job_title": "a job title",
           "phone": "a phone number"}


def longest(field: str) -> int:
    """The most characters a person's column holds of one detail."""
    return User._meta.get_field(field).max_length


def too_long(field: str) -> str:
    return f"Enter {DETAILS[field]} of {longest(field)} characters or fewer."


def person_errors(**details: str) -> dict[str, str]:
    """What a person's columns cannot hold of the details given, by field: for the services
    that write a person and the forms and imports in front of them."""
    return {field: too_long(field) for field, value in details.items()
            if len(value) > longest(field)}

KEYBOARD_ROWS = ("`1234567890-=", "qwertyuiop[]", "asdfghjkl;'#", "zxcvbnm,./")
# Columns of a UK keyboard, read downwards ("1qaz", "2wsx", ...).
KEYBOARD_COLUMNS = tuple("".join(row[i] for row in KEYBOARD_ROWS[:4] if i < len(row))
                         for i in range(1, 11))
SEQUENCES = ("abcdefghijklmnopqrstuvwxyz", "0123456789")
RUNS = tuple(run for line in KEYBOARD_ROWS + KEYBOARD_COLUMNS + SEQUENCES
             for run in (line, line[::-1]))
# Three characters in a row of a walk, a sequence or a repeat count as a pattern.
SHORTEST_RUN = 3
# What must be left once the patterns are taken out.
LEAST_LEFT = 8
# Patterns are looked for in this much of a password, so that a huge one costs little time.
LOOKED_AT = 200


def pattern_spans(password: str) -> list[tuple[int, int]]:
    """(start, end) of every stretch of at least SHORTEST_RUN characters that is a keyboard
    walk, an alphabetical or numeric sequence, or one character repeated."""
    text = password.lower()
    spans = [match.span() for match in re.finditer(rf"(.)\1{{{SHORTEST_RUN - 1},}}", text)]
    for start in range(len(text)):
        end = start + 1
        while end < len(text) and any(text[start:end + 1] in run for run in RUNS):
            end += 1
        if end - start >= SHORTEST_RUN:
            spans.append((start, end))
    return spans


def strength_left(password: str) -> int:
    """How many characters are left once walks, sequences and repeats are taken out."""
    covered = set()
    for start, end in pattern_spans(password):
        covered.update(range(start, end))
    return len(password) - len(covered)


def is_repeated_chunk(password: str) -> bool:
    """The whole password is one piece said again and again ("hello1hello1")."""
    return re.fullmatch(r"(.+?)\1+", password.lower()) is not None


class PatternPasswordValidator:
    """Refuse keyboard walks ("qwertyuiop"), sequences ("abcdef", "123456"), repeats
    ("aaaa", "abcabcabc") and passwords containing the service's name or the email's local
    part. Configured in settings.AUTH_PASSWORD_VALIDATORS."""

    def __init__(self, service_names=("clic",), least_left=LEAST_LEFT):
        self.service_names = tuple(name.lower() for name in service_names)
        self.least_left = least_left

    def validate(self, password: str, user=None) -> None:
        lowered = password.lower()
        for name in self.service_names:
            if name in lowered:
                raise ValidationError(
                    f"Your password cannot contain the name of the service ({name.upper()}).",
                    code="password_has_service_name")
        email = getattr(user, "email", "") or ""
        local = email.split("@", 1)[0].lower()
        if len(local) >= 3 and local in lowered:
            raise ValidationError("Your password cannot contain the part of your email address "
                                  "before the @.",
                                  code="password_has_email")
        start = password[:LOOKED_AT]
        if is_repeated_chunk(start) or strength_left(start) < self.least_left:
            raise ValidationError(
                "Your password is mostly a keyboard pattern, a sequence or repeated characters "
                "(like qwerty, abcd, 1234 or aaaa), which are guessed first. Try a few "
                "unrelated words.", code="password_pattern")

    def get_help_text(self) -> str:
        return ("Your password cannot be mostly keyboard patterns, sequences or repeated "
                "characters, nor contain the service's name or your email address.")

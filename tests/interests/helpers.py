"""Declaring interests in tests, through the service."""


from interests import services
from interests.models import Interest


def declare(person, *, organisation=None, organisation_name="", starts_on, ends_on=None,
            kind=Interest.Kind.FINANCIAL, description="Paid adviser") -> Interest:
    return services.interest_declare(
        person=person, kind=kind, organisation=organisation, organisation_name=organisation_name,
        description=description, starts_on=starts_on, ends_on=ends_on)


def interest_post(**overrides) -> dict:
    """The declaration form's fields, dates in the NHS.UK day, month and year boxes."""
    return {"kind": Interest.Kind.FINANCIAL, "organisation": "",
            "organisation_name": "Kent Community Health NHS Foundation Trust",
            "description": "Sessional work", "starts_on-day": "1", "starts_on-month": "3",
            "starts_on-year": "2025", "ends_on-day": "", "ends_on-month": "",
            "ends_on-year": ""} | overrides

"""The catalogue is the handbook's SOP table, and every row has its three templates."""

import re
from pathlib import Path

import pytest

from clic.mail.catalogue import BY_CODE, CATALOGUE, RECIPIENT_DESCRIPTIONS, Recipient, row_for
from clic.mail.examples import example_context, example_email
from clic.mail.services import render_email

R = Recipient
ROOT = Path(__file__).resolve().parent.parent.parent


def test_catalogue_has_the_sop_rows_s1_to_s17_in_order_then_the_account_rows():
    codes = [row.code for row in CATALOGUE]

    assert codes[:17] == [f"S{n}" for n in range(1, 18)]
    assert {"INVITE", "ACCOUNT"} <= set(codes)
    assert len(codes) == len(set(codes))


@pytest.mark.parametrize(("code", "recipients"), [
    ("S1", {R.CCG_SUPERVISOR, R.CCG_ADMIN, R.PD}),
    ("S5", {R.CCG_SUPERVISOR, R.PROJECT_LEAD, R.CCG_ADMIN}),
    ("S6", {R.PA, R.PD}),
    ("S7", {R.PA, R.PD, R.CCG_SUPERVISOR, R.PROJECT_LEAD}),
    ("S12", {R.COMMITTEE}),
    ("S13", {R.CCG_SUPERVISOR, R.PROJECT_LEAD, R.ES, R.PEERS, R.DEPUTY_CHAIR, R.PD}),
    ("S14", {R.PD}),
    ("S15", {R.CCG_SUPERVISOR, R.DEPUTY_CHAIR}),
    ("S16", {R.TRAINEE, R.ES}),
])
def test_catalogue_rows_name_the_recipients_of_the_sop(code, recipients):
    assert set(row_for(code).recipients) == recipients


def test_the_sickness_rows_and_no_other_sop_rows_carry_health_data():
    sop_rows = [row for row in CATALOGUE if re.fullmatch(r"S\d+", row.code)]

    assert {row.code for row in sop_rows if row.health_data} == {"S5", "S6"}


def test_every_recipient_role_is_described_for_the_catalogue_page():
    assert set(RECIPIENT_DESCRIPTIONS) == set(Recipient)


@pytest.mark.parametrize("row", [row for row in CATALOGUE if row.template],
                         ids=lambda row: row.code)
def test_every_row_renders_a_short_subject_a_text_and_an_html_body(row):
    """Every row, including those other apps add: "Who is told what" shows them all."""
    subject, text, html = example_email(row)

    assert subject and "\n" not in subject and len(subject) < 120
    assert "{{" not in text and "{%" not in text
    assert text.startswith(("Dear ", "Hello,"))
    assert html.startswith("<!DOCTYPE html>")


@pytest.mark.parametrize("code", [f"S{n}" for n in range(1, 18)])
def test_sop_emails_say_who_the_trainee_is_and_what_to_do(code):
    subject, text, html = example_email(BY_CODE[code])

    assert "Dr Alex Example" in subject + text
    assert "What to do" in text and "What to do" in html


def test_every_sop_link_goes_into_the_service(settings):
    settings.SITE_URL = "https://clic.example.nhs.uk"
    for row in CATALOGUE:
        if re.fullmatch(r"S\d+", row.code) and row.code != "S12":  # the committee has no login
            _subject, text, html = render_email(row.template,
                                                {**example_context(row), "path": "/x/"})
            assert "https://clic.example.nhs.uk/x/" in text, row.code
            assert 'href="https://clic.example.nhs.uk/x/"' in html, row.code


@pytest.mark.parametrize("code", ["S5", "S6"])
def test_sickness_wording_says_sickness_absence_and_the_dates(code):
    context = example_context(BY_CODE[code])
    _subject, text, _html = example_email(BY_CODE[code])

    assert "sickness absence" in text
    assert context["days"][0].strftime("%-d %B %Y") in text


def test_row_for_an_unknown_code_is_an_error():
    with pytest.raises(ValueError, match="No row 'S18'"):
        row_for("S18")


def test_nothing_sends_email_but_the_outbox():
    """Every email is an outbox row: no code calls Django's send functions itself."""
    forbidden = re.compile(r"\b(send_mail|send_mass_mail|mail_admins|mail_managers)\(|\.send\(\s*fail")
    offenders = []
    for path in ROOT.glob("**/*.py"):
        relative = path.relative_to(ROOT)
        if relative.parts[0] in (".venv", "node_modules", "tests") or relative.parts[:2] == (
                "clic", "mail"):
            continue
        for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
            if forbidden.search(line) and not line.lstrip().startswith("def "):
                offenders.append(f"{relative}:{number}: {line.strip()}")
    assert offenders == []

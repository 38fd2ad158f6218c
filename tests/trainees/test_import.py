import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from clic.accounts.models import Organisation, Role, RoleMembership, User
from clic.mail.models import OutboundEmail
from rotations.models import Session
from trainees.importers import (
    MAX_UPLOAD_BYTES,
    parse_trainees_text,
    read_trainees_csv,
    template_csv,
)
from trainees.models import Placement, Weekday

from ..rotations.helpers import recipients

pytestmark = pytest.mark.django_db

HEADER = ("Name,Email,GP practice,Educational Supervisor email,CCG Supervisor email,"
          "Project Lead email,Project day,Project day agreed")
GOOD = "\r\n".join([
    HEADER,
    "Dr Ann Able,ann.able@nhs.test,Canterbury Road Surgery,es@nhs.test,supervisor@nhs.test,"
    "lead@nhs.test,Thursday,",
    "Dr Bob Brown,Bob.Brown@nhs.test,New Town Practice,new.es@nhs.test,supervisor@nhs.test,,"
    "tue,yes",
]) + "\r\n"


def _check(client, world, content: bytes, name="trainees.csv"):
    """The first step: the file is checked; nothing is saved or sent."""
    client.force_login(world.pd)
    return client.post(reverse("trainees_upload", args=[world.cohort.pk]),
                       {"file": SimpleUploadedFile(name, content, content_type="text/csv")})


def _upload(client, world, content: bytes, name="trainees.csv"):
    """Check the file and, where the check leads to the confirmation page, confirm."""
    checked = _check(client, world, content, name)
    if checked.status_code != 200:
        return checked
    return client.post(reverse("trainees_upload_confirm", args=[world.cohort.pk]),
                       {"csv_text": checked.context["form"]["csv_text"].value()})


def _parse(upload, *, cohort):
    text, problems = read_trainees_csv(upload)
    return ([], problems) if text is None else parse_trainees_text(text, cohort=cohort)


def _problems(response) -> str:
    assert response.status_code == 400
    html = response.content.decode()
    assert "Nothing was imported" in html
    return html


def _nothing_imported(world):
    assert list(Placement.objects.filter(cohort=world.cohort)) == [world.placement]
    assert not User.objects.filter(email__in=["ann.able@nhs.test", "bob.brown@nhs.test"]).exists()


def test_a_good_file_imports_every_trainee_and_invites_new_people(client, world):
    response = _upload(client, world, GOOD.encode())
    assert response.status_code == 302
    ann = Placement.objects.get(trainee__email="ann.able@nhs.test")
    bob = Placement.objects.get(trainee__email="bob.brown@nhs.test")
    assert ann.ccg_supervisor == world.supervisor and ann.project_lead == world.lead
    assert ann.educational_supervisor == world.es  # existing people are matched by email
    assert ann.project_day == Weekday.THURSDAY
    assert bob.project_day == Weekday.TUESDAY and bob.project_day_agreed_by_supervisor
    assert bob.project_lead is None
    assert bob.practice.name == "New Town Practice"  # a new practice is created by name
    assert Organisation.objects.filter(kind=Organisation.Kind.PRACTICE,
                                       name="New Town Practice").count() == 1
    assert bob.educational_supervisor.full_name == "New Es"
    assert RoleMembership.objects.filter(user=bob.educational_supervisor, role=Role.ES,
                                         organisation=bob.practice).exists()
    assert RoleMembership.objects.filter(user=bob.trainee, role=Role.TRAINEE,
                                         organisation=world.programme).exists()
    assert {"ann.able@nhs.test", "bob.brown@nhs.test", "new.es@nhs.test"} <= recipients("INVITE")
    assert "es@nhs.test" not in recipients("INVITE")


def test_a_file_with_a_bom_from_excel_imports(client, world):
    response = _upload(client, world, b"\xef\xbb\xbf" + GOOD.encode())
    assert response.status_code == 302
    assert Placement.objects.filter(cohort=world.cohort).count() == 3


def test_an_existing_practice_is_matched_whatever_its_case(client, world):
    content = GOOD.replace("New Town Practice", world.practice.name.upper()).encode()
    _upload(client, world, content)
    assert Placement.objects.get(trainee__email="bob.brown@nhs.test").practice == world.practice


def test_every_bad_line_is_listed_by_line_and_column_and_nothing_is_imported(client, world):
    content = "\r\n".join([
        HEADER,
        ",not-an-email,,es@nhs.test,supervisor@nhs.test,,Thursday,",
        "Dr Wed,wed@nhs.test,Surgery,es@nhs.test,supervisor@nhs.test,,Wednesday,yes",
        "Dr Tue,tue@nhs.test,Surgery,es@nhs.test,supervisor@nhs.test,,Tuesday,",
        "Dr Sat,sat@nhs.test,Surgery,es@nhs.test,supervisor@nhs.test,,Saturday,",
        "Dr Dup,dup@nhs.test,Surgery,es@nhs.test,supervisor@nhs.test,,,",
        "Dr Dup Again,DUP@nhs.test,Surgery,es@nhs.test,supervisor@nhs.test,,,",
        "Dr Already,trainee@nhs.test,Surgery,es@nhs.test,supervisor@nhs.test,,,",
        "Dr Bad Lead,lead2@nhs.test,Surgery,es@nhs.test,,not-email,,maybe",
        "Dr Good,good@nhs.test,Surgery,es@nhs.test,supervisor@nhs.test,,,",
    ]).encode()
    html = _problems(_upload(client, world, content))
    rows, problems = _parse(SimpleUploadedFile("t.csv", content), cohort=world.cohort)
    found = {(p.line, p.column) for p in problems}
    assert rows == []
    assert {(2, "Name"), (2, "Email"), (2, "GP practice")} <= found
    assert (3, "Project day") in found
    assert (4, "Project day agreed") in found
    assert (5, "Project day") in found
    assert (7, "Email") in found
    assert (8, "Email") in found
    assert {(9, "CCG Supervisor email"), (9, "Project Lead email"),
            (9, "Project day agreed")} <= found
    assert not any(p.line == 10 for p in problems)
    assert "also on line 6" in html
    assert "already a trainee in this cohort" in html
    assert "Wednesday is the teaching" in html
    _nothing_imported(world)
    assert not User.objects.filter(email="good@nhs.test").exists()


def test_a_file_in_the_wrong_encoding_is_refused(client, world):
    content = GOOD.replace("Dr Bob Brown", "Dr Zoë Brown").encode("cp1252")
    html = _problems(_upload(client, world, content))
    assert "not in UTF-8" in html
    _nothing_imported(world)


def test_a_file_that_is_not_a_csv_is_refused(client, world):
    xlsx = b"PK\x03\x04" + b"\x00" * 200
    assert "not a CSV file" in _problems(_upload(client, world, xlsx, name="trainees.csv"))
    assert "not a CSV file" in _problems(_upload(client, world, GOOD.encode(),
                                                 name="trainees.xlsx"))
    _nothing_imported(world)


def test_a_file_over_1_mb_is_refused(client, world):
    content = GOOD.encode() + b"#" * MAX_UPLOAD_BYTES
    html = _problems(_upload(client, world, content))
    assert "1 MB" in html
    _nothing_imported(world)


def test_missing_and_unknown_columns_are_listed(client, world):
    content = b"Name,Email,Favourite colour\r\nDr A,a@nhs.test,blue\r\n"
    html = _problems(_upload(client, world, content))
    for column in ("GP practice", "Educational Supervisor email", "CCG Supervisor email"):
        assert column in html
    assert "Unknown column" in html
    _nothing_imported(world)


def test_an_empty_file_and_a_header_only_file_are_refused(client, world):
    assert "empty" in _problems(_upload(client, world, b""))
    assert "no trainees" in _problems(_upload(client, world, HEADER.encode() + b"\r\n"))


def test_semicolon_separated_files_get_a_hint(client, world):
    content = GOOD.replace(",", ";").encode()
    assert "semicolons" in _problems(_upload(client, world, content))


def test_a_line_with_the_wrong_number_of_values_is_listed(client, world):
    content = (HEADER + "\r\nDr A,a@nhs.test,Surgery\r\n").encode()
    assert "has 3 values but the header has 8" in _problems(_upload(client, world, content))


def test_import_into_a_published_cohort_makes_timetables_and_sends_s1_to_s3(client, published):
    response = _upload(client, published, GOOD.encode())
    assert response.status_code == 302
    ann = Placement.objects.get(trainee__email="ann.able@nhs.test")
    assert ann.sessions.count() == 32
    assert "ann.able@nhs.test" in recipients("S2")
    assert Session.objects.filter(placement__trainee__email="bob.brown@nhs.test",
                                  date__week_day=3).exists()  # Tuesday


def test_checking_a_file_lists_every_invitation_and_saves_and_sends_nothing(client, world):
    emails_before = OutboundEmail.objects.count()
    response = _check(client, world, GOOD.encode())
    assert response.status_code == 200
    _nothing_imported(world)
    assert OutboundEmail.objects.count() == emails_before
    listed = {(email.code, email.to_email) for email in response.context["emails"]}
    assert listed == {("INVITE", "ann.able@nhs.test"), ("INVITE", "bob.brown@nhs.test"),
                      ("INVITE", "new.es@nhs.test")}  # es@nhs.test already has an account
    html = response.content.decode()
    assert "Add 2 trainees and send 3 emails" in html and "new.es@nhs.test" in html


def test_a_published_cohorts_confirmation_names_exactly_the_emails_confirming_sends(
        client, published):
    checked = _check(client, published, GOOD.encode())
    listed = {(email.code, email.to_email, email.subject)
              for email in checked.context["emails"]}
    assert {code for code, _, _ in listed} >= {"INVITE", "S2"}
    emails_before = set(OutboundEmail.objects.values_list("pk", flat=True))
    confirmed = client.post(reverse("trainees_upload_confirm", args=[published.cohort.pk]),
                            {"csv_text": checked.context["form"]["csv_text"].value()})
    assert confirmed.status_code == 302
    sent = {(email.code, email.to_email, email.subject)
            for email in OutboundEmail.objects.exclude(pk__in=emails_before)}
    assert sent == listed


def test_a_confirmation_without_the_checked_file_imports_nothing(client, world):
    client.force_login(world.pd)
    confirm = reverse("trainees_upload_confirm", args=[world.cohort.pk])
    response = client.post(confirm, {"csv_text": ""})
    assert response.status_code == 400
    assert "did not come back whole" in response.content.decode()
    bad = client.post(confirm, {"csv_text": GOOD.replace("Thursday", "Wednesday")})
    assert "Nothing was imported" in bad.content.decode()
    assert client.get(confirm).status_code == 302
    _nothing_imported(world)


def test_a_confirmation_is_for_the_cohorts_pd_only(client, world):
    client.force_login(world.supervisor)
    response = client.post(reverse("trainees_upload_confirm", args=[world.cohort.pk]),
                           {"csv_text": GOOD})
    assert response.status_code == 404
    _nothing_imported(world)


def test_the_csv_template_downloads_with_every_column(client, world):
    client.force_login(world.pd)
    response = client.get(reverse("trainees_template"))
    assert response["Content-Disposition"].startswith("attachment")
    assert response.content.decode() == template_csv()
    rows, problems = _parse(SimpleUploadedFile("t.csv", response.content),
                                        cohort=world.cohort)
    assert problems == [] and rows[0].email == "jane.example@nhs.net"
    assert HEADER in response.content.decode()


def test_the_upload_page_explains_the_columns(client, world):
    client.force_login(world.pd)
    html = client.get(reverse("trainees_upload", args=[world.cohort.pk])).content.decode()
    assert "CSV UTF-8" in html and "Project day agreed" in html


def test_parse_handles_a_reader_without_size(world):
    class Upload(io.BytesIO):
        name = "x.csv"

    rows, problems = _parse(Upload(GOOD.encode()), cohort=world.cohort)
    assert problems == [] and len(rows) == 2


def _refused_on_its_line(client, world, content: bytes, *, line: int, column: str,
                         message: str) -> None:
    """The upload lists one problem, at that line and column, and imports nothing."""
    html = _problems(_upload(client, world, content))
    rows, problems = _parse(SimpleUploadedFile("t.csv", content), cohort=world.cohort)
    assert rows == []
    assert [(p.line, p.column) for p in problems] == [(line, column)]
    assert message in html
    _nothing_imported(world)


def test_an_address_longer_than_any_mailbox_is_listed_and_nothing_is_imported(client, world):
    long_address = "a" * 250 + "@nhs.test"
    _refused_on_its_line(client, world, GOOD.replace("new.es@nhs.test", long_address).encode(),
                         line=3, column="Educational Supervisor email",
                         message="Enter an email address of 254 characters or fewer.")
    assert not User.objects.filter(email=long_address).exists()


def test_a_new_person_named_from_a_long_address_gets_a_name_the_service_can_hold(client, world):
    long_address = "b" * 240 + "@nhs.test"
    response = _upload(client, world, GOOD.replace("new.es@nhs.test", long_address).encode())
    assert response.status_code == 302
    es = User.objects.get(email=long_address)
    assert es.full_name == "B" + "b" * 199


def test_a_supervisors_name_longer_than_a_person_can_have_is_listed_on_its_line(client, world):
    lines = GOOD.replace(HEADER, HEADER + ",Educational Supervisor name").split("\r\n")
    lines[1] += ","
    lines[2] += "," + "N" * 201
    _refused_on_its_line(client, world, "\r\n".join(lines).encode(), line=3,
                         column="Educational Supervisor name",
                         message="Enter a name of 200 characters or fewer.")


def test_a_blank_project_day_is_the_cohorts_template_day_and_needs_no_agreement(client, world):
    from rotations.services import template_content, template_copy, template_version_save
    from tests import factories

    template = template_copy(source=factories.handbook_version(), programme=world.programme,
                             name="Monday projects", by=world.pd)
    version, _ = template_version_save(template=template, by=world.pd, **{
        **template_content(template.versions.get()), "project_weekday": Weekday.MONDAY})
    world.cohort.template_version = version
    world.cohort.save()
    checked = _check(client, world, GOOD.replace("Thursday", "").encode())
    assert "Monday if blank" in client.get(
        reverse("trainees_upload", args=[world.cohort.pk])).content.decode()
    assert checked.status_code == 200
    client.post(reverse("trainees_upload_confirm", args=[world.cohort.pk]),
                {"csv_text": checked.context["form"]["csv_text"].value()})
    ann = Placement.objects.get(trainee__email="ann.able@nhs.test")
    assert ann.project_day == Weekday.MONDAY
    assert not ann.project_day_agreed_by_pd

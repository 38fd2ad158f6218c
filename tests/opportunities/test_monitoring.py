import uuid

from django.db import connection

from opportunities.models import MONITORING_QUESTIONS, MonitoringResponse
from opportunities.monitoring import monitoring_report, suppress
from tests import factories


def test_monitoring_table_has_no_column_linking_to_a_person_or_interest(db):
    with connection.cursor() as cursor:
        columns = {column.name for column in connection.introspection.get_table_description(
            cursor, MonitoringResponse._meta.db_table)}
    relations = {name: info[1] for name, info in connection.introspection.get_relations(
        connection.cursor(), MonitoringResponse._meta.db_table).items()}

    assert columns == {"id", "opportunity_id", "answered_in", *MONITORING_QUESTIONS}
    assert relations == {"opportunity_id": "opportunities_opportunity"}


def test_monitoring_response_keeps_no_time_and_no_order_of_writing():
    fields = {field.name: field for field in MonitoringResponse._meta.get_fields()}

    assert fields["answered_in"].get_internal_type() == "DateField"
    assert not [f for f in fields.values() if f.get_internal_type() == "DateTimeField"]
    assert fields["id"].get_internal_type() == "UUIDField"
    assert isinstance(fields["id"].default(), uuid.UUID)


def test_suppress_hides_groups_under_five():
    assert suppress({"a": 7, "b": 5, "c": 0}) == {"a": 7, "b": 5, "c": None}
    assert suppress({"a": 4, "b": 3}) == {"a": None, "b": None}


def test_suppress_hides_the_next_smallest_group_when_a_hidden_one_could_be_worked_out():
    # With 8 + 6 + 2 = 16 answers known, showing 8 and 6 would give away the 2.
    assert suppress({"a": 8, "b": 6, "c": 2}) == {"a": 8, "b": None, "c": None}
    assert suppress({"a": 9, "b": 3, "c": 2}) == {"a": 9, "b": None, "c": None}


def _answers(**chosen) -> dict:
    return {**dict.fromkeys(MONITORING_QUESTIONS, "prefer_not"), **chosen}


def test_monitoring_report_counts_in_aggregate_with_small_groups_suppressed(db):
    role = factories.OpportunityFactory()
    for ethnic_group, how_many in (("white", 6), ("black", 1), ("asian", 5)):
        for _ in range(how_many):
            MonitoringResponse.objects.create(opportunity=role, answered_in="2026-12-01",
                                              **_answers(ethnic_group=ethnic_group))

    report = {question.label: {group.label: group.count for group in question.groups}
              for question in monitoring_report(MonitoringResponse.objects.filter(opportunity=role))}

    assert report["Ethnic group"] == {
        "White": 6, "Mixed or multiple ethnic groups": None, "Asian or Asian British": None,
        "Black, Black British, Caribbean or African": None, "Other ethnic group": None,
        "Prefer not to say": None}
    assert report["Sex"] == {"Female": None, "Male": None, "Prefer not to say": 12}
    assert list(report) == ["Profession", "Age", "Sex",
                            "Is your gender identity the same as the sex you were registered "
                            "at birth?", "Sexual orientation", "Ethnic group", "Religion or belief",
                            "Do you consider yourself to have a disability or long-term "
                            "condition?"]

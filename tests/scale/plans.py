"""What PostgreSQL reads to answer a query, for tests that a page's queries cost the same
however much of other people's history the service holds.

A test runs the query on its own small world, then adds a few thousand rows of other ICBs'
history (`generate_scale`, which refreshes the planner's statistics as a live service has
them) and runs it again: the rows read from the table the query is about must not grow.
(Storage is costed as on SSDs, where the planner takes an index even on middling tables;
a test's history is too small for joined tables to say anything: at a few hundred rows a
hash join reading them whole is rightly the cheaper plan.)"""

import json
from collections import Counter

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bench.scale.world import Options, generate

# The tables that grow with every cohort: a full read of any of them grows with history.
LARGE_TABLES = ("rotations_session", "trainees_placement", "absences_absence",
                "mail_outboundemail", "projects_meeting", "assessments_reflectiveentry")


def add_history(**options) -> None:
    """Other ICBs' history, then fresh statistics (generate() runs ANALYZE), as a live
    service has them."""
    generate(Options(**{"icbs": 3, "years": 3, **options}), log=lambda line: None)


def forget_statistics() -> None:
    """Leave the planner's row counts as a fresh test database has them (none), with no dead
    rows for autovacuum to count. A generated history leaves thousands of dead rows behind
    its rollback, autovacuum then records the tables as empty, and ANALYZE's counts outlive
    the rollback too: later tests' queries were planned for tables that look empty, and a
    many-way join of the admin's change list, planned as loops over single rows, never
    finished."""
    with connection.cursor() as cursor:
        cursor.execute("VACUUM")
        cursor.execute("UPDATE pg_class SET reltuples = -1, relpages = 0, relallvisible = 0 "
                       "WHERE relnamespace = 'public'::regnamespace AND relkind = 'r'")


def _nodes(node):
    yield node
    for child in node.get("Plans", []):
        yield from _nodes(child)


def rows_read(queryset) -> Counter:
    """Rows the query reads from each large table: those each scan returns and those its
    filters throw away, over every loop. None for a query Django knows is empty (it runs
    no SQL)."""
    try:
        sql, params = queryset.query.sql_with_params()
    except EmptyResultSet:
        return Counter()
    return _rows_read(sql, params)


def rows_read_by(action) -> Counter:
    """Rows read from each large table by every SELECT that `action()` runs."""
    with CaptureQueriesContext(connection) as captured:
        action()
    read = Counter()
    for query in captured.captured_queries:
        sql = query["sql"]
        if sql.startswith("DECLARE"):  # a server-side cursor: explain its query
            sql = sql.split(" CURSOR WITH HOLD FOR ", 1)[1]
        if sql.lstrip("(").startswith("SELECT"):
            read += _rows_read(sql, None)
    return read


def _rows_read(sql, params) -> Counter:
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL random_page_cost = 1.1")
        cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}", params)
        [[plan]] = cursor.fetchone()
        cursor.execute("RESET random_page_cost")
    plan = json.loads(plan) if isinstance(plan, str) else plan
    read = Counter()
    for node in _nodes(plan["Plan"]):
        table = node.get("Relation Name")
        if table in LARGE_TABLES:
            read[table] += node["Actual Loops"] * (node["Actual Rows"]
                                                   + node.get("Rows Removed by Filter", 0)
                                                   + node.get("Rows Removed by Index Recheck", 0))
    return read

"""Query building blocks shared by the apps' selectors."""

import datetime
import uuid

from django.db.models import BooleanField, F, Field, ForeignObject, Func, Subquery
from django.db.models.fields.related_lookups import RelatedIn
from django.db.models.lookups import In


class AnyOf(Func):
    """`field IN (subquery)` that stays an index lookup inside an OR.

    The scopes of the selectors are ORs ("the trainee's own sessions, or their cohort's, or
    those of the trainees they supervise..."). PostgreSQL runs an `IN (subquery)` inside an
    OR as a filter on every row that the rest of the query lets through (a whole date range
    of the timetable, or a whole table), so its cost grows with the service. Written as
    `field = ANY(ARRAY(subquery))` the subquery runs once, first, and each branch of the OR
    becomes an index lookup. Other databases (SQLite under `make run`) get the plain IN.

        Session.objects.filter(AnyOf("placement_id", Placement.objects.filter(trainee=user)
                                     .values("pk")) | Q(facilitator=user))
    """

    conditional = True
    output_field = BooleanField()

    def __init__(self, field: str, queryset):
        # Ordering the subquery would only cost a sort (and a join, for a model whose
        # default ordering crosses a relation).
        super().__init__(F(field), Subquery(queryset.order_by()))

    def as_sql(self, compiler, connection, **extra_context):
        field, subquery = self.get_source_expressions()
        field_sql, field_params = compiler.compile(field)
        subquery_sql, subquery_params = compiler.compile(subquery)
        return f"{field_sql} IN {subquery_sql}", (*field_params, *subquery_params)

    def as_postgresql(self, compiler, connection, **extra_context):
        field, subquery = self.get_source_expressions()
        field_sql, field_params = compiler.compile(field)
        subquery_sql, subquery_params = compiler.compile(subquery)
        return f"{field_sql} = ANY(ARRAY{subquery_sql})", (*field_params, *subquery_params)


# The values an array parameter is typed from (psycopg picks the array's type from them).
# Anything else (expressions, JSON, decimals, booleans) keeps Django's IN list.
_ARRAY_TYPES = {int, str, datetime.date, datetime.datetime, uuid.UUID}


# PostgreSQL costs an array parameter as ten values: for a shorter list its plan for every
# list (the generic plan) looks dearer than one made for the values, so it would plan each
# call afresh. Lists that short keep Django's IN, whose few texts are each prepared.
ARRAY_IN_FROM = 10


class _ArrayIn:
    """`field IN (%s, %s, ...)` written `field = ANY(%s)` on PostgreSQL for a list of
    ARRAY_IN_FROM values or more, the list one array parameter: the same rows, NULLs alike.

    Selectors filter by the id lists of what a person reaches (trainees.selectors.Reach), and
    an IN list's length, with it the SQL's text, differs from person to person: each text
    was parsed and planned on its own, and a statement prepared for one person served only
    those with as many ids. With one parameter, one text serves everyone (a generated PD's
    home page, lists of 540 placements: 20 -> 12 ms in the database)."""

    def as_postgresql(self, compiler, connection):
        if not self.rhs_is_direct_value() or not isinstance(self.rhs, (list, tuple)):
            return self.as_sql(compiler, connection)
        values = [value for value in self.rhs if value is not None]
        if len(values) < ARRAY_IN_FROM:
            return self.as_sql(compiler, connection)
        placeholders, params = self.batch_process_rhs(compiler, connection, values)
        # A choices enum is a str: sent as the plain text of its value.
        params = [str.__str__(param) if isinstance(param, str) else param for param in params]
        kinds = {type(param) for param in params}
        if (len(kinds) != 1 or not kinds <= _ARRAY_TYPES or len(params) != len(placeholders)
                or any(placeholder != "%s" for placeholder in placeholders)):
            return self.as_sql(compiler, connection)
        lhs_sql, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs_sql} = ANY(%s)", (*lhs_params, params)


class ArrayIn(_ArrayIn, In):
    pass


class RelatedArrayIn(_ArrayIn, RelatedIn):
    pass


def use_array_in_lookups() -> None:
    """Make `__in` with a list of values ArrayIn for every field (clic.apps)."""
    Field.register_lookup(ArrayIn)
    ForeignObject.register_lookup(RelatedArrayIn)

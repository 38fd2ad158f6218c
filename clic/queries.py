"""Query building blocks shared by the apps' selectors."""

from django.db.models import BooleanField, F, Func, Subquery


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

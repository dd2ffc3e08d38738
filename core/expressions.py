"""Query expressions that keep a list page near its raw SQL at any size of register.

- ``count_of``: how many related rows each listed row has, as a correlated subquery,
  so that the database counts only for the page's rows and the paginator's count
  has no join to multiply or to slow it (a ``Count`` over a join counts every related
  row of the table before it takes a page).
- ``among``: "this column is one of the ids a subquery returns", in a form that
  PostgreSQL can answer from an index inside an ``OR`` (``= ANY(ARRAY(...))``), where
  ``IN (subquery)`` would make it read the whole table.
- ``matches_first``: a sort that PostgreSQL does after finding a search's matches
  through its indexes, rather than by walking an index in the list's order and
  testing each row against the search.
- ``Median``: the middle value of a column or of a duration, in the database, on
  PostgreSQL (``percentile_cont``) and on SQLite (an aggregate registered on each
  connection).
"""

from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db.backends.signals import connection_created
from django.db.models import (
    Aggregate,
    BooleanField,
    Count,
    DurationField,
    Expression,
    F,
    FloatField,
    Func,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce


def count_of(rows: QuerySet, *, to: str) -> Coalesce:
    """Return the number of ``rows`` whose ``to`` field points at the outer row (0
    when none), as a correlated subquery.

    ``rows`` is filtered as the count needs (``Contact.objects.active()``). The
    subquery counts ``*`` so that an index holding ``to`` answers it alone.
    """
    counted = (
        rows.filter(**{to: OuterRef("pk")})
        .order_by()
        .values(to)
        .annotate(count=Count("*"))
        .values("count")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


class _Among(Expression):
    """``column IN (subquery)``; on PostgreSQL ``column = ANY(ARRAY(subquery))``."""

    output_field = BooleanField()

    def __init__(self, column: F, subquery: Subquery) -> None:
        super().__init__()
        self.column, self.subquery = column, subquery

    def get_source_expressions(self) -> list[Any]:
        return [self.column, self.subquery]

    def set_source_expressions(self, exprs: Any) -> None:
        self.column, self.subquery = exprs

    def _parts(self, compiler: Any) -> tuple[str, str, list[Any]]:
        column_sql, column_params = compiler.compile(self.column)
        subquery_sql, subquery_params = compiler.compile(self.subquery)
        return column_sql, subquery_sql, [*column_params, *subquery_params]

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        column, subquery, params = self._parts(compiler)
        return f"{column} IN {subquery}", params

    def as_postgresql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        # The array is computed once, before the scan (an init plan), and an index on
        # the column answers "= ANY" as one arm of a bitmap OR. "IN (subquery)" inside
        # an OR is a filter tested on every row of the table instead.
        column, subquery, params = self._parts(compiler)
        return f"{column} = ANY(ARRAY{subquery})", params


def among(column: str, ids: QuerySet) -> Expression:
    """Return the condition "``column`` is one of the primary keys ``ids`` selects",
    to combine with ``Q`` objects (``Q(name__icontains=text) | among(...)``)."""
    return _Among(F(column), Subquery(ids.order_by().values("pk")))


class _Unindexed(Func):
    """The text value itself, as an expression no index holds (``value || ''``)."""

    template = "(%(expressions)s || '')"


def _is_text(model: Any, path: str) -> bool:
    """Return whether ``path`` (``name``, ``customer__name``) names a text column."""
    *relations, last = path.split("__")
    for relation in relations:
        model = model._meta.get_field(relation).related_model
    try:
        field = model._meta.get_field(last)
    except FieldDoesNotExist:
        return False  # an annotation
    return field.get_internal_type() in ("CharField", "EmailField", "TextField")


def matches_first(queryset: QuerySet) -> QuerySet:
    """Return ``queryset`` in the same order, sorted once its rows are found.

    A search's matches may lie anywhere in the list's order: all at one end of the
    name index when a first name is searched, for example. PostgreSQL's planner,
    told to return the first 25 by name, walks that index and tests each row in turn,
    reading most of the table before it has 25 when the matches lie at its far end.
    Sorting by an expression that no index holds makes it find the matches through
    the trigram indexes (a bitmap scan) and sort those: a time that grows with the
    number of matches, which the page's count reads anyway. The order is the same:
    only text columns are wrapped, and ``text || ''`` sorts as the text does.
    """
    model = queryset.model
    ordering: list[Any] = []
    for item in queryset.query.order_by or model._meta.ordering:
        order: Any = item
        if isinstance(order, str):
            name = order.removeprefix("-")
            order = F(name).desc() if order.startswith("-") else F(name).asc()
        expression = getattr(order, "expression", None)
        if isinstance(expression, F) and _is_text(model, expression.name):
            order = order.copy()
            order.expression = _Unindexed(expression)
        ordering.append(order)
    return queryset.order_by(*ordering)


class _SQLiteMedian:
    """SQLite's ``MEDIAN(x)``: the middle of the values that are not NULL, or the mean
    of the two middle ones; NULL when there are none."""

    def __init__(self) -> None:
        self.values: list[float] = []

    def step(self, value: Any) -> None:
        if value is not None:
            self.values.append(value)

    def finalize(self) -> float | None:
        if not self.values:
            return None
        ordered = sorted(self.values)
        middle = len(ordered) // 2
        if len(ordered) % 2:
            return ordered[middle]
        return (ordered[middle - 1] + ordered[middle]) / 2


def register_sqlite_median(connection: Any, **kwargs: Any) -> None:
    """Give a SQLite connection the ``MEDIAN`` aggregate (a ``connection_created``
    receiver; registering again only replaces it)."""
    if connection.vendor == "sqlite" and connection.connection is not None:
        connection.connection.create_aggregate("MEDIAN", 1, _SQLiteMedian)


connection_created.connect(register_sqlite_median, dispatch_uid="core.expressions.median")


class Median(Aggregate):
    """The median of a number or a duration (``Median(F("closed_at") - F("received_at"))``).

    A duration stays a duration (a ``timedelta``); a number gives a float. PostgreSQL
    interpolates between the two middle values as SQLite's aggregate does, so both
    give the same answer.
    """

    function = "MEDIAN"
    name = "Median"
    allow_distinct = False

    def _resolve_output_field(self) -> Any:
        source = super()._resolve_output_field()  # type: ignore[misc]  # not in the stubs
        return source if isinstance(source, DurationField) else FloatField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        # A connection opened before this module was imported missed the signal.
        connection.ensure_connection()
        register_sqlite_median(connection)
        return self.as_sql(compiler, connection, **extra)

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        # On a copy's attributes, not as arguments: a filter wraps the template itself.
        median = self.copy()
        median.function = "PERCENTILE_CONT"
        median.template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
        return median.as_sql(compiler, connection, **extra)

"""Small SQL functions the reports group by, written per backend so grouping stays in the
database and cheap (Django's own date extraction calls a Python function per row on SQLite)."""

from __future__ import annotations

import json

from django.db.models import BooleanField, CharField, Func, IntegerField


class DateNumber(Func):
    """A date as the integer YYYYMMDD. Age in whole years on day S for someone born on day B
    is ``(S - B) // 10000``, so age bands become plain integer comparisons."""

    output_field = IntegerField()
    arity = 1

    def as_sql(self, compiler, connection, **extra):
        template = "CAST(TO_CHAR(%(expressions)s, 'YYYYMMDD') AS INTEGER)"
        return super().as_sql(compiler, connection, template=template, **extra)

    def as_sqlite(self, compiler, connection, **extra):
        # Dates are stored as 'YYYY-MM-DD' text.
        template = "CAST(REPLACE(%(expressions)s, '-', '') AS INTEGER)"
        return super().as_sql(compiler, connection, template=template, **extra)


class YearMonth(Func):
    """A date as the text 'YYYY-MM'."""

    output_field = CharField()
    arity = 1

    def as_sql(self, compiler, connection, **extra):
        return super().as_sql(
            compiler, connection, template="TO_CHAR(%(expressions)s, 'YYYY-MM')", **extra
        )

    def as_sqlite(self, compiler, connection, **extra):
        return super().as_sql(
            compiler, connection, template="SUBSTR(%(expressions)s, 1, 7)", **extra
        )


class JsonListHas(Func):
    """True when a JSON list column holds ``key`` (income sources are lists of keys)."""

    output_field = BooleanField()

    def __init__(self, expression, key: str):
        super().__init__(expression)
        self.key = key

    def as_sql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"({sql} @> %s::jsonb)", (*params, json.dumps([self.key]))

    def as_sqlite(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return (
            # The compiled column goes in; the key is a parameter.
            f"EXISTS (SELECT 1 FROM json_each({sql}) WHERE json_each.value = %s)",  # noqa: S608
            (*params, self.key),
        )


class DaysBetween(Func):
    """Whole days from the second date to the first (``later - earlier``), NULL when either is
    NULL. Grouped on in the database, a lead time's distribution arrives as a few hundred
    (days, count) pairs instead of a row per referral."""

    output_field = IntegerField()
    arity = 2

    def as_sql(self, compiler, connection, **extra):
        later, earlier = self.source_expressions
        later_sql, later_params = compiler.compile(later)
        earlier_sql, earlier_params = compiler.compile(earlier)
        return days_between_sql(connection.vendor, later_sql, earlier_sql), (
            *later_params,
            *earlier_params,
        )


def days_between_sql(vendor: str, later: str, earlier: str) -> str:
    """SQL for ``later - earlier`` in whole days, for columns or expressions given as SQL."""
    if vendor == "postgresql":
        return f"({later} - {earlier})"
    # Dates are 'YYYY-MM-DD' text on SQLite; their Julian days differ by whole numbers.
    return f"CAST(JULIANDAY({later}) - JULIANDAY({earlier}) AS INTEGER)"

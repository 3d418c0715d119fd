"""Several counts in one round trip.

A dashboard shows a handful of figures ("pågående", "väntar på beslut", "uppföljningar att
göra"…), each a ``COUNT(*)`` of its own queryset. Asked one by one they cost a query each;
``counts()`` asks them together as ``SELECT (SELECT COUNT(*) FROM …), (SELECT COUNT(*) FROM …)``
so the number of queries a page runs does not grow with the figures it shows. The querysets
keep their own filters, the federation's scope included.
"""

from __future__ import annotations

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import QuerySet


def counts(**querysets: QuerySet) -> dict[str, int]:
    """``{name: queryset.count()}`` for every queryset, in one query."""
    parts: list[str] = []
    params: list = []
    for index, queryset in enumerate(querysets.values()):
        try:
            sql, sql_params = queryset.order_by().values("pk").query.sql_with_params()
        except EmptyResultSet:  # e.g. ``id__in=[]``: nothing to count
            parts.append("0")
            continue
        # The SQL is Django's own compilation of the queryset; values stay parameters.
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) counted_{index})")  # noqa: S608
        params.extend(sql_params)
    if not parts:
        return {}
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        row = cursor.fetchone()
    return {name: int(value) for name, value in zip(querysets, row, strict=True)}

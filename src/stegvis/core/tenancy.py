"""The one tenancy layer: every query on tenant data runs inside a federation scope.

Tenant models use :class:`TenantManager` as their default manager. Outside a scope the manager
raises :class:`TenantScopeError` instead of silently returning every federation's rows. Requests
are scoped by :class:`stegvis.core.middleware.FederationMiddleware`; commands and tests use
``with federation_scope(federation):``. Cross-tenant work (demo seeding, retention runs over all
federations) must say so explicitly with ``with unscoped():``.
"""

from __future__ import annotations

import contextvars
from contextlib import contextmanager
from typing import TYPE_CHECKING

from django.db import models

if TYPE_CHECKING:
    from stegvis.core.models import Federation


class TenantScopeError(RuntimeError):
    """A tenant table was queried without an active federation scope."""


_UNSCOPED = object()
_current: contextvars.ContextVar[object | None] = contextvars.ContextVar(
    "stegvis_federation", default=None
)


def current_federation() -> Federation | None:
    value = _current.get()
    return None if value is _UNSCOPED else value  # type: ignore[return-value]


def require_federation() -> Federation:
    federation = current_federation()
    if federation is None:
        raise TenantScopeError("Ingen federation är vald: åtgärden kräver en aktiv federation.")
    return federation


@contextmanager
def federation_scope(federation: Federation):
    if federation is None:
        raise TenantScopeError("federation_scope() kräver en federation.")
    token = _current.set(federation)
    try:
        yield federation
    finally:
        _current.reset(token)


@contextmanager
def unscoped():
    """Explicitly allow queries across all federations (maintenance, seeding)."""
    token = _current.set(_UNSCOPED)
    try:
        yield
    finally:
        _current.reset(token)


class FederationCondition(models.Expression):
    """``federation_id = <the active federation>``, bound when the SQL is compiled.

    Binding at compile time (not when the queryset is built) means a queryset may be declared
    anywhere — a form field at import time, a subquery — and still reads only the federation of
    the request that evaluates it. Compiling it without a scope raises.
    """

    conditional = True
    output_field = models.BooleanField()

    def __init__(self, column=None):
        super().__init__()
        self.column = column if column is not None else models.F("federation_id")

    def get_source_expressions(self):
        return [self.column]

    def set_source_expressions(self, exprs):
        (self.column,) = exprs

    def resolve_expression(
        self, query=None, allow_joins=True, reuse=None, summarize=False, for_save=False
    ):
        clone = self.copy()
        clone.column = self.column.resolve_expression(
            query, allow_joins, reuse, summarize, for_save
        )
        return clone

    def as_sql(self, compiler, connection):
        value = _current.get()
        if value is None:
            model = getattr(getattr(self.column, "target", None), "model", None)
            name = model.__name__ if model else "En tabell"
            raise TenantScopeError(
                f"{name} lästes utan aktiv federation. "
                "Använd federation_scope() eller en vy under /f/<federation>/."
            )
        if value is _UNSCOPED:
            return "1 = 1", []
        sql, params = compiler.compile(self.column)
        return f"{sql} = %s", [*params, value.pk]


class TenantQuerySet(models.QuerySet):
    pass


class TenantManager(models.Manager.from_queryset(TenantQuerySet)):
    """Default manager of every tenant model: every query it builds is limited to the active
    federation, and raises :class:`TenantScopeError` when evaluated without one."""

    def get_queryset(self):
        return super().get_queryset().filter(FederationCondition())


def _federation_key(**options) -> models.ForeignKey:
    return models.ForeignKey(
        "core.Federation", on_delete=models.CASCADE, related_name="+", editable=False, **options
    )


class TenantModel(models.Model):
    """Base class of every table that belongs to a federation (see docs/scaling.md)."""

    federation = _federation_key()

    objects = TenantManager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.federation_id is None:
            self.federation = require_federation()
        return super().save(*args, **kwargs)


def scoped_federation_id() -> int:
    """The active federation's key: the default of a link table's federation, because ``add()``
    and ``set()`` on a many-to-many field write link rows without calling ``save()``."""
    return require_federation().pk


class TenantLink(TenantModel):
    """Base class of the link tables of many-to-many fields, so they too carry the federation
    (every tenant table can then be distributed by ``federation_id``; docs/scaling.md)."""

    federation = _federation_key(default=scoped_federation_id)

    class Meta:
        abstract = True

"""Writing the audit log. Services and selectors call these inside their transaction."""

from __future__ import annotations

import contextvars
from collections.abc import Iterable

from django.db import connections, models, router

from stegvis.core.models import AuditEntry, Federation
from stegvis.core.tenancy import require_federation

Action = AuditEntry.Action

_request_context: contextvars.ContextVar[dict | None] = contextvars.ContextVar(
    "stegvis_request", default=None
)


def set_request_context(*, request_id: str, ip_address: str | None):
    return _request_context.set({"request_id": request_id, "ip_address": ip_address})


def reset_request_context(token) -> None:
    _request_context.reset(token)


def current_request_id() -> str:
    context = _request_context.get()
    return context["request_id"] if context else ""


def _object_type(obj_or_type) -> str:
    if isinstance(obj_or_type, str):
        return obj_or_type
    meta = obj_or_type._meta
    return meta.label_lower.split(".")[-1]


def object_type_labels() -> dict[str, str]:
    """Swedish names of the object types in the log, by their key (the model's name)."""
    from django.apps import apps

    labels = {}
    for model in apps.get_models():
        if model._meta.app_label in ("auth", "contenttypes", "sessions", "admin"):
            continue
        labels[_object_type(model)] = str(model._meta.verbose_name).capitalize()
    labels.setdefault("user", "Användare")
    return labels


def object_label(object_type: str, object_id: str) -> str:
    """An object in the log as a user reads it: "Deltagare D-000006", "Importjobb 2"."""
    name = object_type_labels().get(object_type, object_type)
    if object_type == "participant" and str(object_id).isdigit():
        return f"{name} D-{int(object_id):06d}"
    return f"{name} {object_id}".strip()


def log(
    *,
    actor,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    federation: Federation | None = None,
    reason: str = "",
    detail: dict | None = None,
) -> AuditEntry:
    """Append one entry. ``detail`` holds identifiers and counts, never personal data."""
    context = _request_context.get() or {}
    if obj is not None:
        object_type = object_type or _object_type(obj)
        object_id = object_id or obj.pk
    entry = AuditEntry(
        federation=federation or require_federation(),
        actor=actor if getattr(actor, "pk", None) else None,
        actor_username=getattr(actor, "username", "") or "",
        action=action,
        object_type=object_type,
        object_id=str(object_id or ""),
        request_id=context.get("request_id", ""),
        ip_address=context.get("ip_address"),
        reason=reason[:200],
        detail=detail or {},
    )
    entry.save()
    return entry


def log_reads(*, actor, objects: Iterable[models.Model], reason: str = "", federation=None) -> None:
    """One read entry per object shown (a list page logs each participant it displays)."""
    context = _request_context.get() or {}
    federation = federation or require_federation()
    entries = [
        AuditEntry(
            federation=federation,
            actor=actor if getattr(actor, "pk", None) else None,
            actor_username=getattr(actor, "username", "") or "",
            action=Action.READ,
            object_type=_object_type(obj),
            object_id=str(obj.pk),
            request_id=context.get("request_id", ""),
            ip_address=context.get("ip_address"),
            reason=reason[:200],
        )
        for obj in objects
    ]
    if entries:
        _insert(entries)


def _insert(entries: list[AuditEntry]) -> None:
    """Write read entries with one ``INSERT``. Outside a transaction a single statement is
    atomic by itself, so the ``BEGIN``/``COMMIT`` that ``bulk_create`` adds around it (two more
    round trips on every list page) are left out; what does not fit one statement, or runs
    inside a transaction already, goes through ``bulk_create``."""
    connection = connections[router.db_for_write(AuditEntry)]
    fields = [f for f in AuditEntry._meta.concrete_fields if not f.primary_key]
    if connection.in_atomic_block or connection.ops.bulk_batch_size(fields, entries) < len(entries):
        AuditEntry.objects.bulk_create(entries)
        return
    AuditEntry.objects.all()._insert(entries, fields=fields, using=connection.alias)

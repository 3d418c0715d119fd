"""Full export of everything a federation owns: a zip with one JSON and one CSV file per table
and a manifest (data portability; ARCHITECTURE "Interfaces")."""

from __future__ import annotations

import datetime as dt
import decimal
import io
import json
import zipfile

from django.apps import apps
from django.db import models
from django.utils import timezone

from stegvis import __version__
from stegvis.core.models import Federation, Membership
from stegvis.core.spreadsheet import csv_writer
from stegvis.core.tenancy import TenantLink, TenantModel, federation_scope

# Never leaves the system, not even to its owner: secrets and derived look-up keys.
EXCLUDED_FIELDS = {
    "core.apitoken": "*",
    "participants.participant": {"personal_number_hash"},
    "surveys.invitation": {"token_hash"},
    "surveys.pagelink": {"token_hash"},
}


def _tenant_models() -> list[type[models.Model]]:
    """Every table a federation owns, link tables included (docs/scaling.md lists them)."""
    return sorted(
        (m for m in apps.get_models() if issubclass(m, TenantModel)),
        key=lambda m: m._meta.label_lower,
    )


def _owned_tables() -> list[type[models.Model]]:
    """The tables exported as such: link tables appear as pairs under their field's name."""
    return [m for m in _tenant_models() if not issubclass(m, TenantLink)]


def _plain(value):
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    return value


def _csv_cell(value) -> str:
    value = _plain(value)
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return "" if value is None else str(value)


def _tables(federation: Federation):
    """Yield (name, columns, rows) for every table of the federation."""
    for model in _owned_tables():
        label = model._meta.label_lower
        excluded = EXCLUDED_FIELDS.get(label, set())
        columns = [f.attname for f in model._meta.concrete_fields if f.attname not in excluded]
        rows = model.objects.order_by("pk").values_list(*columns)
        yield label, columns, rows
        for m2m in model._meta.local_many_to_many:
            through = m2m.remote_field.through
            source = m2m.m2m_field_name()
            target = m2m.m2m_reverse_field_name()
            pairs = (
                through.objects.filter(**{f"{source}__in": model.objects.values("pk")})
                .order_by("pk")
                .values_list(f"{source}_id", f"{target}_id")
            )
            yield f"{label}.{m2m.name}", [f"{source}_id", f"{target}_id"], pairs
    users = Membership.objects.values_list(
        "user_id",
        "user__username",
        "user__first_name",
        "user__last_name",
        "user__email",
        "user__title",
        "user__phone",
        "user__is_active",
    ).order_by("user_id")
    yield (
        "core.user",
        ["id", "username", "first_name", "last_name", "email", "title", "phone", "is_active"],
        users,
    )


def export_federation(federation: Federation) -> bytes:
    buffer = io.BytesIO()
    manifest = {
        "format": "stegvis-export",
        "format_version": 1,
        "stegvis_version": __version__,
        "federation": {
            "slug": federation.slug,
            "name": federation.name,
            "settings": federation.settings,
        },
        "created_at": timezone.now().isoformat(),
        "tables": [],
    }
    with (
        federation_scope(federation),
        zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive,
    ):
        for name, columns, rows in _tables(federation):
            records = [dict(zip(columns, map(_plain, row), strict=True)) for row in rows]
            archive.writestr(f"json/{name}.json", json.dumps(records, ensure_ascii=False, indent=1))
            text = io.StringIO()
            writer = csv_writer(text)
            writer.writerow(columns)
            for record in records:
                writer.writerow([_csv_cell(record[c]) for c in columns])
            archive.writestr(f"csv/{name}.csv", text.getvalue())
            manifest["tables"].append({"name": name, "rows": len(records), "columns": columns})
        archive.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1))
    return buffer.getvalue()

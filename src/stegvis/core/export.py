"""Full export of everything a federation owns: a zip with one JSON and one CSV file per table
and a manifest (data portability; ARCHITECTURE "Interfaces").

Personal identifiers are pseudonymised unless the export is explicitly *identified* (a reason
is then required, and on the web emergency access): the personnummer becomes a stable keyed
pseudonym (:func:`stegvis.core.crypto.pseudonym`, per federation and never the look-up hash),
names, contact details and free text written about a person are blanked, and the birth date
keeps only its year. :data:`PERSONAL_FIELDS` is the one list of those fields. A person with
protected identity stays pseudonymised even in an identified export.
"""

from __future__ import annotations

import base64
import datetime as dt
import decimal
import io
import ipaddress
import json
import math
import uuid
import zipfile
from collections.abc import Iterable

from django.apps import apps
from django.db import models
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django.utils.duration import duration_iso_string

from stegvis import __version__
from stegvis.core import audit
from stegvis.core.crypto import pseudonym
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

# How a personal field is written in a pseudonymised export.
PSEUDONYM = "pseudonym"  # a stable keyed pseudonym (the same person gets the same value)
BLANK = "blank"  # emptied ("" for text, null otherwise)
YEAR = "year"  # a date reduced to its year

# Every field of a federation's tables that identifies a person directly, or is free text
# written about one (which may name him or others). Staff accounts and organisations'
# contact persons are not on it: the federation administrator manages them in the product.
PERSONAL_FIELDS: dict[str, dict[str, str]] = {
    "participants.participant": {
        "personal_number": PSEUDONYM,
        "first_name": BLANK,
        "last_name": BLANK,
        # The database's copies of the names, by which lists are sorted.
        "sort_first_name": BLANK,
        "sort_last_name": BLANK,
        "birth_date": YEAR,
        "phone": BLANK,
        "email": BLANK,
        "address": BLANK,
    },
    "participants.consent": {"witnessed_by": BLANK, "withdrawal_note": BLANK},
    "participants.referral": {"reason": BLANK, "notes": BLANK, "decline_reason": BLANK},
    "participants.enrolment": {"exit_note": BLANK},
    "participants.handover": {"note": BLANK},
    # Old and new values of a correction are the person's details.
    "participants.correction": {"values": BLANK, "note": BLANK},
    "interventions.referralsubmission": {"first_name": BLANK, "last_name": BLANK},
    "interventions.transfer": {"reason": BLANK, "decline_reason": BLANK},
    "activities.attendancemark": {"message": BLANK},
    "activities.compensationcorrection": {"reason": BLANK},
    "surveys.answer": {"text": BLANK},
    "participants.followup": {"note": BLANK},
    "assessments.assessment": {
        "skills": BLANK,
        "needs_note": BLANK,
        "obstacles_note": BLANK,
        "summary": BLANK,
    },
    "plans.plan": {"participant_words": BLANK, "participant_goals": BLANK},
    "plans.plangoal": {"title": BLANK, "description": BLANK},
    "plans.planaction": {"what": BLANK, "responsible_other": BLANK},
    "plans.planversion": {"snapshot": BLANK, "reason": BLANK},
    "plans.meeting": {"other_attendees": BLANK, "notes": BLANK, "decisions": BLANK},
    "matching.proposal": {"note": BLANK},
    # The uploaded file itself and what was shown of it hold every imported person's details.
    "imports.importjob": {"content": BLANK, "preview": BLANK, "errors": BLANK},
}


class ExportReasonRequired(ValueError):
    """An identified export was asked for without saying why."""


def _tenant_models() -> list[type[models.Model]]:
    """Every table a federation owns, link tables included (docs/scaling.md lists them)."""
    return sorted(
        (m for m in apps.get_models() if issubclass(m, TenantModel)),
        key=lambda m: m._meta.label_lower,
    )


def _owned_tables() -> list[type[models.Model]]:
    """The tables exported as such: link tables appear as pairs under their field's name."""
    return [m for m in _tenant_models() if not issubclass(m, TenantLink)]


def plain(value):
    """The JSON form of any value a model field gives back (so every field type exports):
    dates, times and durations as ISO 8601, decimals and UUIDs as text, bytes as base64, files
    by name. ``field.to_python(plain(value))`` gives the value back."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return duration_iso_string(value)
    if isinstance(
        value, decimal.Decimal | uuid.UUID | ipaddress.IPv4Address | ipaddress.IPv6Address
    ):
        return str(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, FieldFile):
        return value.name or ""
    if isinstance(value, list | tuple | set | frozenset):
        return [plain(item) for item in value]
    if isinstance(value, dict):
        return {str(key): plain(item) for key, item in value.items()}
    return str(value)


def csv_cell(value):
    """A CSV cell: numbers stay numbers (a negative one is no formula), the rest as text."""
    if isinstance(value, decimal.Decimal):
        return value
    value = plain(value)
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    return "" if value is None else str(value)


def _blank(field: models.Field):
    return "" if isinstance(field, models.CharField | models.TextField) else None


def _masker(model: type[models.Model], federation: Federation):
    """A function that pseudonymises one record (a dict) of ``model`` in place."""
    rules = PERSONAL_FIELDS.get(model._meta.label_lower, {})
    fields = {name: model._meta.get_field(name) for name in rules}
    purpose = f"export:{federation.pk}"

    def mask(record: dict) -> None:
        for name, rule in rules.items():
            if name not in record:
                continue
            value = record[name]
            if rule == PSEUDONYM:
                record[name] = pseudonym(value, purpose=purpose) if value else value
            elif rule == YEAR:
                record[name] = value.year if value else None
            else:
                record[name] = _blank(fields[name])

    return mask


def exported_columns(model: type[models.Model]) -> list[str]:
    excluded = EXCLUDED_FIELDS.get(model._meta.label_lower, set())
    return [
        f.attname
        for f in model._meta.concrete_fields
        if f.column is not None and f.attname not in excluded
    ]


def table_records(
    model: type[models.Model],
    queryset: models.QuerySet,
    *,
    federation: Federation,
    pseudonymised: bool,
) -> tuple[list[str], list[dict]]:
    """The columns and JSON-ready records of one table, pseudonymised when asked (a person
    with protected identity always)."""
    columns = exported_columns(model)
    mask = _masker(model, federation)
    protected = "protected_identity" in columns and model._meta.label_lower in PERSONAL_FIELDS
    records = []
    for row in queryset.order_by("pk").values_list(*columns):
        record = dict(zip(columns, row, strict=True))
        if pseudonymised or (protected and record["protected_identity"]):
            mask(record)
        records.append({key: plain(value) for key, value in record.items()})
    return columns, records


def link_records(
    model: type[models.Model], m2m: models.ManyToManyField, owners: models.QuerySet
) -> tuple[list[str], list[dict]]:
    """A many-to-many field's pairs for the given owner rows."""
    through = m2m.remote_field.through
    source = m2m.m2m_field_name()
    target = m2m.m2m_reverse_field_name()
    columns = [f"{source}_id", f"{target}_id"]
    pairs = (
        through.objects.filter(**{f"{source}__in": owners.values("pk")})
        .order_by("pk")
        .values_list(*columns)
    )
    return columns, [dict(zip(columns, map(plain, pair), strict=True)) for pair in pairs]


def write_table(archive: zipfile.ZipFile, name: str, columns: list[str], records: list[dict]):
    archive.writestr(f"json/{name}.json", json.dumps(records, ensure_ascii=False, indent=1))
    text = io.StringIO()
    writer = csv_writer(text)  # formula-safe cells (stegvis.core.spreadsheet)
    writer.writerow(columns)
    for record in records:
        writer.writerow([csv_cell(record[c]) for c in columns])
    archive.writestr(f"csv/{name}.csv", text.getvalue())


def _tables(federation: Federation, *, pseudonymised: bool) -> Iterable:
    """Yield (name, columns, records) for every table of the federation."""
    for model in _owned_tables():
        label = model._meta.label_lower
        columns, records = table_records(
            model, model.objects.all(), federation=federation, pseudonymised=pseudonymised
        )
        yield label, columns, records
        for m2m in model._meta.local_many_to_many:
            columns, records = link_records(model, m2m, model.objects.all())
            yield f"{label}.{m2m.name}", columns, records
    columns = ["id", "username", "first_name", "last_name", "email", "title", "phone", "is_active"]
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
    records = {row[0]: dict(zip(columns, map(plain, row), strict=True)) for row in users}
    yield "core.user", columns, list(records.values())


def export_federation(
    federation: Federation, *, actor=None, identified: bool = False, reason: str = ""
) -> bytes:
    """The federation's export as zip bytes, audit-logged (action ``export``).

    Pseudonymised unless ``identified``; an identified export needs a ``reason``, which the
    audit entry keeps. Callers decide who may ask for one (the web view: emergency access).
    """
    reason = (reason or "").strip()
    if identified and not reason:
        raise ExportReasonRequired("En export med personuppgifter kräver ett angivet skäl.")
    pseudonymised = not identified
    buffer = io.BytesIO()
    manifest = {
        "format": "stegvis-export",
        "format_version": 2,
        "stegvis_version": __version__,
        "federation": {
            "slug": federation.slug,
            "name": federation.name,
            "settings": federation.settings,
        },
        "created_at": timezone.now().isoformat(),
        "pseudonymised": pseudonymised,
        "personal_fields": PERSONAL_FIELDS,
        "tables": [],
    }
    with (
        federation_scope(federation),
        zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive,
    ):
        for name, columns, records in _tables(federation, pseudonymised=pseudonymised):
            write_table(archive, name, columns, records)
            manifest["tables"].append({"name": name, "rows": len(records), "columns": columns})
        archive.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1))
    data = buffer.getvalue()
    with federation_scope(federation):
        audit.log(
            actor=actor,
            action=audit.Action.EXPORT,
            object_type="federation",
            object_id=federation.pk,
            reason=reason or "full export",
            detail={"bytes": len(data), "pseudonymised": pseudonymised},
        )
    return data

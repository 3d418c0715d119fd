"""Editable reference lists (SPEC §3, §7): keys are stable, labels and order are the federation's.

Each federation gets the defaults below when it is created; reports and imports use the keys.
"""

from __future__ import annotations

from stegvis.core.memo import memoized
from stegvis.core.models import Federation, ReferenceCode
from stegvis.core.tenancy import federation_scope

Kind = ReferenceCode.Kind

# kind -> [(key, label, flags)], in list order.
DEFAULT_CODES: dict[str, list[tuple[str, str, dict]]] = {
    Kind.GENDER: [
        ("kvinna", "Kvinna", {}),
        ("man", "Man", {}),
        ("annat", "Annat/ej angivet", {}),
    ],
    Kind.EXIT_REASON: [
        ("arbete", "Arbete", {"work_or_studies": True}),
        ("studier", "Studier", {"work_or_studies": True}),
        ("flyttat_utomlands", "Flyttat utomlands", {}),
        ("flyttat_inom_landet", "Flyttat inom landet", {}),
        ("annan_malgrupp", "Flyttad till annan målgrupp/insats", {}),
        ("foraldrapenning", "Föräldrapenning", {}),
        ("a_kassa", "A-kassa", {}),
        ("sjukskriven", "Sjukskriven", {}),
        ("annat", "Annat", {}),
        ("felregistrering", "Felregistrering", {"excluded_from_statistics": True}),
    ],
    Kind.AF_CODE: [
        ("11", "11 Arbetssökande 100 %", {}),
        ("14", "14 Arbetssökande med förhinder", {}),
        ("22", "22 Timanställning", {}),
        ("33", "33 Nystartsjobb", {}),
        ("38", "38 Utvecklingsanställning", {}),
        ("42", "42 Lönebidrag", {}),
        ("70", "70 Jobb- och utvecklingsgarantin fas 1–2", {}),
        ("81", "81 AMU", {}),
        ("83", "83 Förberedande utbildning", {}),
        ("JOB3", "JOB fas 3", {}),
        ("EJ_AKTUELL", "Ej aktuell (ej inskriven)", {}),
    ],
    Kind.INCOME_SOURCE: [
        ("ekonomiskt_bistand", "Ekonomiskt bistånd", {}),
        ("etableringsersattning", "Etableringsersättning", {}),
        ("aktivitetsstod", "Aktivitetsstöd", {}),
        ("sjukpenning", "Sjukpenning", {}),
        ("sjuk_aktivitetsersattning", "Sjuk- eller aktivitetsersättning", {}),
        ("a_kassa", "A-kassa", {}),
        ("lon", "Lön", {}),
        ("studiemedel", "Studiemedel", {}),
        ("foraldrapenning", "Föräldrapenning", {}),
        ("ingen", "Ingen försörjning", {}),
        ("annan", "Annan", {}),
    ],
    Kind.EDUCATION_LEVEL: [
        ("forgymnasial_kort", "Förgymnasial, kortare än 9 år", {}),
        ("forgymnasial", "Förgymnasial, 9 (10) år", {}),
        ("gymnasial", "Gymnasial", {}),
        ("eftergymnasial_kort", "Eftergymnasial, kortare än 3 år", {}),
        ("eftergymnasial", "Eftergymnasial, 3 år eller längre", {}),
        ("okand", "Uppgift saknas", {}),
    ],
    Kind.TIME_OUTSIDE: [
        ("lt_6m", "Mindre än 6 månader", {}),
        ("6_12m", "6–12 månader", {}),
        ("1_2y", "1–2 år", {}),
        ("2_5y", "2–5 år", {}),
        ("gt_5y", "Mer än 5 år", {}),
        ("okand", "Uppgift saknas", {}),
    ],
}


def ensure_default_codes(federation: Federation) -> int:
    """Add any default code the federation lacks (existing labels are kept). Returns added."""
    added = 0
    with federation_scope(federation):
        existing = set(ReferenceCode.objects.values_list("kind", "key"))
        new = [
            ReferenceCode(
                federation=federation, kind=kind, key=key, label=label, position=i, flags=flags
            )
            for kind, items in DEFAULT_CODES.items()
            for i, (key, label, flags) in enumerate(items)
            if (kind, key) not in existing
        ]
        ReferenceCode.objects.bulk_create(new)
        added = len(new)
    return added


@memoized(lambda: ())
def _all_codes() -> tuple[ReferenceCode, ...]:
    """Every code list of the current federation, read once per request: a page that labels
    exit reasons, income sources and AF codes asks one query, not one per list."""
    return tuple(ReferenceCode.objects.order_by("kind", "position", "key"))


def codes(kind: str, *, active_only: bool = True) -> list[ReferenceCode]:
    """The current federation's codes of one kind, in list order."""
    return [c for c in _all_codes() if c.kind == kind and (c.active or not active_only)]


def choices(kind: str, *, blank: str | None = None) -> list[tuple[str, str]]:
    items = [(c.key, c.label) for c in codes(kind)]
    return ([("", blank)] if blank is not None else []) + items


def keys(kind: str) -> list[str]:
    return [c.key for c in codes(kind, active_only=False)]


def labels(kind: str) -> dict[str, str]:
    return {c.key: c.label for c in codes(kind, active_only=False)}


def keys_with_flag(kind: str, flag: str) -> set[str]:
    return {c.key for c in codes(kind, active_only=False) if c.flags.get(flag)}

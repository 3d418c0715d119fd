"""Reads of the knowledge bank that go beyond one federation: other federations' published
method results (aggregates only, small cells hidden when published)."""

from __future__ import annotations

from dataclasses import dataclass

from stegvis.core.models import Federation
from stegvis.core.tenancy import require_federation, unscoped
from stegvis.knowledge.models import MethodPublication


@dataclass(frozen=True)
class Published:
    federation: str
    code: str
    name: str
    results: dict
    published_at: object


def published_elsewhere(codes=None) -> list[Published]:
    """Active publications of other federations than the current one, optionally only for
    some method codes. Reading across federations is deliberate: these are aggregates their
    owners chose to publish."""
    current = require_federation()
    with unscoped():
        qs = MethodPublication.objects.filter(withdrawn_at__isnull=True).exclude(
            federation_id=current.pk
        )
        if codes is not None:
            qs = qs.filter(code__in=list(codes))
        rows = list(
            qs.order_by("code", "federation_id").values(
                "federation_id", "code", "name", "results", "published_at"
            )
        )
        names = dict(
            Federation.objects.filter(pk__in={r["federation_id"] for r in rows}).values_list(
                "pk", "name"
            )
        )
    return [
        Published(
            federation=names[r["federation_id"]],
            code=r["code"],
            name=r["name"],
            results=r["results"],
            published_at=r["published_at"],
        )
        for r in rows
    ]

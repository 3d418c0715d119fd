"""The methods catalogue over the API: ``GET /api/v1/methods``."""

from __future__ import annotations

from ninja import Router, Schema

from stegvis.api.base import ERRORS, require
from stegvis.core.roles import Perm
from stegvis.knowledge.models import Method

router = Router(tags=["metoder"])


class MethodOut(Schema):
    code: str
    name: str
    description: str
    target_group: str
    staff_demands: str
    references: list[str]
    interventions: list[str]

    @staticmethod
    def resolve_references(obj) -> list[str]:
        return obj.reference_lines()

    @staticmethod
    def resolve_interventions(obj) -> list[str]:
        return sorted(i.code for i in obj.interventions.all())


class MethodList(Schema):
    items: list[MethodOut]
    count: int


@router.get("/methods", response={200: MethodList, **ERRORS})
def list_methods(request):
    """The federation's methods, each with the codes of the interventions that use it."""
    require(request, Perm.VIEW_AGGREGATES)
    items = list(Method.objects.prefetch_related("interventions").order_by("code"))
    return {"items": items, "count": len(items)}

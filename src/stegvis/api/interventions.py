from __future__ import annotations

from datetime import date

from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from stegvis.api.base import ERRORS, PathId
from stegvis.core.roles import Perm
from stegvis.interventions.models import Intervention

router = Router(tags=["insatser"])


class InterventionOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    start_date: date | None
    end_date: date | None
    capacity: int | None
    target_group: str
    methods: list[str]
    eligibility_rules: list[dict]

    @staticmethod
    def resolve_methods(obj) -> list[str]:
        # The codes of the linked methods (stegvis.knowledge), as the list of names was before.
        return sorted(m.code for m in obj.methods.all())


class InterventionList(Schema):
    items: list[InterventionOut]
    count: int


def _visible(request):
    membership = request.membership
    if not (
        membership.has_perm(Perm.VIEW_AGGREGATES)
        or membership.has_perm(Perm.VIEW_SCOPED_PERSONAL_DATA)
    ):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied("Din roll har inte behörighet till insatser.")
    return Intervention.objects.prefetch_related("methods").order_by("code")


@router.get("/interventions", response={200: InterventionList, **ERRORS})
def list_interventions(request):
    items = list(_visible(request))
    return {"items": items, "count": len(items)}


@router.get(
    "/interventions/{intervention_id}",
    response={200: InterventionOut, **ERRORS},
)
def get_intervention(request, intervention_id: PathId):
    return get_object_or_404(_visible(request), pk=intervention_id)

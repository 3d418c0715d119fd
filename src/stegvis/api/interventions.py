from __future__ import annotations

from datetime import date
from typing import Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status

from stegvis.api.base import ERRORS, ErrorOut, ObjectId, PathId, require
from stegvis.core.models import Authority, Hub
from stegvis.core.roles import Perm
from stegvis.interventions import services
from stegvis.interventions.models import Intervention

router = Router(tags=["insatser"])


class InterventionOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    owner_authority_id: int | None
    hub: str | None = None
    start_date: date | None
    end_date: date | None
    closed_on: date | None
    capacity: int | None
    target_group: str
    description: str
    methods: list[str]
    eligibility_rules: list[dict]

    @staticmethod
    def resolve_hub(obj) -> str | None:
        return obj.hub.slug if obj.hub_id else None

    @staticmethod
    def resolve_methods(obj) -> list[str]:
        # The codes of the linked methods (stegvis.knowledge), as the list of names was before.
        return sorted(m.code for m in obj.methods.all())


class InterventionList(Schema):
    items: list[InterventionOut]
    count: int


class InterventionIn(Schema):
    code: str = Field(..., max_length=30, description="Kod, unik i förbundet")
    name: str = Field(..., max_length=200)
    kind: Literal["individual", "structural"] = "individual"
    start_date: date | None = None
    end_date: date | None = None
    owner_authority_id: ObjectId | None = Field(None, description="Ägande huvudmans id")
    hub: str | None = Field(None, description="Knutpunktens kortnamn")
    capacity: int | None = Field(None, ge=1, le=100_000)
    target_group: str = Field("", max_length=2000)
    description: str = Field("", max_length=5000)
    eligibility_rules: list[dict] = Field(
        [],
        description='Villkor som data, t.ex. [{"type": "age", "min": 18, "max": 29}]',
    )


class InterventionPatch(Schema):
    code: str | None = Field(None, max_length=30)
    name: str | None = Field(None, max_length=200)
    kind: Literal["individual", "structural"] | None = None
    start_date: date | None = None
    end_date: date | None = None
    owner_authority_id: ObjectId | None = None
    hub: str | None = None
    capacity: int | None = Field(None, ge=1, le=100_000)
    target_group: str | None = Field(None, max_length=2000)
    description: str | None = Field(None, max_length=5000)
    eligibility_rules: list[dict] | None = None


class CloseIn(Schema):
    closed_on: date | None = Field(None, description="Stängningsdag; utan: i dag")
    note: str = Field("", max_length=300)


def _visible(request):
    membership = request.membership
    if not (
        membership.has_perm(Perm.VIEW_AGGREGATES)
        or membership.has_perm(Perm.VIEW_SCOPED_PERSONAL_DATA)
        or membership.has_perm(Perm.REFER_PARTICIPANTS)
    ):
        raise PermissionDenied("Din roll har inte behörighet till insatser.")
    return Intervention.objects.select_related("hub").prefetch_related("methods").order_by("code")


def _fields(data: dict) -> dict:
    """API names to model fields: the owner by id, the hub by its short name."""
    fields = dict(data)
    if "owner_authority_id" in fields:
        pk = fields.pop("owner_authority_id")
        fields["owner_authority"] = None
        if pk is not None:
            fields["owner_authority"] = Authority.objects.filter(pk=pk).first()
            if fields["owner_authority"] is None:
                raise ValidationError({"owner_authority_id": "Huvudmannen finns inte i förbundet."})
    if "hub" in fields:
        slug = fields.pop("hub")
        fields["hub"] = None
        if slug:
            fields["hub"] = Hub.objects.filter(slug=slug).first()
            if fields["hub"] is None:
                raise ValidationError({"hub": f"Knutpunkten '{slug}' finns inte i förbundet."})
    return fields


@router.get("/interventions", response={200: InterventionList, **ERRORS})
def list_interventions(request):
    items = list(_visible(request))
    return {"items": items, "count": len(items)}


@router.post("/interventions", response={201: InterventionOut, 409: ErrorOut, **ERRORS})
def create_intervention(request, payload: InterventionIn):
    require(request, Perm.MANAGE_INTERVENTIONS)
    try:
        intervention = services.intervention_create(
            actor=request.user, membership=request.membership, **_fields(payload.dict())
        )
    except services.DuplicateCode as exc:
        return Status(409, {"detail": exc.message_dict})
    return Status(201, intervention)


@router.get(
    "/interventions/{intervention_id}",
    response={200: InterventionOut, **ERRORS},
)
def get_intervention(request, intervention_id: PathId):
    return get_object_or_404(_visible(request), pk=intervention_id)


@router.patch(
    "/interventions/{intervention_id}", response={200: InterventionOut, 409: ErrorOut, **ERRORS}
)
def update_intervention(request, intervention_id: PathId, payload: InterventionPatch):
    require(request, Perm.MANAGE_INTERVENTIONS)
    intervention = get_object_or_404(_visible(request), pk=intervention_id)
    changes = _fields(payload.dict(exclude_unset=True))
    for name in ("code", "name", "kind", "target_group", "description", "eligibility_rules"):
        if name in changes and changes[name] is None:
            raise ValidationError({name: "Fältet kan inte tömmas."})
    try:
        return services.intervention_update(
            actor=request.user,
            membership=request.membership,
            intervention=intervention,
            changes=changes,
        )
    except services.DuplicateCode as exc:
        return Status(409, {"detail": exc.message_dict})


@router.post("/interventions/{intervention_id}/close", response={200: InterventionOut, **ERRORS})
def close_intervention(request, intervention_id: PathId, payload: CloseIn):
    from django.utils import timezone

    require(request, Perm.MANAGE_INTERVENTIONS)
    intervention = get_object_or_404(_visible(request), pk=intervention_id)
    return services.intervention_close(
        actor=request.user,
        membership=request.membership,
        intervention=intervention,
        closed_on=payload.closed_on or timezone.localdate(),
        note=payload.note,
    )

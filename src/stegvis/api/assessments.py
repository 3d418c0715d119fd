"""Assessments (kartläggning) and step-wise ratings over the API, through the same selectors and
services as the web pages. Personal data: only for enrolments in the viewer's interventions,
every read logged."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status

from stegvis.api.base import ERRORS, MAX_OFFSET, ObjectId, Page, PathId, paginate
from stegvis.assessments import selectors, services
from stegvis.assessments.models import StepRating
from stegvis.participants import selectors as participant_selectors
from stegvis.participants.access import interventions_in_scope, require_personal_data

router = Router(tags=["kartläggning"])


class AssessmentOut(Schema):
    id: int
    enrolment_id: int
    participant_id: int = Field(..., alias="enrolment.participant_id")
    version: int
    assessed_on: date
    education: list[dict]
    work_experience: list[dict]
    skills: str
    driving_licence: str
    swedish_level: str
    other_languages: list[dict]
    need_language: str
    need_health: str
    need_network: str
    needs_note: str
    interests: list[str]
    obstacles: list[str]
    obstacles_note: str
    summary: str
    created_at: datetime


class AssessmentList(Schema):
    items: list[AssessmentOut]
    count: int


class AssessmentFilters(Schema):
    enrolment: ObjectId | None = Field(None, description="Deltagandets id")
    intervention: str | None = Field(None, max_length=50, description="Insatskod")
    limit: int = Field(100, ge=1, le=500)
    offset: int = Field(0, ge=0, le=MAX_OFFSET)


def _intervention_id(request, code: str | None) -> int | None:
    if not code:
        return None
    return get_object_or_404(interventions_in_scope(request.membership), code=code).pk


@router.get("/assessments", response={200: AssessmentList, **ERRORS})
def list_assessments(request, filters: Query[AssessmentFilters]):
    membership = request.membership
    require_personal_data(membership)
    qs = selectors.assessments_in_scope(
        membership=membership,
        enrolment_id=filters.enrolment,
        intervention_id=_intervention_id(request, filters.intervention),
    )
    items, count = paginate(qs, filters.limit, filters.offset)
    participant_selectors.log_listed(
        membership=membership, participants=[a.enrolment.participant for a in items], reason="api"
    )
    return {"items": items, "count": count}


@router.get("/assessments/{assessment_id}", response={200: AssessmentOut, **ERRORS})
def get_assessment(request, assessment_id: PathId):
    return selectors.assessment_get(membership=request.membership, pk=assessment_id)


# --- Step-wise ratings ------------------------------------------------------------------------


class DimensionOut(Schema):
    id: int
    key: str
    label: str
    description: str
    anchors: list
    position: int
    active: bool


class DimensionList(Schema):
    items: list[DimensionOut]
    count: int


@router.get("/progress-dimensions", response={200: DimensionList, **ERRORS})
def list_dimensions(request):
    """The federation's rating dimensions (their ids are used when recording ratings)."""
    require_personal_data(request.membership)
    items = selectors.dimensions(active_only=False)
    return {"items": items, "count": len(items)}


class RatingOut(Schema):
    id: int
    enrolment_id: int
    dimension_id: int
    dimension: str = Field(..., alias="dimension.key")
    rated_on: date
    rater: str
    score: int


class RatingList(Schema):
    items: list[RatingOut]
    count: int


class ScoreIn(Schema):
    dimension_id: ObjectId
    score: int = Field(..., ge=1, le=5)


class RatingsIn(Schema):
    rated_on: date
    rater: Literal[tuple(StepRating.Rater.values)] = StepRating.Rater.STAFF
    scores: list[ScoreIn] = Field(..., min_length=1, max_length=50)


@router.get("/enrolments/{enrolment_id}/ratings", response={200: RatingList, **ERRORS})
def list_ratings(request, enrolment_id: PathId, page: Query[Page]):
    enrolment = participant_selectors.enrolment_get(membership=request.membership, pk=enrolment_id)
    items, count = paginate(selectors.ratings_of(enrolment), page.limit, page.offset)
    return {"items": items, "count": count}


@router.post("/enrolments/{enrolment_id}/ratings", response={201: RatingList, **ERRORS})
def record_ratings(request, enrolment_id: PathId, payload: RatingsIn):
    """One rating occasion; a second one the same day by the same kind of rater replaces it."""
    membership = request.membership
    enrolment = participant_selectors.enrolment_get(membership=membership, pk=enrolment_id)
    saved = services.ratings_record(
        actor=request.user,
        membership=membership,
        enrolment=enrolment,
        rated_on=payload.rated_on,
        rater=payload.rater,
        scores={s.dimension_id: s.score for s in payload.scores},
    )
    return Status(201, {"items": saved, "count": len(saved)})

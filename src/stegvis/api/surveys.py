"""Questionnaires, personal answer links and survey results over the API, through the same
services and selectors as the web pages."""

from __future__ import annotations

from typing import Annotated, Literal

from ninja import Field, Path, Query, Router, Schema, Status
from ninja.errors import ValidationError as NinjaValidationError

from stegvis.api.base import ERRORS, NotFound, ObjectId, require
from stegvis.api.reports import ReportOut
from stegvis.core import audit
from stegvis.core.roles import Perm
from stegvis.participants.access import require_personal_data
from stegvis.reports import access
from stegvis.reports.runner import InvalidPeriod, NotInFederation, parse_period, report_filters
from stegvis.surveys import results, selectors, services
from stegvis.surveys.models import Survey

router = Router(tags=["enkäter"])

DAY = r"^\d{4}-\d{2}-\d{2}$"
SurveyCode = Annotated[str, Path(max_length=40, description="Enkätens kod")]


class SurveyOut(Schema):
    code: str
    version: int
    audience: str
    status: str
    languages: list[str]


class SurveyList(Schema):
    items: list[SurveyOut]
    count: int


class InvitationIn(Schema):
    participant_id: ObjectId
    occasion: Literal["start", "midway", "exit", "activity"]
    language: str = Field("sv", max_length=8)


class InvitationOut(Schema):
    id: int
    url: str
    expires_at: str


class ResultFilters(Schema):
    survey: str = Field(..., max_length=40, description="Enkätens kod")
    version: int | None = Field(None, ge=1, le=10_000, description="Version (utan: senaste)")
    intervention: str | None = Field(None, description="Insatsens kod (utan: alla insatser)")
    date_from: str | None = Field(None, alias="from", pattern=DAY, description="Från och med")
    date_to: str | None = Field(None, alias="to", pattern=DAY, description="Till och med")
    external: bool = Field(False, description="För extern användning: döljer små tal")


@router.get("/surveys", response={200: SurveyList, **ERRORS})
def list_surveys(request):
    items = [
        {
            "code": s.code,
            "version": s.version,
            "audience": s.audience,
            "status": s.status,
            "languages": s.languages,
        }
        for s in selectors.surveys_published(request.membership)
    ]
    return {"items": items, "count": len(items)}


@router.post("/surveys/{code}/invitations", response={201: InvitationOut, **ERRORS})
def create_invitation(request, code: SurveyCode, payload: InvitationIn):
    require_personal_data(request.membership)
    try:
        survey = selectors.survey_published(request.membership, code)
    except Survey.DoesNotExist as exc:
        raise NotFound(str(exc)) from exc
    link = services.invitation_create(
        actor=request.user,
        membership=request.membership,
        survey=survey,
        participant_id=payload.participant_id,
        occasion=payload.occasion,
        language=payload.language,
    )
    return Status(
        201,
        {
            "id": link.invitation.pk,
            "url": request.build_absolute_uri(link.path),
            "expires_at": link.invitation.expires_at.isoformat(),
        },
    )


@router.get("/reports/survey-results", response={200: ReportOut, **ERRORS})
def survey_results(request, filters: Query[ResultFilters]):
    require(request, Perm.EXPORT_REPORTS)
    try:
        survey = results.survey_for_results(filters.survey, filters.version)
        date_from, date_to = parse_period(filters.date_from, filters.date_to, names=("from", "to"))
        report_filter = report_filters(
            intervention=filters.intervention, date_from=date_from, date_to=date_to
        )
    except (results.UnknownSurvey, NotInFederation) as exc:
        raise NotFound(str(exc)) from exc
    except InvalidPeriod as exc:
        raise NinjaValidationError(
            [{"type": "value_error", "loc": ["query", exc.field], "msg": str(exc)}]
        ) from exc
    hide = access.must_hide_small_cells(request.membership, report_filter, asked=filters.external)
    report = results.survey_report(survey, report_filter, external=hide)
    audit.log(
        actor=request.user,
        action=audit.Action.EXPORT,
        object_type="report",
        object_id=results.NAME,
        reason="rapport via API",
        detail={
            "format": "json",
            "survey": f"{survey.code} v{survey.version}",
            "filters": report_filter.describe(),
            "external": report.is_suppressed,
        },
    )
    return report.as_dict()

"""The federation's reports over the API: the same JSON as ``stegvis report NAME --federation
SLUG --intervention CODE [--from] [--to]``, computed and logged through the same functions
(:mod:`stegvis.reports.runner`).

Fetching a report is an export (as a download in the web): it needs the right to export
reports and is logged. Small cells are hidden by the same rule as in the web: exact counts
for the federation admin, and for intervention leads on their own interventions.
"""

from __future__ import annotations

from typing import Annotated

from ninja import Field, Path, Query, Router, Schema
from ninja.errors import ValidationError as NinjaValidationError

from stegvis.api.base import ERRORS, NotFound, require
from stegvis.core.roles import Perm
from stegvis.reports import access
from stegvis.reports.definitions import REPORTS
from stegvis.reports.runner import (
    InvalidPeriod,
    NotInFederation,
    parse_period,
    report_export,
    report_filters,
    require_known,
)

router = Router(tags=["rapporter"])

DAY = r"^\d{4}-\d{2}-\d{2}$"


class ReportInfo(Schema):
    name: str
    title: str
    description: str


class ReportInfoList(Schema):
    items: list[ReportInfo]
    count: int


class ReportRow(Schema):
    label: str
    values: list[int | float | str | None]


class ReportOut(Schema):
    report: str
    columns: list[str]
    rows: list[ReportRow]
    total: ReportRow | None


class ReportFilters(Schema):
    intervention: str | None = Field(None, description="Insatsens kod (utan: alla insatser)")
    date_from: str | None = Field(
        None, alias="from", pattern=DAY, description="Från och med (ÅÅÅÅ-MM-DD)"
    )
    date_to: str | None = Field(
        None, alias="to", pattern=DAY, description="Till och med (ÅÅÅÅ-MM-DD)"
    )
    authority: str | None = Field(None, description="Anvisande huvudman (namn)")
    hub: str | None = Field(None, description="Knutpunkt (kortnamn)")
    municipality: str | None = Field(None, description="Deltagarens kommun")
    external: bool = Field(False, description="För extern användning: döljer små tal")


ReportName = Annotated[str, Path(max_length=50, description="Rapportens namn")]


@router.get("/reports", response={200: ReportInfoList, **ERRORS})
def list_reports(request):
    require(request, Perm.EXPORT_REPORTS)
    items = [
        {"name": d.name, "title": d.title, "description": d.description} for d in REPORTS.values()
    ]
    return {"items": items, "count": len(items)}


@router.get("/reports/{name}", response={200: ReportOut, **ERRORS})
def get_report(request, name: ReportName, filters: Query[ReportFilters]):
    require(request, Perm.EXPORT_REPORTS)
    try:
        require_known(name)
        date_from, date_to = parse_period(filters.date_from, filters.date_to, names=("from", "to"))
        report_filter = report_filters(
            intervention=filters.intervention,
            date_from=date_from,
            date_to=date_to,
            authority=filters.authority,
            hub=filters.hub,
            municipality=filters.municipality,
        )
    except NotInFederation as exc:
        raise NotFound(str(exc)) from exc
    except InvalidPeriod as exc:
        raise NinjaValidationError(
            [{"type": "value_error", "loc": ["query", exc.field], "msg": str(exc)}]
        ) from exc
    hide = access.must_hide_small_cells(request.membership, report_filter, asked=filters.external)
    report = report_export(
        name,
        report_filter,
        actor=request.user,
        external=hide,
        reason="rapport via API",
        detail={
            "format": "json",
            "intervention": filters.intervention or "",
            "filters": report_filter.describe(),
        },
    )
    return report.as_dict()

"""One report for one caller: the command line and the API parse their arguments, resolve the
filters and compute and log the report through these functions, so the two cannot drift.

The errors carry Swedish messages; the command line turns them into ``CommandError``, the API
into 404 (something named that does not exist in the federation) or 422 (a malformed date).
"""

from __future__ import annotations

from datetime import date

from django.utils.dateparse import parse_date

from stegvis.core import audit
from stegvis.core.models import Authority, Hub
from stegvis.interventions.models import Intervention
from stegvis.reports.definitions import REPORTS, Report, compute_report
from stegvis.reports.filters import ReportFilters


class ReportRequestError(Exception):
    """A report request that cannot be answered; ``str(exc)`` is the message to show."""


class InvalidPeriod(ReportRequestError, ValueError):
    def __init__(self, message: str, field: str):
        super().__init__(message)
        self.field = field


class NotInFederation(ReportRequestError, LookupError):
    pass


def parse_day(value: str | None, what: str) -> date | None:
    """``ÅÅÅÅ-MM-DD`` or nothing; ``what`` names the argument in the message."""
    if not value:
        return None
    try:
        day = parse_date(value) if len(value) == 10 else None
    except ValueError:
        day = None
    if day is None:
        raise InvalidPeriod(f"Ogiltigt datum för {what}: '{value}'. Använd ÅÅÅÅ-MM-DD.", what)
    return day


def parse_period(
    date_from: str | None, date_to: str | None, *, names: tuple[str, str] = ("--from", "--to")
) -> tuple[date | None, date | None]:
    start = parse_day(date_from, names[0])
    end = parse_day(date_to, names[1])
    if start and end and start > end:
        raise InvalidPeriod(f"{names[0]} ligger efter {names[1]}.", names[1])
    return start, end


def _lookup(model, field: str, value: str | None, what: str):
    if not value:
        return None
    found = model.objects.filter(**{field: value}).first()
    if found is None:
        raise NotInFederation(f"{what} '{value}' finns inte i förbundet.")
    return found


def report_filters(
    *,
    intervention: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    authority: str | None = None,
    hub: str | None = None,
    municipality: str | None = None,
) -> ReportFilters:
    """Filters from the names a caller gives: the intervention's code (none: every
    intervention), the authority's name, the hub's short name. Call inside a federation
    scope; a name that is not in the federation raises :class:`NotInFederation`."""
    found = _lookup(Intervention, "code", intervention, "Insatsen")
    return ReportFilters(
        interventions=(found,) if found is not None else None,
        date_from=date_from,
        date_to=date_to,
        authority=_lookup(Authority, "name", authority, "Huvudmannen"),
        hub=_lookup(Hub, "slug", hub, "Knutpunkten"),
        municipality=municipality or "",
    )


def require_known(name: str) -> None:
    if name not in REPORTS:
        raise NotInFederation(f"Rapporten '{name}' finns inte. Välj bland: {', '.join(REPORTS)}.")


def report_export(
    name: str,
    filters: ReportFilters,
    *,
    actor,
    external: bool,
    reason: str,
    detail: dict,
) -> Report:
    """Compute the report (small cells hidden when ``external``) and log it as an export."""
    require_known(name)
    report = compute_report(name, filters, external=external)
    audit.log(
        actor=actor,
        action=audit.Action.EXPORT,
        object_type="report",
        object_id=name,
        reason=reason,
        detail={**detail, "external": report.is_suppressed},
    )
    return report

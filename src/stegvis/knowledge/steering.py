"""Figures for the board's dashboard and for good-example pages: aggregates only, each from
the same report functions the report pages use."""

from __future__ import annotations

from datetime import date

from django.db.models import Count, Q, Sum

from stegvis.interventions.models import Budget, Intervention, OutcomeBooking
from stegvis.knowledge.results import _counts, wilson
from stegvis.reports.definitions import REPORTS, compute_report, goal_statuses
from stegvis.reports.filters import ReportFilters


def intervention_figures(intervention: Intervention, *, as_of: date) -> dict:
    """The figures a good-example page is built from, over the intervention's whole history."""
    filters = ReportFilters(interventions=(intervention,))
    counts = _counts(filters)
    budget = Budget.objects.filter(financier__intervention=intervention).aggregate(s=Sum("amount"))[
        "s"
    ]
    used = OutcomeBooking.objects.filter(financier__intervention=intervention).aggregate(
        s=Sum("amount")
    )["s"]
    participants = counts["deltagare"]
    return {
        **counts,
        "interval": wilson(counts["arbete_studier"], counts["avslutade"]),
        "share": round(100 * counts["arbete_studier"] / counts["avslutade"], 1)
        if counts["avslutade"]
        else None,
        "budget": budget,
        "outcome": used,
        "cost_per_participant": round(used / participants) if used and participants else None,
        "goals": goal_statuses(filters, as_of=as_of),
    }


def shown_figures(figures: dict, hide_below: int, threshold: int) -> dict:
    """Small counts hidden; no share, interval or cost per participant from too few people."""
    result = dict(figures)
    for key in ("deltagare", "avslutade", "arbete_studier"):
        n = figures[key]
        if hide_below and 0 < n < hide_below:
            result[key] = f"<{hide_below}"
    small_part = hide_below and 0 < figures["arbete_studier"] < hide_below
    if figures["avslutade"] < threshold or small_part:
        result["share"] = result["interval"] = None
        if hide_below:
            result["arbete_studier"] = None if figures["arbete_studier"] else 0
    if figures["deltagare"] < threshold:
        result["cost_per_participant"] = None
    return result


def _total(name: str, filters: ReportFilters, *, hide_below: int) -> dict | None:
    """A report's total row as label–value pairs, small cells hidden when ``hide_below``."""
    if name not in REPORTS:
        return None
    report = compute_report(name, filters, external=bool(hide_below))
    table = report.table
    if table.total is None:
        return None
    return {
        "name": name,
        "title": report.title,
        "figures": list(zip(table.column_labels, table.total.values, strict=True)),
    }


def dashboard(*, as_of: date, hide_below: int) -> dict:
    from stegvis.activities.models import Activity, ActivityEnrolment, Compensation, Placement

    year = ReportFilters(date_from=date(as_of.year, 1, 1), date_to=date(as_of.year, 12, 31))
    last_year = ReportFilters(date_from=date(as_of.year - 1, as_of.month, 1), date_to=as_of)
    statuses = goal_statuses(ReportFilters(), as_of=as_of)
    activities = Activity.objects.aggregate(
        approved=Count("id", filter=Q(status=Activity.Status.APPROVED)),
        cancelled=Count("id", filter=Q(status=Activity.Status.CANCELLED)),
    )
    places = ActivityEnrolment.objects.filter(status=ActivityEnrolment.Status.ACTIVE).count()
    compensations = Compensation.objects.filter(
        status__in=[Compensation.Status.APPROVED, Compensation.Status.PAID]
    ).aggregate(
        paid=Sum("amount_sek", filter=Q(status=Compensation.Status.PAID)),
        approved=Sum("amount_sek", filter=Q(status=Compensation.Status.APPROVED)),
    )
    return {
        "as_of": as_of,
        "year": as_of.year,
        "budget": _total("budget", year, hide_below=0),
        "flow": _total("flow", last_year, hide_below=hide_below),
        "lead_times": _total("lead-times", year, hide_below=hide_below),
        "flow_period": last_year,
        "statuses": statuses,
        "goals_met": sum(1 for s in statuses if s.met),
        "goals_below": sum(1 for s in statuses if s.met is False),
        "goals_unknown": sum(1 for s in statuses if s.met is None),
        "hide_goals_below": hide_below,
        "nad": [
            ("Godkända aktiviteter", activities["approved"]),
            ("Inställda aktiviteter", activities["cancelled"]),
            (
                "Deltagare på plats i aktiviteter",
                f"<{hide_below}" if hide_below and 0 < places < hide_below else places,
            ),
            ("Praktik- och arbetsträningsplatser", Placement.objects.filter(active=True).count()),
            ("Utbetald ersättning (kr)", compensations["paid"] or 0),
            ("Godkänd, ej utbetald (kr)", compensations["approved"] or 0),
        ],
    }

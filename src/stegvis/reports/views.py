from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from stegvis.core import audit
from stegvis.core.access import federation_view
from stegvis.core.roles import Perm
from stegvis.participants.models import Participant
from stegvis.reports import access, exports, services
from stegvis.reports.charts import report_chart
from stegvis.reports.definitions import REPORTS, compute_report, goal_statuses
from stegvis.reports.forms import ReportFilterForm, ReportSettingsForm, default_period
from stegvis.reports.sus import sus_export_csv

FILTER_NAMES = {
    "intervention": "insats",
    "period": "period",
    "authority": "huvudman",
    "hub": "knutpunkt",
    "municipality": "kommun",
}


def _municipalities() -> list[str]:
    names = set(
        Participant.objects.exclude(municipality="")
        .values_list("municipality", flat=True)
        .distinct()
    )
    return sorted(names)


def _filter_form(request) -> ReportFilterForm:
    data = request.GET.copy() if request.GET else None
    if data is None or not any(k in data for k in ReportFilterForm.base_fields):
        data = request.GET.copy()
        data.update(default_period(timezone.localdate()))
    return ReportFilterForm(data, municipalities=_municipalities())


def _compute(request, name: str):
    form = _filter_form(request)
    filters = form.filters()
    asked = bool(form.is_valid() and form.cleaned_data.get("external"))
    hide = access.must_hide_small_cells(request.membership, filters, asked=asked)
    report = compute_report(name, filters, external=hide)
    return form, report, hide and not asked


def _query(form) -> str:
    """The validated filters as a query string for links between reports and downloads."""
    if not form.is_valid():
        return ""
    from django.http import QueryDict

    query = QueryDict(mutable=True)
    for key, value in form.cleaned_data.items():
        if value in (None, "", False):
            continue
        if hasattr(value, "pk"):
            value = value.pk
        elif key == "external":
            value = "on"
        query[key] = str(value)
    return query.urlencode()


def _ignored(definition, filters) -> list[str]:
    used = definition.uses
    ignored = []
    if filters.authority and "authority" not in used:
        ignored.append(FILTER_NAMES["authority"])
    if filters.hub and "hub" not in used:
        ignored.append(FILTER_NAMES["hub"])
    if filters.municipality and "municipality" not in used:
        ignored.append(FILTER_NAMES["municipality"])
    return ignored


@federation_view(Perm.VIEW_AGGREGATES)
def index(request):
    form = _filter_form(request)
    filters = form.filters()
    statuses = goal_statuses(filters, as_of=timezone.localdate())
    hide_goals = access.must_hide_small_cells(request.membership, filters, asked=False)
    threshold = int(request.federation.setting("small_cell_threshold"))
    return render(
        request,
        "reports/index.html",
        {
            "form": form,
            "query": _query(form),
            "reports": REPORTS.values(),
            "statuses": statuses,
            "hide_goals_below": threshold if hide_goals else 0,
            "settings_form": ReportSettingsForm(initial={"small_cell_threshold": threshold}),
            "filters": filters,
        },
    )


@federation_view(Perm.VIEW_AGGREGATES)
def detail(request, name: str):
    if name not in REPORTS:
        raise Http404("Rapporten finns inte.")
    form, report, forced = _compute(request, name)
    return render(
        request,
        "reports/detail.html",
        {
            "form": form,
            "query": _query(form),
            "report": report,
            "reports": REPORTS.values(),
            "chart": mark_safe(report_chart(report)),  # noqa: S308 - built with escaped text
            "forced_external": forced,
            "ignored": _ignored(report.definition, report.filters),
        },
    )


def _attachment(content, fmt: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=exports.CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _log_export(request, name: str, fmt: str, report) -> None:
    audit.log(
        actor=request.user,
        action=audit.Action.EXPORT,
        object_type="report",
        object_id=name,
        reason="rapport",
        detail={
            "format": fmt,
            "external": report.is_suppressed,
            "filters": report.filters.describe(),
        },
    )


@federation_view(Perm.EXPORT_REPORTS)
def download(request, name: str, fmt: str):
    if name not in REPORTS or fmt not in ("csv", "xlsx", "pdf"):
        raise Http404("Rapporten finns inte.")
    _form, report, _forced = _compute(request, name)
    _log_export(request, name, fmt, report)
    created = timezone.localtime()
    stem = f"{request.federation.slug}-{report.definition.download_slug}-{created:%Y%m%d}"
    if fmt == "csv":
        content = exports.report_csv(report, excel=True)
    elif fmt == "xlsx":
        content = exports.reports_xlsx(
            [report], federation_name=request.federation.name, created=created
        )
    else:
        content = exports.reports_pdf(
            [report], federation_name=request.federation.name, created=created
        )
    return _attachment(content, fmt, f"{stem}.{fmt}")


@federation_view(Perm.EXPORT_REPORTS)
def package(request, fmt: str):
    """Every report in one workbook or one PDF: the monthly report without Excel work."""
    if fmt not in ("xlsx", "pdf"):
        raise Http404("Formatet finns inte.")
    reports = [_compute(request, name)[1] for name in REPORTS]
    for report in reports:
        _log_export(request, report.name, fmt, report)
    created = timezone.localtime()
    build = exports.reports_xlsx if fmt == "xlsx" else exports.reports_pdf
    content = build(reports, federation_name=request.federation.name, created=created)
    return _attachment(content, fmt, f"{request.federation.slug}-rapporter-{created:%Y%m%d}.{fmt}")


@federation_view(Perm.EXPORT_ALL_DATA)
def sus_export(request):
    form = _filter_form(request)
    content = sus_export_csv(actor=request.user, filters=form.filters())
    created = timezone.localtime()
    return _attachment(content, "csv", f"{request.federation.slug}-sus-export-{created:%Y%m%d}.csv")


@federation_view(Perm.MANAGE_FEDERATION)
@require_POST
def settings_update(request):
    form = ReportSettingsForm(request.POST)
    if form.is_valid():
        try:
            services.report_settings_update(
                actor=request.user,
                federation=request.federation,
                small_cell_threshold=form.cleaned_data["small_cell_threshold"],
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, "Gränsen för små tal är sparad.")
    else:
        messages.error(request, "Ange ett tal mellan 1 och 50.")
    return redirect("reports:index", request.federation.slug)

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from stegvis.core import audit
from stegvis.core.access import federation_view
from stegvis.core.roles import Perm
from stegvis.evaluation import extract, selectors, services
from stegvis.evaluation.effects import EvaluationError
from stegvis.evaluation.forms import BenefitForm, EffectForm
from stegvis.evaluation.models import ComparisonCohort
from stegvis.interventions.models import Intervention
from stegvis.reports import exports


def _intervention(code: str) -> Intervention:
    return get_object_or_404(Intervention, code=code, kind=Intervention.Kind.INDIVIDUAL)


def _form(request, intervention) -> EffectForm:
    choices = selectors.comparison_choices(intervention)
    data = request.GET.copy()
    if "comparison" not in data:
        for code in selectors.default_comparison(intervention):
            data.appendlist("comparison", code)
    return EffectForm(data if data.get("comparison") else None, choices=choices)


def _effect(request, intervention):
    form = _form(request, intervention)
    if not form.is_valid():
        return form, None, None
    try:
        view = selectors.effect_view(
            membership=request.membership,
            intervention=intervention,
            comparison_codes=form.cleaned_data["comparison"],
            date_from=form.cleaned_data.get("date_from"),
            date_to=form.cleaned_data.get("date_to"),
        )
    except EvaluationError as exc:
        return form, None, str(exc)
    services.effect_remember(evaluation=view.evaluation, actor=request.user)
    return form, view, None


@federation_view(Perm.VIEW_AGGREGATES)
def effect(request, code: str):
    intervention = _intervention(code)
    form, view, error = _effect(request, intervention)
    return render(
        request,
        "evaluation/effect.html",
        {
            "intervention": intervention,
            "form": form,
            "view": view,
            "error": error,
            "query": request.GET.urlencode() if request.GET else form_query(form),
            "chart": mark_safe(view.chart()) if view else "",  # noqa: S308 - escaped SVG
        },
    )


def form_query(form) -> str:
    if not form.is_bound or not form.is_valid():
        return ""
    from django.http import QueryDict

    query = QueryDict(mutable=True)
    query.setlist("comparison", form.cleaned_data["comparison"])
    return query.urlencode()


def _attachment(content, fmt: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=exports.CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@federation_view(Perm.EXPORT_REPORTS)
def effect_download(request, code: str, fmt: str):
    if fmt not in ("xlsx", "pdf"):
        raise Http404("Formatet finns inte.")
    intervention = _intervention(code)
    _unused, view, _error = _effect(request, intervention)
    if view is None:
        raise Http404("Välj en jämförelsegrupp.")
    report = view.report()
    audit.log(
        actor=request.user,
        action=audit.Action.EXPORT,
        object_type="effect_estimate",
        object_id=intervention.code,
        reason="effektrapport",
        detail={
            "format": fmt,
            "comparison": [c.code for c in view.evaluation.comparisons],
            "external": bool(view.hidden_below),
        },
    )
    created = timezone.localtime()
    build = exports.reports_xlsx if fmt == "xlsx" else exports.reports_pdf
    content = build([report], federation_name=request.federation.name, created=created)
    stem = f"{request.federation.slug}-effekt-{intervention.code}-{created:%Y%m%d}"
    return _attachment(content, fmt, f"{stem}.{fmt}")


@federation_view(Perm.EXPORT_ALL_DATA)
def effect_extract(request, code: str):
    """Pseudonymised individual-level rows for an external evaluator."""
    intervention = _intervention(code)
    _unused, view, _error = _effect(request, intervention)
    if view is None:
        raise Http404("Välj en jämförelsegrupp.")
    content = extract.extract_csv(
        view.evaluation, actor=request.user, federation=request.federation
    )
    created = timezone.localtime()
    name = (
        f"{request.federation.slug}-utvarderingsunderlag-{intervention.code}-{created:%Y%m%d}.csv"
    )
    return _attachment(content, "csv", name)


@federation_view(Perm.VIEW_AGGREGATES)
def cohorts(request):
    from django.db.models import Count, Q

    rows = ComparisonCohort.objects.select_related("intervention").annotate(
        n_people=Count("people"),
        with_outcome=Count("people", filter=Q(people__work_or_studies__isnull=False)),
    )
    return render(
        request,
        "evaluation/cohorts.html",
        {
            "cohorts": rows,
            "interventions": Intervention.objects.filter(
                kind=Intervention.Kind.INDIVIDUAL
            ).order_by("code"),
        },
    )


@federation_view(Perm.MANAGE_FEDERATION)
@require_POST
def cohort_from_referrals(request):
    intervention = get_object_or_404(Intervention, pk=request.POST.get("intervention") or 0)
    code = f"{intervention.code}-ANV"[:30]
    try:
        cohort = services.cohort_from_referrals(
            actor=request.user,
            intervention=intervention,
            code=code,
            name=f"Anvisade till {intervention.code} som inte skrevs in",
        )
    except services.BenefitError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            f"Jämförelsegruppen {cohort.code} är skapad med {cohort.people.count()} personer. "
            "Importera deras utfall med personnummer för att kunna jämföra.",
        )
    return redirect("evaluation:cohorts", request.federation.slug)


@federation_view(Perm.REGISTER_PARTICIPANTS)
def benefit_record(request):
    form = BenefitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            participant = services.find_participant(
                membership=request.membership, identifier=form.cleaned_data["participant"]
            )
            services.benefit_record(
                actor=request.user,
                membership=request.membership,
                participant=participant,
                month=form.cleaned_data["month"],
                amount=form.cleaned_data["amount"],
            )
        except services.BenefitError as exc:
            form.add_error("participant", str(exc))
        else:
            messages.success(
                request,
                f"Ekonomiskt bistånd för {participant.reference} "
                f"{form.cleaned_data['month']:%Y-%m} är sparat.",
            )
            return redirect("evaluation:benefit", request.federation.slug)
    return render(request, "evaluation/benefit.html", {"form": form})

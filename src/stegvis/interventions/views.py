from __future__ import annotations

from collections import defaultdict

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q, Sum
from django.db.models.functions import ExtractYear
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from stegvis.core.access import federation_view
from stegvis.core.forms import apply_errors
from stegvis.core.roles import Perm
from stegvis.interventions import forms, services
from stegvis.interventions.models import (
    Budget,
    Intervention,
    OutcomeBooking,
    ResultGoal,
)
from stegvis.participants.eligibility import describe_rule
from stegvis.reports import access
from stegvis.reports.definitions import goal_statuses
from stegvis.reports.filters import ReportFilters, excluded_exit_reasons


@federation_view(Perm.VIEW_AGGREGATES)
def intervention_list(request):
    year = timezone.localdate().year
    excluded = sorted(excluded_exit_reasons())
    interventions = (
        Intervention.objects.select_related("hub", "owner_authority")
        .annotate(
            active=Count(
                "enrolments",
                filter=Q(enrolments__end_date__isnull=True)
                & ~Q(enrolments__exit_reason__in=excluded),
                distinct=True,
            )
        )
        .order_by("code")
    )
    budgets = dict(
        Budget.objects.filter(year=year)
        .values("financier__intervention")
        .annotate(s=Sum("amount"))
        .values_list("financier__intervention", "s")
    )
    used = dict(
        OutcomeBooking.objects.filter(booked_on__year=year)
        .values("financier__intervention")
        .annotate(s=Sum("amount"))
        .values_list("financier__intervention", "s")
    )
    rows = [(i, budgets.get(i.pk), used.get(i.pk)) for i in interventions]
    return render(
        request,
        "interventions/list.html",
        {
            "rows": rows,
            "year": year,
            "can_create": request.membership.has_perm(Perm.MANAGE_INTERVENTIONS),
        },
    )


def _budget_rows(intervention):
    """Per financier and year: budget, booked outcome and what is left."""
    planned = defaultdict(int)
    for financier_id, year, amount in Budget.objects.filter(
        financier__intervention=intervention
    ).values_list("financier_id", "year", "amount"):
        planned[(financier_id, year)] += amount
    used = defaultdict(int)
    for row in (
        OutcomeBooking.objects.filter(financier__intervention=intervention)
        .annotate(year=ExtractYear("booked_on"))
        .values("financier_id", "year")
        .annotate(s=Sum("amount"))
    ):
        used[(row["financier_id"], row["year"])] += row["s"]
    rows = []
    for financier in intervention.financiers.select_related("authority"):
        years = sorted({y for f, y in [*planned, *used] if f == financier.pk})
        for year in years:
            b, u = planned.get((financier.pk, year), 0), used.get((financier.pk, year), 0)
            rows.append(
                {
                    "financier": financier,
                    "year": year,
                    "budget": b,
                    "used": u,
                    "left": b - u,
                    "share": round(100 * u / b) if b else None,
                }
            )
        if not years:
            rows.append({"financier": financier, "year": None})
    return rows


FORMS = {
    "financier": forms.FinancierForm,
    "budget": forms.BudgetForm,
    "booking": forms.BookingForm,
    "goal": forms.GoalForm,
    "activity": forms.StructuralActivityForm,
}


@federation_view(Perm.VIEW_AGGREGATES)
def intervention_detail(request, code: str):
    intervention = get_object_or_404(
        Intervention.objects.select_related("hub", "owner_authority"), code=code
    )
    membership = request.membership
    manage = services.can_manage(membership, intervention)
    action = request.POST.get("action") if request.method == "POST" else None
    if action and not manage:
        messages.error(request, "Du leder inte den här insatsen.")
        return redirect("interventions:detail", request.federation.slug, intervention.code)

    def build(name):
        cls = FORMS[name]
        kwargs = {} if name in ("financier", "activity") else {"intervention": intervention}
        return cls(request.POST if action == name else None, **kwargs)

    bound = {name: build(name) for name in FORMS}
    if action == "goal_delete":
        goal = get_object_or_404(ResultGoal, pk=request.POST.get("goal"), intervention=intervention)
        services.goal_delete(actor=request.user, membership=membership, goal=goal)
        messages.success(request, "Målet är borttaget.")
        return redirect("interventions:detail", request.federation.slug, intervention.code)
    if action in FORMS and bound[action].is_valid():
        data = bound[action].cleaned_data
        common = {"actor": request.user, "membership": membership}
        try:
            if action == "financier":
                services.financier_create(intervention=intervention, **common, **data)
            elif action == "budget":
                services.budget_set(**common, **data)
            elif action == "booking":
                services.outcome_book(**common, **data)
            elif action == "goal":
                services.goal_create(intervention=intervention, **common, **data)
            else:
                services.structural_activity_create(intervention=intervention, **common, **data)
        except ValidationError as exc:
            apply_errors(bound[action], exc)
        else:
            messages.success(request, "Sparat.")
            return redirect("interventions:detail", request.federation.slug, intervention.code)

    filters = ReportFilters(interventions=(intervention,))
    hide = access.must_hide_small_cells(membership, filters, asked=False)
    return render(
        request,
        "interventions/detail.html",
        {
            "intervention": intervention,
            "manage": manage,
            "forms": bound,
            "open_form": action,
            "budget_rows": _budget_rows(intervention),
            "bookings": OutcomeBooking.objects.filter(
                financier__intervention=intervention
            ).select_related("financier")[:10],
            "statuses": goal_statuses(filters, as_of=timezone.localdate()),
            "goals": intervention.goals.all(),
            "hide_goals_below": int(request.federation.setting("small_cell_threshold"))
            if hide
            else 0,
            "activities": intervention.structural_activities.all()[:20],
            "rules": [describe_rule(r) for r in intervention.eligibility_rules or []],
        },
    )


def _save_intervention(request, form, intervention=None):
    """Create or update from the form; the service's errors land on the form's fields."""
    try:
        if intervention is None:
            return services.intervention_create(
                actor=request.user, membership=request.membership, **form.fields_for_service()
            )
        return services.intervention_update(
            actor=request.user,
            membership=request.membership,
            intervention=intervention,
            changes=form.fields_for_service(),
        )
    except ValidationError as exc:
        if hasattr(exc, "error_dict") and "eligibility_rules" in exc.error_dict:
            exc = ValidationError(
                {
                    (k if k != "eligibility_rules" else "age_min"): v
                    for k, v in exc.message_dict.items()
                }
            )
        apply_errors(form, exc)
        return None


@federation_view(Perm.MANAGE_INTERVENTIONS)
def intervention_new(request):
    form = forms.InterventionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        intervention = _save_intervention(request, form)
        if intervention is not None:
            from stegvis.knowledge.checklist import checklist_url

            messages.success(
                request,
                f"Insatsen {intervention.code} är skapad. Gå igenom startlistan innan den startar.",
            )
            return redirect(checklist_url(intervention))
    return render(request, "interventions/form.html", {"form": form, "intervention": None})


@federation_view(Perm.MANAGE_INTERVENTIONS)
def intervention_edit(request, code: str):
    intervention = get_object_or_404(Intervention, code=code)
    services.require_manage(request.membership, intervention)
    form = forms.InterventionForm(request.POST or None, instance=intervention)
    close_form = forms.CloseForm(request.POST if "stang-closed_on" in request.POST else None)
    if request.method == "POST" and close_form.is_bound:
        if close_form.is_valid():
            try:
                services.intervention_close(
                    actor=request.user,
                    membership=request.membership,
                    intervention=intervention,
                    **close_form.cleaned_data,
                )
            except ValidationError as exc:
                apply_errors(close_form, exc)
            else:
                messages.success(request, f"Insatsen {intervention.code} är stängd.")
                return redirect("interventions:detail", request.federation.slug, intervention.code)
        form = forms.InterventionForm(instance=intervention)
    elif request.method == "POST" and form.is_valid():
        saved = _save_intervention(request, form, intervention)
        if saved is not None:
            messages.success(request, "Insatsen är sparad.")
            return redirect("interventions:detail", request.federation.slug, saved.code)
    return render(
        request,
        "interventions/form.html",
        {"form": form, "intervention": intervention, "close_form": close_form},
    )

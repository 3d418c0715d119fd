from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from stegvis.core.access import federation_view
from stegvis.core.forms import apply_errors
from stegvis.core.roles import Perm
from stegvis.interventions.models import Intervention
from stegvis.interventions.services import can_manage
from stegvis.knowledge import checklist as rules
from stegvis.knowledge import forms, results, selectors, services, steering
from stegvis.knowledge.models import GoodExample, Method, MethodPublication
from stegvis.reports import access
from stegvis.reports.filters import ReportFilters


def _hide(request, filters: ReportFilters) -> int:
    """The small-cell threshold when the member must not see exact counts, else 0."""
    if access.must_hide_small_cells(request.membership, filters, asked=False):
        return int(request.federation.setting("small_cell_threshold"))
    return 0


def _count(value: int, hide_below: int):
    return f"<{hide_below}" if hide_below and 0 < value < hide_below else value


def shown(result: results.MethodResult, hide_below: int, threshold: int) -> dict:
    """A method's figures as a page shows them: small counts hidden for those who may not
    see them, and no share or interval from fewer exits than the threshold."""
    enough = result.exits >= threshold
    # A share would give away a count of exits to work or studies that is hidden.
    share_shown = enough and not (hide_below and 0 < result.work_or_studies < hide_below)

    def figure(fig):
        if fig is None or (fig.unit != "mål" and fig.people < threshold):
            return None
        return fig

    return {
        "result": result,
        "method": result.method,
        "participants": _count(result.participants, hide_below),
        "exits": _count(result.exits, hide_below),
        "work": _count(result.work_or_studies, hide_below) if enough else None,
        "share": result.share if share_shown else None,
        "low": result.low if share_shown else None,
        "high": result.high if share_shown else None,
        "span": round(result.high - result.low, 1)
        if share_shown and result.low is not None
        else None,
        "progress": figure(result.progress),
        "goals": result.goals,
        "extra": [(s.label, figure(result.extra.get(s.key))) for s in results.RESULT_SOURCES],
    }


@federation_view(Perm.VIEW_AGGREGATES)
def method_list(request):
    filters = ReportFilters()
    threshold = int(request.federation.setting("small_cell_threshold"))
    hide_below = _hide(request, filters)
    ranked = results.ranked_results(filters)
    rows = [shown(r, hide_below, threshold) for r in ranked]
    elsewhere = selectors.published_elsewhere()
    return render(
        request,
        "knowledge/method_list.html",
        {
            "rows": rows,
            "ranked": [row for row in rows if row["result"].ranked],
            "unranked": [row for row in rows if not row["result"].ranked],
            "sources": results.RESULT_SOURCES,
            "threshold": threshold,
            "rank_minimum": max(results.RANK_MINIMUM, threshold),
            "hide_below": hide_below,
            "elsewhere": elsewhere,
            "can_create": request.membership.has_perm(Perm.MANAGE_INTERVENTIONS),
        },
    )


@federation_view(Perm.MANAGE_INTERVENTIONS)
def method_create(request):
    form = forms.MethodForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            method = services.method_save(
                actor=request.user, membership=request.membership, **form.cleaned_data
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Metoden är tillagd.")
            return redirect("knowledge:method", request.federation.slug, method.code)
    return render(request, "knowledge/method_form.html", {"form": form, "method": None})


@federation_view(Perm.VIEW_AGGREGATES)
def method_detail(request, code: str):
    method = get_object_or_404(Method, code=code)
    membership = request.membership
    action = request.POST.get("action") if request.method == "POST" else None
    edit_form = forms.MethodForm(
        request.POST if action == "edit" else None,
        initial={k: getattr(method, k) for k in ("code", *services.METHOD_FIELDS)},
    )
    activities_form = forms.MethodActivitiesForm(
        request.POST if action == "activities" else None,
        initial={"activities": list(method.activities.all())},
    )
    invalid = (action == "edit" and not edit_form.is_valid()) or (
        action == "activities" and not activities_form.is_valid()
    )
    if action and not invalid:
        try:
            if action == "publish":
                services.method_publish(actor=request.user, membership=membership, method=method)
                messages.success(
                    request, "Resultaten är publicerade. Andra förbund ser dem nu, utan små tal."
                )
            elif action == "withdraw":
                services.method_withdraw(actor=request.user, membership=membership, method=method)
                messages.success(request, "Publiceringen är återkallad.")
            elif action == "edit" and edit_form.is_valid():
                method = services.method_save(
                    actor=request.user,
                    membership=membership,
                    method=method,
                    **edit_form.cleaned_data,
                )
                messages.success(request, "Metoden är sparad.")
            elif action == "activities":
                services.method_activities_set(
                    actor=request.user,
                    membership=membership,
                    method=method,
                    activities=activities_form.cleaned_data["activities"],
                )
                messages.success(request, "Metodens aktiviteter är sparade.")
            else:
                raise Http404("Okänd åtgärd.")
        except ValidationError as exc:
            if action == "edit":
                apply_errors(edit_form, exc)
            else:
                messages.error(request, " ".join(exc.messages))
        else:
            return redirect("knowledge:method", request.federation.slug, method.code)
    filters = ReportFilters()
    threshold = int(request.federation.setting("small_cell_threshold"))
    (result,) = results.method_results(filters, methods=[method])
    return render(
        request,
        "knowledge/method_detail.html",
        {
            "method": method,
            "row": shown(result, _hide(request, filters), threshold),
            "activities": method.activities.order_by("title")[:30],
            "publication": MethodPublication.objects.filter(
                method=method, withdrawn_at__isnull=True
            ).first(),
            "history": MethodPublication.objects.filter(method=method)[:10],
            "elsewhere": selectors.published_elsewhere(codes=[method.code]),
            "can_publish": membership.has_perm(Perm.MANAGE_FEDERATION),
            "can_edit": membership.has_perm(Perm.MANAGE_INTERVENTIONS),
            "can_link_activities": membership.has_perm(Perm.MANAGE_ACTIVITIES)
            or membership.has_perm(Perm.MANAGE_INTERVENTIONS),
            "activities_form": activities_form,
            "edit_form": edit_form,
            "open_form": action,
            "threshold": threshold,
        },
    )


def _intervention(code: str) -> Intervention:
    return get_object_or_404(
        Intervention.objects.select_related("hub", "owner_authority"), code=code
    )


@federation_view(Perm.VIEW_AGGREGATES)
def checklist(request, code: str):
    intervention = _intervention(code)
    membership = request.membership
    manage = can_manage(membership, intervention)
    current = services.checklist_for(intervention)
    action = request.POST.get("action") if request.method == "POST" else None
    if action and not manage:
        messages.error(request, "Du leder inte den här insatsen.")
        return redirect("knowledge:checklist", request.federation.slug, intervention.code)
    initial = {"target_group": intervention.target_group}
    initial.update({k: getattr(current, k) for k in services.CHECKLIST_FIELDS})
    form = forms.ChecklistForm(request.POST if action == "save" else None, initial=initial)
    start_form = forms.StartForm(request.POST if action == "start" else None)
    common = {"actor": request.user, "membership": membership, "intervention": intervention}
    if action == "save" and form.is_valid():
        services.checklist_save(**common, **form.cleaned_data)
        messages.success(request, "Startlistan är sparad.")
        return redirect("knowledge:checklist", request.federation.slug, intervention.code)
    if action == "start" and start_form.is_valid():
        try:
            services.intervention_start(**common, reason=start_form.cleaned_data["reason"])
        except ValidationError as exc:
            apply_errors(start_form, exc)
        else:
            messages.success(request, "Insatsen är markerad som startad.")
            return redirect("knowledge:checklist", request.federation.slug, intervention.code)
    items = rules.items(intervention, current)
    return render(
        request,
        "knowledge/checklist.html",
        {
            "intervention": intervention,
            "checklist": current,
            "items": items,
            "open_items": [i for i in items if not i.done],
            "blocking": rules.blocking_items(intervention, current),
            "manage": manage,
            "form": form,
            "start_form": start_form,
            "open_form": action,
        },
    )


@federation_view(Perm.VIEW_AGGREGATES)
def intervention_methods(request, code: str):
    intervention = _intervention(code)
    if not can_manage(request.membership, intervention):
        raise Http404("Sidan finns inte.")
    form = forms.InterventionMethodsForm(
        request.POST or None, initial={"methods": list(intervention.methods.all())}
    )
    if request.method == "POST" and form.is_valid():
        services.intervention_methods_set(
            actor=request.user,
            membership=request.membership,
            intervention=intervention,
            methods=form.cleaned_data["methods"],
        )
        messages.success(request, "Insatsens metoder är sparade.")
        return redirect("interventions:detail", request.federation.slug, intervention.code)
    return render(
        request, "knowledge/intervention_methods.html", {"intervention": intervention, "form": form}
    )


@federation_view(Perm.VIEW_AGGREGATES)
def good_example_list(request):
    examples = GoodExample.objects.select_related("intervention").order_by("intervention__code")
    return render(request, "knowledge/good_example_list.html", {"examples": examples})


@federation_view(Perm.VIEW_AGGREGATES)
def good_example(request, code: str):
    intervention = _intervention(code)
    manage = can_manage(request.membership, intervention)
    example = GoodExample.objects.filter(intervention=intervention).first()
    action = request.POST.get("action") if request.method == "POST" else None
    if action and not manage:
        messages.error(request, "Du leder inte den här insatsen.")
        return redirect("knowledge:good_example", request.federation.slug, intervention.code)
    form = forms.GoodExampleForm(
        request.POST if action == "mark" else None,
        initial={"text": example.text if example else ""},
    )
    common = {"actor": request.user, "membership": request.membership, "intervention": intervention}
    if action == "mark" and form.is_valid():
        try:
            services.good_example_mark(**common, text=form.cleaned_data["text"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Insatsen visas som gott exempel.")
            return redirect("knowledge:good_example", request.federation.slug, intervention.code)
    if action == "unmark":
        services.good_example_unmark(**common)
        messages.success(request, "Insatsen är inte längre markerad som gott exempel.")
        return redirect("knowledge:good_example", request.federation.slug, intervention.code)
    if example is None and not manage:
        raise Http404("Insatsen är inte markerad som gott exempel.")
    filters = ReportFilters(interventions=(intervention,))
    hide_below = _hide(request, filters)
    threshold = int(request.federation.setting("small_cell_threshold"))
    figures = steering.intervention_figures(intervention, as_of=timezone.localdate())
    return render(
        request,
        "knowledge/good_example.html",
        {
            "intervention": intervention,
            "example": example,
            "manage": manage,
            "form": form,
            "methods": intervention.methods.order_by("name"),
            "figures": steering.shown_figures(figures, hide_below, threshold),
            "hide_below": hide_below,
        },
    )


@federation_view(Perm.VIEW_AGGREGATES)
def steering_dashboard(request):
    filters = ReportFilters()
    hide_below = int(request.federation.setting("small_cell_threshold"))
    threshold = hide_below
    # The board's page is material that is shown and sent on: small counts are always hidden.
    ranked = results.ranked_results(filters)
    context = steering.dashboard(as_of=timezone.localdate(), hide_below=hide_below)
    context["methods"] = [shown(r, hide_below, threshold) for r in ranked if r.ranked][:5]
    context["threshold"] = threshold
    return render(request, "knowledge/steering.html", context)

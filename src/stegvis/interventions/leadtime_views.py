"""The lead-time page: the report, the federation's target and the cases that breach it.

The breaching cases show who the person is only to those who may see them (the intervention
is in their scope); everyone else sees the intervention and the dates."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from stegvis.core.access import federation_view
from stegvis.core.models import Membership
from stegvis.core.roles import Perm
from stegvis.interventions import services
from stegvis.interventions.models import Intervention
from stegvis.participants.access import can_see_personal_data, intervention_ids_in_scope
from stegvis.participants.selectors import log_listed
from stegvis.reports import access, leadtimes
from stegvis.reports.definitions import compute_report
from stegvis.reports.filters import ReportFilters


class TargetForm(forms.Form):
    days = forms.IntegerField(label="Beslut inom (dagar)", min_value=1, max_value=365)


def scope_filters(membership: Membership) -> ReportFilters:
    """The interventions a member follows: his own when he has any, else the federation's."""
    if membership.has_perm(Perm.MANAGE_FEDERATION):
        return ReportFilters()
    own = tuple(membership.interventions.all())
    return ReportFilters(interventions=own) if own else ReportFilters()


def sees_people(membership: Membership) -> bool:
    return can_see_personal_data(membership)


@federation_view(Perm.VIEW_AGGREGATES)
def lead_times(request):
    membership = request.membership
    filters = scope_filters(membership)
    code = request.GET.get("insats")
    if code:
        filters = ReportFilters(interventions=(get_object_or_404(Intervention, code=code),))
    today = timezone.localdate()
    hide = access.must_hide_small_cells(membership, filters, asked=False)
    report = compute_report("lead-times", filters, external=hide, as_of=today)
    late = leadtimes.breaches(filters, as_of=today)
    visible = intervention_ids_in_scope(membership) if sees_people(membership) else frozenset()
    shown = [r.participant for r in late if r.intervention_id in visible]
    if shown:
        log_listed(membership=membership, participants=shown, reason="ledtider")
    return render(
        request,
        "interventions/lead_times.html",
        {
            "report": report,
            "late": late,
            "visible": visible,
            "target": leadtimes.target_days(),
            "target_form": TargetForm(initial={"days": leadtimes.target_days()})
            if membership.has_perm(Perm.MANAGE_FEDERATION)
            else None,
            "interventions": Intervention.objects.filter(kind="individual").order_by("code"),
            "code": code or "",
        },
    )


@federation_view(Perm.MANAGE_FEDERATION)
@require_POST
def lead_time_target(request):
    form = TargetForm(request.POST)
    if form.is_valid():
        try:
            services.lead_time_target_set(
                actor=request.user, federation=request.federation, days=form.cleaned_data["days"]
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, "Målet för ledtiden är sparat.")
    else:
        messages.error(request, "Ange antal dagar, 1–365.")
    return redirect("interventions:lead_times", request.federation.slug)

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from stegvis.core import audit
from stegvis.core.access import federation_view
from stegvis.core.roles import Perm
from stegvis.matching import forms, selectors, services
from stegvis.participants.access import can_see_personal_data, intervention_ids_in_scope


def _require_run(membership) -> None:
    if not selectors.may_run(membership):
        raise PermissionDenied("Din roll kan inte köra matchning.")


@federation_view(Perm.RUN_MATCHING)
def run(request):
    """Run a proposal and decide on it: "why this person here" for each proposal."""
    membership = request.membership
    _require_run(membership)
    form = forms.RunForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        match_run = services.run_create(
            actor=request.user, membership=membership, hub=form.cleaned_data["hub"]
        )
        messages.success(
            request,
            f"{match_run.proposals.count()} förslag för {match_run.participant_count} deltagare "
            f"i {match_run.activity_count} aktiviteter.",
        )
        return redirect("matching:run", request.federation.slug)
    latest = selectors.latest_run(membership)
    proposals = list(selectors.run_proposals(latest, membership)) if latest else []
    show_names = can_see_personal_data(membership)
    in_scope = intervention_ids_in_scope(membership) if show_names else set()
    shown = []
    for proposal in proposals:
        proposal.visible = proposal.enrolment.intervention_id in in_scope
        if proposal.visible:
            shown.append(proposal.enrolment.participant)
    audit.log_reads(actor=request.user, objects=shown, reason="matchningsförslag")
    open_ids = [a.pk for a, _free in selectors.open_activities(today=timezone.localdate())]
    if show_names:
        choices = forms.open_activity_queryset(open_ids)
        for proposal in proposals:
            if proposal.visible and proposal.status == "proposed" and proposal.activity_id:
                proposal.override_form = forms.OverrideForm(
                    prefix=f"p{proposal.pk}", activities=choices
                )
    waiting = selectors.waiting_enrolments(
        today=timezone.localdate(), intervention_ids=selectors.scope_ids(membership)
    ).count()
    return render(
        request,
        "matching/run.html",
        {
            "form": form,
            "run": latest,
            "outcome": selectors.run_outcome(latest) if latest else [],
            "proposals": proposals,
            "can_decide": show_names,
            "waiting": waiting,
            "open_count": len(open_ids),
        },
    )


@federation_view(Perm.RUN_MATCHING)
@require_POST
def decide(request, pk: int):
    membership = request.membership
    proposal = selectors.proposal_get(membership=membership, pk=pk)
    action = request.POST.get("action")
    try:
        if action == "accept":
            services.proposal_accept(actor=request.user, membership=membership, proposal=proposal)
            messages.success(
                request,
                {
                    "placement": f"Bokad på {proposal.target_title}.",
                    "mentor": f"Ihopparad med {proposal.target_title}.",
                }.get(proposal.kind, f"Platsen i {proposal.target_title} är skapad."),
            )
        elif action == "reject":
            services.proposal_reject(
                actor=request.user,
                membership=membership,
                proposal=proposal,
                note=request.POST.get("note", "")[:300],
            )
            messages.success(request, "Förslaget är avböjt.")
        elif action == "override":
            open_ids = [a.pk for a, _f in selectors.open_activities(today=timezone.localdate())]
            form = forms.OverrideForm(
                request.POST,
                prefix=f"p{proposal.pk}",
                activities=forms.open_activity_queryset(open_ids),
            )
            if not form.is_valid():
                raise ValidationError("Välj en aktivitet med lediga platser.")
            services.proposal_override(
                actor=request.user,
                membership=membership,
                proposal=proposal,
                activity=form.cleaned_data["activity"],
                note=form.cleaned_data["note"],
            )
            messages.success(
                request, f"Placerad i {form.cleaned_data['activity'].title} i stället."
            )
        else:
            raise ValidationError("Okänt beslut.")
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return redirect(f"{request.path.rsplit('/forslag/', 1)[0]}/#p{proposal.pk}")

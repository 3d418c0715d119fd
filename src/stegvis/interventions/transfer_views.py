"""Transfer between interventions: propose, answer, warm hand-over, and the list of people
between two steps."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone

from stegvis.core.access import federation_view
from stegvis.core.forms import apply_errors
from stegvis.interventions import forms, referrals, transfers
from stegvis.participants import selectors
from stegvis.participants.access import intervention_ids_in_scope, require_personal_data


@federation_view()
def transfer_index(request):
    membership = request.membership
    require_personal_data(membership)
    today = timezone.localdate()
    between = transfers.between_steps(membership=membership)
    without = transfers.without_step(membership=membership, today=today)
    selectors.log_listed(
        membership=membership,
        participants=[t.participant for t in between] + without,
        reason="överlämningar",
    )
    return render(
        request,
        "interventions/transfers.html",
        {"between": between, "without": without, "today": today},
    )


@federation_view()
def transfer_new(request, enrolment_pk: int):
    membership = request.membership
    enrolment = selectors.enrolment_get(membership=membership, pk=enrolment_pk)
    form = forms.TransferForm(
        request.POST or None,
        enrolment=enrolment,
        interventions=referrals.open_interventions(),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            transfer = transfers.transfer_propose(
                actor=request.user,
                membership=membership,
                enrolment=enrolment,
                to_intervention=data["to_intervention"],
                reason=data["reason"],
                proposed_on=data["proposed_on"],
                planned_start=data["planned_start"],
                receiving_contact=data["receiving_contact"],
                consent_method=data["consent_method"],
                consent_given_on=data["consent_given_on"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request, "Överlämningen är skickad. Personen har kvar sin kontakt här till starten."
            )
            return redirect("interventions:transfer_detail", request.federation.slug, transfer.pk)
    return render(
        request, "interventions/transfer_new.html", {"form": form, "enrolment": enrolment}
    )


@federation_view()
def transfer_detail(request, pk: int):
    membership = request.membership
    transfer = transfers.transfer_get(membership=membership, pk=pk)
    ids = intervention_ids_in_scope(membership)
    receiver = transfer.to_intervention_id in ids
    action = request.POST.get("action") if request.method == "POST" else None
    accept_form = forms.TransferAcceptForm(
        request.POST if action == "accept" else None,
        intervention=transfer.to_intervention,
        initial={
            "start_date": transfer.planned_start or timezone.localdate(),
            "receiving_contact": transfer.receiving_contact_id,
        },
    )
    decline_form = forms.TransferDeclineForm(request.POST if action == "decline" else None)
    meeting_form = forms.TransferMeetingForm(request.POST if action == "meeting" else None)
    bound = {"accept": accept_form, "decline": decline_form, "meeting": meeting_form}
    common = {"actor": request.user, "membership": membership, "transfer": transfer}
    if request.method == "POST":
        done = ""
        try:
            if action == "accept" and receiver and accept_form.is_valid():
                transfers.transfer_accept(**common, **accept_form.cleaned_data)
                done = "Överlämningen är mottagen."
            elif action == "decline" and receiver and decline_form.is_valid():
                transfers.transfer_decline(**common, reason=decline_form.cleaned_data["reason"])
                done = "Överlämningen är avböjd. Personen stannar i sitt steg."
            elif action == "meeting" and meeting_form.is_valid():
                transfers.transfer_meeting_book(**common, **meeting_form.cleaned_data)
                done = "Överlämningsmötet är registrerat."
            elif action == "complete":
                transfers.transfer_complete(**common)
                done = "Det tidigare steget är avslutat."
        except ValidationError as exc:
            if action in bound:
                apply_errors(bound[action], exc)
            else:
                messages.error(request, " ".join(exc.messages))
                return redirect("interventions:transfer_detail", request.federation.slug, pk)
        if done:
            messages.success(request, done)
            return redirect("interventions:transfer_detail", request.federation.slug, pk)
    return render(
        request,
        "interventions/transfer_detail.html",
        {
            "transfer": transfer,
            "receiver": receiver,
            "forms": bound,
            "open_form": action,
            "today": timezone.localdate(),
        },
    )

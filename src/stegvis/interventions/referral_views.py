"""The referrer's own pages: "Mina anvisningar" and a new referral."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render

from stegvis.core.access import federation_view
from stegvis.core.forms import apply_errors
from stegvis.core.roles import Perm
from stegvis.interventions import forms, referrals
from stegvis.participants.eligibility import describe_rule


@federation_view(Perm.REFER_PARTICIPANTS)
def sent_list(request):
    membership = request.membership
    page = Paginator(referrals.sent_referrals(membership=membership), 40).get_page(
        request.GET.get("sida")
    )
    referrals.log_sent(membership=membership, referrals=page)
    return render(request, "interventions/sent_list.html", {"page": page})


@federation_view(Perm.REFER_PARTICIPANTS)
def sent_new(request):
    membership = request.membership
    interventions = referrals.open_interventions()
    form = forms.SentReferralForm(
        request.POST or None,
        interventions=interventions,
        initial={"intervention": request.GET.get("insats")},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            referral = referrals.referral_send(
                actor=request.user,
                membership=membership,
                intervention=data["intervention"],
                person=referrals.SentPerson(
                    personal_number=data["personal_number"],
                    first_name=data["first_name"],
                    last_name=data["last_name"],
                    municipality=data["municipality"],
                    born_abroad=data["born_abroad"],
                ),
                consent_method=data["consent_method"],
                consent_given_on=data["consent_given_on"],
                reason=data["reason"],
                referred_on=data["referred_on"],
                planned_start=data["planned_start"],
                unemployed=data["unemployed"],
                income_months=form.income_months(),
                notes=data["notes"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Anvisningen är skickad till insatsen.")
            return redirect("interventions:sent_detail", request.federation.slug, referral.pk)
    catalogue = [
        {
            "intervention": i,
            "rules": [describe_rule(r) for r in i.eligibility_rules or []],
        }
        for i in interventions
    ]
    return render(request, "interventions/sent_new.html", {"form": form, "catalogue": catalogue})


@federation_view(Perm.REFER_PARTICIPANTS)
def sent_detail(request, pk: int):
    referral = referrals.sent_referral_get(membership=request.membership, pk=pk)
    return render(request, "interventions/sent_detail.html", {"referral": referral})

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from stegvis.core import audit
from stegvis.core.access import federation_view
from stegvis.core.forms import apply_errors
from stegvis.core.paging import page_number, page_of
from stegvis.core.roles import Perm
from stegvis.participants import forms, selectors, services
from stegvis.participants.access import interventions_in_scope, require_personal_data
from stegvis.participants.eligibility import describe_rule
from stegvis.participants.extract import build_extract, extract_pdf
from stegvis.participants.models import Referral

CASELOAD_PAGE = 40  # rows per page of "Mina deltagare"


def _individual_interventions(membership):
    return interventions_in_scope(membership).filter(kind="individual").order_by("code")


@federation_view()
def caseload(request):
    membership = request.membership
    require_personal_data(membership)
    form = forms.CaseloadFilterForm(
        request.GET or None, interventions=_individual_interventions(membership)
    )
    data = form.cleaned_data if form.is_valid() else {}
    filters = selectors.CaseloadFilters(
        intervention_id=data["intervention"].pk if data.get("intervention") else None,
        status=data.get("status") or "active",
        mine=(data.get("mine") or "me") == "me",
        query=data.get("q", ""),
    )
    number = page_number(request.GET.get("sida"))
    reading = number * CASELOAD_PAGE + 1  # the page, the ones before it and one row more
    enrolments = selectors.caseload(membership=membership, filters=filters, reading=reading)
    page = page_of(enrolments, number, per_page=CASELOAD_PAGE)
    selectors.log_listed(
        membership=membership, participants=[e.participant for e in page], reason="mina deltagare"
    )
    pending = list(selectors.pending_referrals(membership=membership)[:20])
    selectors.log_listed(
        membership=membership, participants=[r.participant for r in pending], reason="anvisningar"
    )
    context = {"form": form, "page": page, "pending": pending, "filters": filters}
    if request.headers.get("HX-Request"):
        return render(request, "participants/_caseload_rows.html", context)
    return render(request, "participants/caseload.html", context)


@federation_view(Perm.REGISTER_PARTICIPANTS)
def register(request):
    membership = request.membership
    interventions = _individual_interventions(membership)
    form = forms.RegisterForm(
        request.POST or None,
        interventions=interventions,
        initial={"intervention": request.GET.get("insats")},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        details = services.PersonDetails(
            gender=data["gender"],
            birth_year=data.get("birth_year"),
            municipality=data["municipality"],
            personal_number="" if form.anonymous else data["personal_number"],
            first_name=data["first_name"],
            last_name=data["last_name"],
            born_abroad=data["born_abroad"],
            country_of_birth=data["country_of_birth"],
            arrival_year=data["arrival_year"],
            languages=[s.strip() for s in data["languages"].split(",") if s.strip()],
            interpreter_needed=data["interpreter_needed"],
            interpreter_language=data["interpreter_language"],
            education_level=data["education_level"],
            phone=data["phone"],
            email=data["email"],
            address=data["address"],
            protected_identity=data["protected_identity"],
        )
        consent = None
        if not form.anonymous:
            consent = services.ConsentDetails(
                scope=data["consent_scope"],
                method=data["consent_method"],
                given_on=data["consent_date"],
                language=data["consent_language"] or "sv",
                witnessed_by=data["witnessed_by"],
            )
        try:
            participant, created = services.participant_register(
                actor=request.user,
                membership=membership,
                intervention=data["intervention"],
                details=details,
                consent=consent,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            if not created:
                messages.info(
                    request,
                    "Personen fanns redan i stegvis och har kopplats ihop "
                    "med den befintliga uppgiften (samma personnummer).",
                )
            return redirect(
                "participants:referral_new",
                request.federation.slug,
                participant.pk,
                data["intervention"].pk,
            )
    return render(request, "participants/register.html", {"form": form, "step": 1})


@federation_view(Perm.REGISTER_PARTICIPANTS)
def referral_new(request, pk: int, intervention_pk: int):
    membership = request.membership
    participant = selectors.participant_get(membership=membership, pk=pk, reason="anvisning")
    intervention = get_object_or_404(interventions_in_scope(membership), pk=intervention_pk)
    form = forms.ReferralForm(
        request.POST or None, initial={"referring_authority": membership.authority_id}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            referral = services.referral_create(
                actor=request.user,
                membership=membership,
                participant=participant,
                intervention=intervention,
                reason=data["reason"],
                referred_on=data["referred_on"],
                planned_start=data["planned_start"],
                referring_authority=data["referring_authority"],
                unemployed=data["unemployed"],
                income_months=form.income_months(),
                notes=data["notes"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return redirect("participants:referral_detail", request.federation.slug, referral.pk)
    rules = [describe_rule(r) for r in intervention.eligibility_rules]
    return render(
        request,
        "participants/referral_new.html",
        {
            "form": form,
            "participant": participant,
            "intervention": intervention,
            "rules": rules,
            "step": 2,
        },
    )


@federation_view(Perm.REGISTER_PARTICIPANTS)
def referral_detail(request, pk: int):
    membership = request.membership
    referral = selectors.referral_get(membership=membership, pk=pk)
    accept_form = forms.InRegistrationForm(
        request.POST if request.POST.get("decision") == "accept" else None,
        intervention=referral.intervention,
        initial={
            "start_date": referral.planned_start or timezone.localdate(),
            "main_contact": membership.pk,
            "education_level": referral.participant.education_level,
            "income_sources_before": [k for k, v in referral.income_months.items() if v],
        },
    )
    decline_form = forms.DeclineForm(
        request.POST if request.POST.get("decision") == "decline" else None
    )
    waitlist_form = forms.WaitlistForm(
        request.POST if request.POST.get("decision") == "waitlist" else None
    )
    if request.method == "POST":
        decision = request.POST.get("decision")
        try:
            if decision == "accept" and accept_form.is_valid():
                data = accept_form.cleaned_data
                enrolment = services.referral_accept(
                    actor=request.user,
                    membership=membership,
                    referral=referral,
                    start_date=data["start_date"],
                    main_contact=data["main_contact"],
                    income_sources_before=data["income_sources_before"],
                    af_code_before=data["af_code_before"],
                    education_level=data["education_level"],
                    time_outside=data["time_outside"],
                    decided_on=data["decided_on"],
                )
                messages.success(request, "Personen är inskriven.")
                return redirect(
                    "participants:detail", request.federation.slug, enrolment.participant_id
                )
            if decision == "waitlist" and waitlist_form.is_valid():
                services.referral_waitlist(
                    actor=request.user,
                    membership=membership,
                    referral=referral,
                    decided_on=waitlist_form.cleaned_data["decided_on"],
                )
                messages.success(
                    request, f"Satt på väntelistan som nummer {referral.waitlist_position}."
                )
                return redirect(
                    "participants:waitlist", request.federation.slug, referral.intervention_id
                )
            if decision == "decline" and decline_form.is_valid():
                services.referral_decline(
                    actor=request.user,
                    membership=membership,
                    referral=referral,
                    reason=decline_form.cleaned_data["decline_reason"],
                    decided_on=decline_form.cleaned_data["decided_on"],
                )
                messages.success(request, "Anvisningen är avböjd.")
                return redirect(
                    "participants:detail", request.federation.slug, referral.participant_id
                )
        except ValidationError as exc:
            forms_by_decision = {"accept": accept_form, "waitlist": waitlist_form}
            apply_errors(forms_by_decision.get(decision, decline_form), exc)
    return render(
        request,
        "participants/referral_detail.html",
        {
            "referral": referral,
            "participant": referral.participant,
            "accept_form": accept_form,
            "decline_form": decline_form,
            "waitlist_form": waitlist_form,
            "step": 3,
            "open": referral.status in (Referral.Status.PENDING, Referral.Status.WAITLISTED),
            "needs_consent": _needs_consent(referral),
        },
    )


def _needs_consent(referral) -> bool:
    from stegvis.participants.access import ConsentRequired, require_active_consent

    try:
        require_active_consent(referral.participant, referral.intervention)
    except ConsentRequired:
        return True
    return False


@federation_view()
def detail(request, pk: int):
    """The person's page: an overview, one tab per app (plan, assessment, hand-over, surveys)
    and the timeline. Each tab reads only what it shows, so opening the person costs the
    overview alone (``?flik=`` picks a tab; an unknown one shows the overview)."""
    membership = request.membership
    tabs = selectors.participant_tabs()
    titles = dict(tabs)
    tab = request.GET.get("flik", "")
    if tab not in titles:
        tab = ""
    reason = f"deltagarsida, {titles[tab].lower()}" if tab else "deltagarsida"
    participant = selectors.participant_get(membership=membership, pk=pk, reason=reason)
    context = {
        "participant": participant,
        "tabs": tabs,
        "tab": tab,
        "timeline_tab": selectors.TIMELINE_TAB,
    }
    if tab == selectors.TIMELINE_TAB:
        context["timeline"] = selectors.timeline(participant, membership)
    elif tab:
        context["section"] = selectors.participant_section(participant, membership, tab)
    else:
        corrections = selectors.corrections_of(participant, membership)
        proposed = any(c.status == c.Status.PROPOSED for c in corrections)
        context.update(
            enrolments=selectors.enrolments_of(participant, membership),
            consents=selectors.visible_consents(participant, membership),
            referrals=selectors.visible_referrals(participant, membership),
            missing_consent=selectors.interventions_missing_consent(participant, membership),
            corrections=corrections,
            is_main_contact=proposed and selectors.is_main_contact(participant, membership),
            withdraw_form=forms.WithdrawConsentForm(),
        )
    return render(request, "participants/detail.html", context)


@federation_view()
@require_POST
def consent_withdraw(request, pk: int):
    membership = request.membership
    consent = selectors.consent_get(membership=membership, pk=pk)
    form = forms.WithdrawConsentForm(request.POST)
    if form.is_valid():
        try:
            participant = services.consent_withdraw(
                actor=request.user,
                consent=consent,
                withdrawn_on=form.cleaned_data["withdrawn_on"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                f"Samtycket för {consent.intervention.code} är återkallat från "
                f"{consent.withdrawn_on:%Y-%m-%d}. Pågående deltagande där har avslutats.",
            )
            if participant.pk not in set(
                selectors.participants_in_scope(membership).values_list("pk", flat=True)
            ):
                # Nothing left that this member may see of the person.
                return redirect("participants:caseload", request.federation.slug)
    else:
        messages.error(request, "Ange ett giltigt datum för återkallelsen.")
    return redirect("participants:detail", request.federation.slug, consent.participant_id)


@federation_view(Perm.REGISTER_PARTICIPANTS)
def consent_new(request, pk: int):
    """Record a consent on the spot; an anonymous record becomes named with it."""
    membership = request.membership
    participant = selectors.participant_get(membership=membership, pk=pk, reason="samtycke")
    form = forms.ConsentForm(
        request.POST or None,
        interventions=_individual_interventions(membership),
        named=not participant.is_anonymous,
        initial={"intervention": request.GET.get("insats")},
    )
    back = _safe_next(request)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.consent_record(
                actor=request.user,
                membership=membership,
                participant=participant,
                intervention=data["intervention"],
                details=services.ConsentDetails(
                    scope=data["scope"],
                    method=data["method"],
                    given_on=data["given_on"],
                    language=data["language"],
                    witnessed_by=data["witnessed_by"],
                ),
                personal_number=data.get("personal_number", ""),
                first_name=data.get("first_name", ""),
                last_name=data.get("last_name", ""),
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Samtycket är registrerat.")
            return redirect(back or _detail_url(request, participant.pk))
    return render(
        request,
        "participants/consent_new.html",
        {"form": form, "participant": participant, "next": back},
    )


def _detail_url(request, pk: int) -> str:
    from django.urls import reverse

    return reverse("participants:detail", args=[request.federation.slug, pk])


def _safe_next(request) -> str:
    """A same-federation path to return to, or ''."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    prefix = f"/f/{request.federation.slug}/"
    if target.startswith(prefix) and "//" not in target and "\\" not in target:
        return target
    return ""


@federation_view(Perm.REGISTER_PARTICIPANTS)
def correct(request, pk: int):
    """Rättelse (GDPR art. 16) of the person's details, with old and new values recorded."""
    membership = request.membership
    participant = selectors.participant_get(membership=membership, pk=pk, reason="rättelse")
    if participant.identity_masked:
        raise PermissionDenied("Bara huvudkontakten kan rätta en person med skyddad identitet.")
    fields = forms.CorrectionForm.base_fields
    initial = {n: getattr(participant, n) for n in fields if hasattr(participant, n)}
    form = forms.CorrectionForm(
        request.POST or None, initial=initial, anonymous=participant.is_anonymous
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        note = data.pop("note")
        changes = {k: v for k, v in data.items() if k in initial}
        try:
            correction = services.participant_correct(
                actor=request.user,
                membership=membership,
                participant=participant,
                changes=changes,
                note=note,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            if correction is None:
                messages.info(request, "Inget ändrades.")
            else:
                messages.success(request, "Uppgifterna är rättade. Rättelsen är loggad.")
            return redirect("participants:detail", request.federation.slug, participant.pk)
    return render(request, "participants/correct.html", {"form": form, "participant": participant})


@federation_view(Perm.REGISTER_PARTICIPANTS)
@require_POST
def correction_decide(request, pk: int):
    membership = request.membership
    correction = selectors.correction_get(membership=membership, pk=pk)
    apply = request.POST.get("decision") == "apply"
    try:
        services.correction_decide(
            actor=request.user, membership=membership, correction=correction, apply=apply
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, "Rättelsen är genomförd." if apply else "Förslaget till rättelse är avvisat."
        )
    return redirect("participants:detail", request.federation.slug, correction.participant_id)


@federation_view(Perm.REGISTER_PARTICIPANTS)
def waitlist_index(request):
    first = _individual_interventions(request.membership).first()
    if first is None:
        # An empty state, not an error: no intervention yet means nobody waits.
        return render(
            request,
            "participants/waitlist.html",
            {"intervention": None, "queue": [], "interventions": []},
        )
    return redirect("participants:waitlist", request.federation.slug, first.pk)


@federation_view()
def waitlist(request, intervention_pk: int):
    membership = request.membership
    intervention = get_object_or_404(interventions_in_scope(membership), pk=intervention_pk)
    if request.method == "POST":
        referral = get_object_or_404(
            Referral, pk=request.POST.get("referral"), intervention=intervention
        )
        steps = -1 if request.POST.get("move") == "up" else 1
        try:
            services.waitlist_move(
                actor=request.user, membership=membership, referral=referral, steps=steps
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect("participants:waitlist", request.federation.slug, intervention.pk)
    queue = list(selectors.waitlist(membership=membership, intervention=intervention))
    selectors.log_listed(
        membership=membership, participants=[r.participant for r in queue], reason="väntelista"
    )
    return render(
        request,
        "participants/waitlist.html",
        {
            "intervention": intervention,
            "queue": queue,
            "interventions": _individual_interventions(membership),
        },
    )


@federation_view()
def hand_over(request, pk: int):
    membership = request.membership
    enrolment = selectors.enrolment_get(membership=membership, pk=pk)
    form = forms.HandOverForm(
        request.POST or None, intervention=enrolment.intervention, current=enrolment.main_contact
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.enrolment_hand_over(
                actor=request.user,
                membership=membership,
                enrolment=enrolment,
                to_contact=form.cleaned_data["to_contact"],
                handed_over_on=form.cleaned_data["handed_over_on"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Huvudkontakten är bytt.")
            return redirect(
                "participants:detail", request.federation.slug, enrolment.participant_id
            )
    return render(request, "participants/hand_over.html", {"form": form, "enrolment": enrolment})


@federation_view()
def exit_enrolment(request, pk: int):
    membership = request.membership
    enrolment = selectors.enrolment_get(membership=membership, pk=pk)
    if enrolment.end_date is not None:
        return _exit_summary(request, enrolment)
    form = forms.ExitForm(request.POST or None, enrolment=enrolment)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.enrolment_exit(
                actor=request.user,
                membership=membership,
                enrolment=enrolment,
                end_date=data["end_date"],
                exit_reason=data["exit_reason"],
                income_sources_after=data["income_sources_after"],
                af_code_after=data["af_code_after"],
                note=data["note"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            count = enrolment.followups.count()
            messages.success(
                request,
                "Deltagandet är avslutat."
                + (f" {count} uppföljningar är planerade (6 och 12 månader)." if count else ""),
            )
            return redirect("participants:exit", request.federation.slug, enrolment.pk)
    return render(request, "participants/exit.html", {"form": form, "enrolment": enrolment})


def _exit_summary(request, enrolment):
    """An exited enrolment: its out-registration compared with intake, and its follow-ups."""
    from stegvis.core import reference

    k = reference.Kind
    income = reference.labels(k.INCOME_SOURCE)
    af = reference.labels(k.AF_CODE)
    excluded = reference.keys_with_flag(k.EXIT_REASON, "excluded_from_statistics")
    comparison = [
        (
            "Försörjning",
            ", ".join(income.get(x, x) for x in enrolment.income_sources_before) or "–",
            ", ".join(income.get(x, x) for x in enrolment.income_sources_after) or "–",
        ),
        (
            "Inskrivningskod hos AF",
            af.get(enrolment.af_code_before, enrolment.af_code_before) or "–",
            af.get(enrolment.af_code_after, enrolment.af_code_after) or "–",
        ),
    ]
    return render(
        request,
        "participants/exit_summary.html",
        {
            "enrolment": enrolment,
            "exit_reason_label": reference.labels(k.EXIT_REASON).get(
                enrolment.exit_reason, enrolment.exit_reason
            ),
            "comparison": comparison,
            "followups": enrolment.followups.all(),
            "is_error": enrolment.exit_reason in excluded,
            "today": timezone.localdate(),
        },
    )


@federation_view()
@require_POST
def mark_error(request, pk: int):
    membership = request.membership
    enrolment = selectors.enrolment_get(membership=membership, pk=pk)
    try:
        services.enrolment_mark_error(
            actor=request.user, membership=membership, enrolment=enrolment
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, "Deltagandet är markerat som felregistrering och räknas inte i statistiken."
        )
    return redirect("participants:exit", request.federation.slug, enrolment.pk)


@federation_view()
def followups(request):
    membership = request.membership
    require_personal_data(membership)
    form = forms.FollowUpFilterForm(request.GET or None)
    status = (form.cleaned_data.get("status") if form.is_valid() else "") or "due"
    today = timezone.localdate()
    items = selectors.followups_list(membership=membership, status=status, today=today)
    page = Paginator(items, 40).get_page(request.GET.get("sida"))
    selectors.log_listed(
        membership=membership,
        participants=[f.enrolment.participant for f in page],
        reason="uppföljningar",
    )
    return render(
        request,
        "participants/followups.html",
        {"form": form, "page": page, "status": status, "today": today},
    )


@federation_view()
def followup(request, pk: int):
    membership = request.membership
    item = selectors.followup_get(membership=membership, pk=pk)
    enrolment = item.enrolment
    initial = {"af_code": enrolment.af_code_after}
    if item.status != item.Status.PLANNED:
        initial = {
            "done_on": item.done_on,
            "reached": "yes" if item.status == item.Status.DONE else "no",
            "situation": item.situation,
            "income_sources": item.income_sources,
            "af_code": item.af_code,
            "note": item.note,
        }
    form = forms.FollowUpForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.followup_record(
                actor=request.user,
                membership=membership,
                followup=item,
                done_on=data["done_on"],
                reached=data["reached"],
                situation=data["situation"],
                income_sources=data["income_sources"],
                af_code=data["af_code"],
                note=data["note"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"Uppföljningen efter {item.months} månader är registrerad.")
            return redirect("participants:exit", request.federation.slug, enrolment.pk)
    return render(
        request,
        "participants/followup.html",
        {"form": form, "followup": item, "enrolment": enrolment},
    )


@federation_view()
def register_extract(request, pk: int, fmt: str):
    if fmt not in ("json", "pdf"):
        raise Http404("Okänt format.")
    membership = request.membership
    participant = selectors.participant_get(membership=membership, pk=pk, reason="registerutdrag")
    # The same scope as the page: one selector decides.
    ids = selectors.visible_intervention_ids(participant, membership)
    audit.log(
        actor=request.user,
        action=audit.Action.EXPORT,
        obj=participant,
        reason="registerutdrag",
        detail={"format": fmt, "interventions": sorted(ids)},
    )
    return _extract_response(request, participant, fmt, ids)


def _extract_response(request, participant, fmt: str, ids):
    filename = f"registerutdrag-{participant.reference}.{fmt}"
    if fmt == "json":
        response = JsonResponse(
            build_extract(participant, ids), json_dumps_params={"ensure_ascii": False, "indent": 2}
        )
    else:
        response = HttpResponse(
            extract_pdf(participant, request.federation.name, timezone.localdate(), ids),
            content_type="application/pdf",
        )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@federation_view(Perm.SUBJECT_ACCESS_EXTRACT)
def subject_access(request):
    """Registerutdrag on the data subject's own request (GDPR art. 15): everything stored
    about the person, found by number. An explicit action, logged with its errand; no page
    of the person is shown."""
    form = forms.SubjectAccessForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        participant = selectors.participant_by_number(number=data["personal_number"])
        if participant is None:
            form.add_error("personal_number", "Ingen person med det numret finns i förbundet.")
        else:
            participant.identity_visible = True
            fmt = "json" if request.POST.get("format") == "json" else "pdf"
            audit.log(
                actor=request.user,
                action=audit.Action.EXPORT,
                obj=participant,
                reason="registerutdrag på den registrerades begäran",
                detail={
                    "format": fmt,
                    "requested_on": data["requested_on"].isoformat(),
                    "errand": data["note"][:120],
                    "complete": True,
                },
            )
            return _extract_response(request, participant, fmt, None)
    return render(request, "participants/subject_access.html", {"form": form})

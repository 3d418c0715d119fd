from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.staticfiles import finders
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Q
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.http import require_POST

from stegvis.activities import forms, payout, rules, selectors, services
from stegvis.activities.models import (
    Activity,
    ActivityCost,
    ActivityEnrolment,
    Category,
    Compensation,
    CompensationCorrection,
    Mentor,
    Session,
    WorkflowStep,
)
from stegvis.core import audit
from stegvis.core.access import federation_view
from stegvis.core.forms import apply_errors
from stegvis.core.models import WorkingGroup
from stegvis.core.roles import Perm
from stegvis.participants.access import can_see_personal_data, intervention_ids_in_scope
from stegvis.participants.models import Participant


def _flash(request, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def _details(data) -> services.ActivityDetails:
    return services.ActivityDetails(
        title=data["title"],
        category=data["category"],
        description=data["description"],
        serves_language=data["serves_language"],
        serves_health=data["serves_health"],
        serves_network=data["serves_network"],
        plan=data["plan"],
        municipality=data["municipality"],
        address=data["address"],
        languages=forms.split_list(data["languages"]),
        capacity=data["capacity"],
        leader_count=data["leader_count"],
        gender_restriction=data["gender_restriction"],
        working_group_id=data["working_group"].pk if data.get("working_group") else None,
        intervention_id=data["intervention"].pk if data.get("intervention") else None,
        kind=data.get("kind") or "nad",
        mentor_id=data["mentor"].pk if data.get("mentor") else None,
        placement_id=data["placement"].pk if data.get("placement") else None,
    )


# --- Catalogue --------------------------------------------------------------------------------


@federation_view()
def activity_list(request):
    membership = request.membership
    if selectors.is_leader_only(membership):
        return redirect("activities:attendance_home", request.federation.slug)
    if not membership.has_perm(Perm.VIEW_ACTIVITIES):
        raise PermissionDenied("Din roll har inte behörighet till aktiviteter.")
    form = forms.ActivityFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    filters = selectors.ActivityFilters(
        query=data.get("q", ""),
        association_id=data["association"].pk if data.get("association") else None,
        hub_id=data["hub"].pk if data.get("hub") else None,
        status=data.get("status", ""),
        category=data.get("category", ""),
        kind=data.get("kind", ""),
    )
    page = Paginator(
        selectors.activities_list(membership=membership, filters=filters), 30
    ).get_page(request.GET.get("sida"))
    context = {"form": form, "page": page}
    if request.headers.get("HX-Request"):
        return render(request, "activities/_activity_rows.html", context)
    return render(request, "activities/list.html", context)


@federation_view(Perm.MANAGE_ACTIVITIES)
def activity_new(request):
    form = forms.ActivityForm(
        request.POST or None, initial={"association": request.GET.get("forening")}
    )
    sessions_form = forms.SessionsForm(request.POST or None, prefix="s")
    if request.method == "POST":
        wants_sessions = bool(request.POST.get("s-first_date"))
        # Both forms are checked before anything is saved, so every error shows at once.
        valid = form.is_valid()
        if wants_sessions and not sessions_form.is_valid():
            valid = False
        if valid:
            data = form.cleaned_data
            try:
                # One transaction for the whole submit: a refused series leaves no draft behind.
                with transaction.atomic():
                    activity = services.activity_create(
                        actor=request.user,
                        membership=request.membership,
                        association=data["association"],
                        details=_details(data),
                        leaders=list(data["leaders"]),
                    )
                    if wants_sessions:
                        s = sessions_form.cleaned_data
                        services.sessions_create(
                            actor=request.user,
                            membership=request.membership,
                            activity=activity,
                            first_date=s["first_date"],
                            count=s["count"],
                            every_days=s["every_days"],
                            start_time=s["start_time"],
                            end_time=s["end_time"],
                        )
            except ValidationError as exc:
                apply_errors(sessions_form if _names_session_field(exc) else form, exc)
            else:
                messages.success(request, "Aktiviteten är skapad som utkast.")
                return redirect("activities:detail", request.federation.slug, activity.pk)
    if request.method != "POST":
        sessions_form = forms.SessionsForm(prefix="s", initial={"count": 5, "every_days": 7})
    return render(
        request,
        "activities/form.html",
        {"form": form, "sessions_form": sessions_form, "activity": None},
    )


def _names_session_field(exc: ValidationError) -> bool:
    fields = set(getattr(exc, "error_dict", {}))
    return bool(fields) and fields <= set(forms.SessionsForm.base_fields)


@federation_view(Perm.MANAGE_ACTIVITIES)
def activity_edit(request, pk: int):
    activity = selectors.activity_get(membership=request.membership, pk=pk)
    form = forms.ActivityForm(
        request.POST or None, initial=forms.ActivityForm.initial_for(activity)
    )
    form.fields["association"].disabled = True
    form.fields["kind"].disabled = True
    if request.method == "POST" and form.is_valid():
        try:
            services.activity_update(
                actor=request.user,
                membership=request.membership,
                activity=activity,
                details=_details(form.cleaned_data),
                leaders=list(form.cleaned_data["leaders"]),
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Ändringarna är sparade.")
            return redirect("activities:detail", request.federation.slug, activity.pk)
    return render(request, "activities/form.html", {"form": form, "activity": activity})


@federation_view()
def activity_detail(request, pk: int):
    membership = request.membership
    if selectors.is_leader_only(membership):
        return redirect("activities:attendance_home", request.federation.slug)
    activity = selectors.activity_get(membership=membership, pk=pk)
    checks = selectors.activity_checks(activity)
    sessions = list(activity.sessions.all())
    counts = selectors.session_attendance_counts([s.pk for s in sessions])
    for session in sessions:
        session.present, session.recorded = counts.get(session.pk, (0, 0))
    manage = membership.has_perm(Perm.MANAGE_ACTIVITIES)
    can_record = services.can_record_attendance(membership, activity)
    places = selectors.places_for(membership=membership, activity=activity)
    place_form = None
    if can_see_personal_data(membership) and selectors.free_places(activity):
        placeable = list(_placeable(membership, activity))
        place_form = forms.PlaceForm(enrolments=_placeable(membership, activity))
        audit.log_reads(
            actor=request.user,
            objects=[e.participant for e in placeable],
            reason="val av deltagare till aktivitet",
        )
    return render(
        request,
        "activities/detail.html",
        {
            "activity": activity,
            "checks": checks,
            "all_passed": rules.all_passed(checks),
            "rule_labels": rules.ALL_RULE_LABELS,
            "sessions": sessions,
            "today": timezone.localdate(),
            "costs": list(activity.costs.all()),
            "steps": [
                (
                    step,
                    forms.StepForm(
                        prefix=f"step{step.step}",
                        initial={
                            "owner": step.owner_id,
                            "done_on": step.done_on,
                            "notes": step.notes,
                        },
                    ),
                )
                for step in activity.steps.select_related("owner__user")
            ],
            "places": places,
            "active_places": sum(
                1 for p in places if p.place.status == ActivityEnrolment.Status.ACTIVE
            ),
            "free": selectors.free_places(activity),
            "manage": manage,
            "can_record": can_record,
            "sessions_form": forms.SessionsForm(prefix="s", initial={"count": 1, "every_days": 7}),
            "cost_form": forms.CostForm(),
            "quality_form": forms.QualityForm(
                membership=membership, initial={"working_group": activity.working_group_id}
            ),
            "can_record_quality": WorkingGroup.objects.filter(members=membership).exists(),
            "cancel_form": forms.CancelForm(),
            "place_form": place_form,
            "compensation": activity.compensations.first(),
            "min_share": selectors.rule_settings().min_attendance_share,
            "meeting_form": forms.MeetingForm()
            if activity.kind == "mentorship" and any(p.visible for p in places)
            else None,
        },
    )


def _placeable(membership, activity):
    """Active enrolments in the viewer's interventions without a place in this activity."""
    from stegvis.participants.selectors import enrolments_in_scope

    return (
        enrolments_in_scope(membership)
        .filter(end_date__isnull=True)
        .exclude(activity_places__activity=activity, activity_places__status="active")
        .select_related("participant", "intervention")
        .order_by(*Participant.list_order("participant__"))
    )


@federation_view(Perm.MANAGE_ACTIVITIES)
@require_POST
def activity_approve(request, pk: int):
    activity = selectors.activity_get(membership=request.membership, pk=pk)
    try:
        services.activity_approve(
            actor=request.user, membership=request.membership, activity=activity
        )
    except ValidationError as exc:
        messages.error(request, "Aktiviteten kan inte godkännas ännu:")
        _flash(request, exc)
    else:
        messages.success(
            request,
            "Aktiviteten är godkänd som NAD-aktivitet."
            if activity.is_nad
            else f"Aktiviteten är godkänd ({activity.get_kind_display().lower()}).",
        )
    return redirect("activities:detail", request.federation.slug, activity.pk)


@federation_view(Perm.MANAGE_ACTIVITIES)
@require_POST
def activity_submit(request, pk: int):
    activity = selectors.activity_get(membership=request.membership, pk=pk)
    try:
        services.activity_submit(
            actor=request.user, membership=request.membership, activity=activity
        )
    except ValidationError as exc:
        _flash(request, exc)
    else:
        messages.success(
            request,
            f"Aktiviteten är skickad till {activity.working_group.name} för kvalitetsgodkännande.",
        )
    return redirect("activities:detail", request.federation.slug, activity.pk)


@federation_view(Perm.VIEW_ACTIVITIES)
@require_POST
def activity_quality(request, pk: int):
    """The working group's quality approval, recorded by one of its members."""
    activity = selectors.activity_get(membership=request.membership, pk=pk)
    form = forms.QualityForm(request.POST, membership=request.membership)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("activities:detail", request.federation.slug, activity.pk)
    try:
        services.activity_quality_approve(
            actor=request.user,
            membership=request.membership,
            activity=activity,
            note=form.cleaned_data["note"],
            working_group=form.cleaned_data["working_group"],
        )
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", None) or [str(exc)]))
    else:
        messages.success(request, "Samverkansgruppens kvalitetsgodkännande är registrerat.")
    return redirect("activities:detail", request.federation.slug, activity.pk)


@federation_view(Perm.MANAGE_ACTIVITIES)
@require_POST
def activity_cancel(request, pk: int):
    activity = selectors.activity_get(membership=request.membership, pk=pk)
    form = forms.CancelForm(request.POST)
    if not form.is_valid():
        messages.error(request, form.errors["reason"][0])
        return redirect("activities:detail", request.federation.slug, activity.pk)
    try:
        activity = services.activity_cancel(
            actor=request.user,
            membership=request.membership,
            activity=activity,
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as exc:
        _flash(request, exc)
    else:
        messages.success(
            request,
            "Aktiviteten är inställd: kommande tillfällen är inställda och deltagarna har "
            "slutat i aktiviteten.",
        )
    return redirect("activities:detail", request.federation.slug, activity.pk)


@federation_view(Perm.MANAGE_ACTIVITIES)
@require_POST
def step_update(request, pk: int, step: int):
    activity = selectors.activity_get(membership=request.membership, pk=pk)
    row = get_object_or_404(WorkflowStep, activity=activity, step=step)
    form = forms.StepForm(request.POST, prefix=f"step{step}")
    if form.is_valid():
        services.workflow_step_update(
            actor=request.user,
            membership=request.membership,
            step=row,
            owner=form.cleaned_data["owner"],
            done_on=form.cleaned_data["done_on"],
            notes=form.cleaned_data["notes"],
        )
        messages.success(request, f"Steg {step} är sparat.")
    else:
        messages.error(request, "Kontrollera datumet.")
    return redirect(f"{_detail_url(request, activity)}#steg")


def _detail_url(request, activity) -> str:
    from django.urls import reverse

    return reverse("activities:detail", args=[request.federation.slug, activity.pk])


@federation_view(Perm.MANAGE_ACTIVITIES)
@require_POST
def sessions_add(request, pk: int):
    activity = selectors.activity_get(membership=request.membership, pk=pk)
    form = forms.SessionsForm(request.POST, prefix="s")
    if form.is_valid():
        data = form.cleaned_data
        try:
            created = services.sessions_create(
                actor=request.user,
                membership=request.membership,
                activity=activity,
                first_date=data["first_date"],
                count=data["count"],
                every_days=data["every_days"],
                start_time=data["start_time"],
                end_time=data["end_time"],
            )
        except ValidationError as exc:
            _flash(request, exc)
        else:
            messages.success(
                request,
                "1 tillfälle är tillagt."
                if len(created) == 1
                else f"{len(created)} tillfällen är tillagda.",
            )
    else:
        messages.error(request, "Ange datum och antal tillfällen.")
    return redirect(f"{_detail_url(request, activity)}#tillfallen")


@federation_view(Perm.MANAGE_ACTIVITIES)
@require_POST
def session_cancel(request, pk: int, session_pk: int):
    activity = selectors.activity_get(membership=request.membership, pk=pk)
    session = selectors.session_get(membership=request.membership, activity=activity, pk=session_pk)
    services.session_cancel(
        actor=request.user, membership=request.membership, session=session, note="Inställt"
    )
    messages.success(request, f"Tillfället {session.date:%Y-%m-%d} är inställt.")
    return redirect(f"{_detail_url(request, activity)}#tillfallen")


@federation_view(Perm.MANAGE_ACTIVITIES)
@require_POST
def cost_add(request, pk: int):
    activity = selectors.activity_get(membership=request.membership, pk=pk)
    form = forms.CostForm(request.POST)
    if form.is_valid():
        try:
            services.cost_add(
                actor=request.user,
                membership=request.membership,
                activity=activity,
                **form.cleaned_data,
            )
        except ValidationError as exc:
            _flash(request, exc)
    else:
        messages.error(request, "Ange slag och belopp.")
    return redirect(f"{_detail_url(request, activity)}#kostnader")


@federation_view(Perm.MANAGE_ACTIVITIES)
@require_POST
def cost_remove(request, pk: int, cost_pk: int):
    activity = selectors.activity_get(membership=request.membership, pk=pk)
    cost = get_object_or_404(ActivityCost, activity=activity, pk=cost_pk)
    services.cost_remove(actor=request.user, membership=request.membership, cost=cost)
    messages.success(request, "Kostnadsraden är borttagen.")
    return redirect(f"{_detail_url(request, activity)}#kostnader")


@federation_view()
@require_POST
def place_add(request, pk: int):
    membership = request.membership
    activity = selectors.activity_get(membership=membership, pk=pk)
    if not can_see_personal_data(membership):
        raise PermissionDenied("Din roll har inte behörighet till deltagare.")
    form = forms.PlaceForm(request.POST, enrolments=_placeable(membership, activity))
    if form.is_valid():
        try:
            services.place_create(
                actor=request.user,
                membership=membership,
                activity=activity,
                enrolment=form.cleaned_data["enrolment"],
            )
        except ValidationError as exc:
            _flash(request, exc)
        else:
            messages.success(request, "Deltagaren har fått en plats.")
    else:
        messages.error(request, "Välj en deltagare.")
    return redirect(f"{_detail_url(request, activity)}#deltagare")


@federation_view()
@require_POST
def place_end(request, pk: int, place_pk: int):
    membership = request.membership
    activity = selectors.activity_get(membership=membership, pk=pk)
    if not can_see_personal_data(membership):
        raise Http404("Sidan finns inte.")
    place = get_object_or_404(
        ActivityEnrolment.objects.select_related(
            "enrolment__participant", "enrolment__intervention"
        ),
        activity=activity,
        pk=place_pk,
        enrolment__intervention_id__in=intervention_ids_in_scope(membership),
    )
    services.place_end(actor=request.user, membership=membership, place=place)
    messages.success(request, "Deltagaren har slutat i aktiviteten.")
    return redirect(f"{_detail_url(request, activity)}#deltagare")


# --- Attendance (the leader's phone page) -----------------------------------------------------


@federation_view(Perm.RECORD_ATTENDANCE)
def attendance_home(request):
    past, upcoming = selectors.leader_sessions(request.membership)
    counts = selectors.session_attendance_counts([s.pk for s in past])
    for session in past:
        session.present, session.recorded = counts.get(session.pk, (0, 0))
    return render(
        request,
        "activities/attendance_home.html",
        {"past": past, "upcoming": upcoming, "today": timezone.localdate()},
    )


def _session_for_attendance(request, session_pk: int) -> Session:
    session = get_object_or_404(Session.objects.select_related("activity"), pk=session_pk)
    if not services.can_record_attendance(request.membership, session.activity):
        raise Http404("Sidan finns inte.")
    return session


@federation_view()
def attendance_sheet(request, session_pk: int):
    membership = request.membership
    session = _session_for_attendance(request, session_pk)
    if request.method == "POST":
        present = {int(v) for v in request.POST.getlist("present") if v.isdigit()}
        try:
            services.attendance_record_session(
                actor=request.user,
                membership=membership,
                session=session,
                present_place_ids=present,
            )
        except ValidationError as exc:
            _flash(request, exc)
        else:
            messages.success(request, "Närvaron är sparad.")
            return redirect("activities:attendance_sheet", request.federation.slug, session.pk)
    rows = selectors.attendance_sheet(membership=membership, session=session)
    frozen = services.frozen_compensation(session)
    return render(
        request,
        "activities/attendance_sheet.html",
        {
            "session": session,
            "activity": session.activity,
            "rows": rows,
            "frozen": services.frozen_message(frozen, session.date) if frozen else "",
            "can_record": not session.cancelled and session.has_started() and frozen is None,
            "present_count": sum(1 for r in rows if r.present),
        },
    )


@federation_view()
@require_POST
def attendance_toggle(request, session_pk: int, place_pk: int):
    """htmx: save one participant's presence at once and answer with the updated row."""
    membership = request.membership
    session = _session_for_attendance(request, session_pk)
    place = get_object_or_404(ActivityEnrolment, pk=place_pk, activity_id=session.activity_id)
    present = request.POST.get("state") == "1"
    try:
        services.attendance_record(
            actor=request.user, membership=membership, session=session, place=place, present=present
        )
    except ValidationError as exc:
        return HttpResponse(" ".join(exc.messages), status=400)
    person = place.enrolment.participant
    first = (
        person.reference
        if person.is_anonymous or person.protected_identity
        else person.first_name or person.reference
    )
    audit.log(
        actor=request.user,
        action=audit.Action.READ,
        obj=place.enrolment.participant,
        reason="närvarolista",
    )
    row = selectors.AttendanceRow(place.pk, first, present)
    return render(
        request,
        "activities/_attendance_row.html",
        {"row": row, "session": session, "can_record": True},
    )


def _parse_marks(body: bytes) -> list[services.Mark]:
    """The phone's marks: {"marks": [{"place": id, "present": bool, "at": ISO time, "device"}]}."""
    try:
        data = json.loads(body or b"{}")
    except ValueError as exc:
        raise ValidationError("Markeringarna är inte giltig JSON.") from exc
    marks = data.get("marks") if isinstance(data, dict) else None
    if not isinstance(marks, list) or not marks or len(marks) > 500:
        raise ValidationError("Skicka 1–500 markeringar i fältet marks.")
    parsed = []
    for number, item in enumerate(marks, start=1):
        if not isinstance(item, dict):
            raise ValidationError(f"Markering {number} är inte ett objekt.")
        place, present, at = item.get("place"), item.get("present"), item.get("at")
        if not isinstance(place, int) or isinstance(place, bool):
            raise ValidationError(f"Markering {number}: place ska vara ett heltal.")
        if not isinstance(present, bool):
            raise ValidationError(f"Markering {number}: present ska vara true eller false.")
        when = parse_datetime(at) if isinstance(at, str) else None
        if when is None or timezone.is_naive(when):
            raise ValidationError(f"Markering {number}: at ska vara en tid med tidszon (ISO 8601).")
        device = item.get("device") or ""
        parsed.append(services.Mark(place, present, when, str(device)[:40]))
    return parsed


@federation_view()
@require_POST
def attendance_sync(request, session_pk: int):
    """The phone sends its queued marks; one result per mark (see services.attendance_sync)."""
    session = _session_for_attendance(request, session_pk)
    try:
        marks = _parse_marks(request.body)
    except ValidationError as exc:
        return JsonResponse({"detail": exc.messages}, status=400)
    results = services.attendance_sync(
        actor=request.user, membership=request.membership, session=session, marks=marks
    )
    return JsonResponse({"session": session.pk, "results": results})


@federation_view(Perm.RECORD_ATTENDANCE)
def attendance_sw(request):
    """The service worker, from its static file, served under the attendance pages so that it
    may control them (a worker controls only pages below its own address)."""
    path = finders.find("stegvis/js/attendance-sw.js")
    with open(path, "rb") as handle:
        response = HttpResponse(handle.read(), content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    return response


@federation_view(Perm.RECORD_ATTENDANCE)
def attendance_manifest(request):
    home = reverse("activities:attendance_home", args=[request.federation.slug])
    manifest = {
        "name": f"Närvaro – {request.federation.name}",
        "short_name": "Närvaro",
        "lang": "sv",
        "start_url": home,
        "scope": home,
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#1f6f5c",
        "icons": [
            {
                "src": static("stegvis/img/narvaro.svg"),
                "sizes": "any",
                "type": "image/svg+xml",
            }
        ],
    }
    return JsonResponse(
        manifest,
        content_type="application/manifest+json",
        json_dumps_params={"ensure_ascii": False},
    )


# --- Compensation -----------------------------------------------------------------------------


def _require_compensation_access(membership) -> None:
    if not (
        membership.has_perm(Perm.MANAGE_ACTIVITIES)
        or membership.has_perm(Perm.APPROVE_COMPENSATION)
    ):
        raise PermissionDenied("Din roll har inte behörighet till ersättningar.")


def _compensation_filters(request):
    form = forms.CompensationFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    return form, selectors.CompensationFilters(
        association_id=data["association"].pk if data.get("association") else None,
        status=data.get("status", ""),
        start=data.get("start"),
        end=data.get("end"),
    )


@federation_view()
def compensation_list(request):
    membership = request.membership
    _require_compensation_access(membership)
    form, filters = _compensation_filters(request)
    compensations = list(selectors.compensations_list(membership=membership, filters=filters))
    return render(
        request,
        "activities/compensations.html",
        {
            "form": form,
            "compensations": compensations,
            "total": sum(c.amount_sek for c in compensations),
            "amounts": _amounts(compensations),
            "awaiting": list(selectors.activities_awaiting_compensation()[:20])
            if membership.has_perm(Perm.MANAGE_ACTIVITIES)
            else [],
            "paid_form": forms.PaidForm(),
            "query": request.GET.urlencode(),
            "approve": membership.has_perm(Perm.APPROVE_COMPENSATION),
            "manage": membership.has_perm(Perm.MANAGE_ACTIVITIES),
        },
    )


def _amounts(compensations) -> dict[str, int]:
    """Paid, corrected and pending money over the listed compensations."""
    totals = {"approved": 0, "corrected": 0, "total": 0, "paid": 0, "pending": 0}
    for compensation in compensations:
        if not compensation.is_frozen:
            continue
        for key, value in services.compensation_paid_amounts(compensation).items():
            totals[key] += value
    return totals


def _correction_form(compensation, data=None):
    sessions = Session.objects.filter(
        activity_id=compensation.activity_id, cancelled=False, date__lte=compensation.period_end
    ).order_by("date")
    places = ActivityEnrolment.objects.filter(activity_id=compensation.activity_id).order_by("pk")
    return forms.CorrectionForm(data, sessions=sessions, places=places.values_list("pk", flat=True))


@federation_view(Perm.MANAGE_ACTIVITIES)
@require_POST
def compensation_compute(request, pk: int):
    activity = selectors.activity_get(membership=request.membership, pk=pk)
    try:
        compensation = services.compensation_compute(
            actor=request.user, membership=request.membership, activity=activity
        )
    except ValidationError as exc:
        _flash(request, exc)
        return redirect("activities:detail", request.federation.slug, activity.pk)
    messages.success(
        request,
        f"Ersättningen är beräknad: {compensation.participant_count} deltagare, "
        f"{compensation.amount_sek} kr.",
    )
    return redirect("activities:compensation_detail", request.federation.slug, compensation.pk)


@federation_view()
def compensation_detail(request, pk: int):
    return _compensation_page(request, pk)


def _compensation_page(request, pk: int, correction_form=None):
    membership = request.membership
    _require_compensation_access(membership)
    compensation = get_object_or_404(
        Compensation.objects.select_related("activity", "association", "approved_by", "paid_by"),
        pk=pk,
    )
    basis = compensation.basis
    corrections = list(compensation.corrections.select_related("session", "created_by"))
    for correction in corrections:
        correction.settle_form = forms.SettleForm(auto_id=f"id_k{correction.pk}_%s")
    return render(
        request,
        "activities/compensation_detail.html",
        {
            "c": compensation,
            "counted": sum(1 for r in basis if r["counts"]),
            "not_counted": sum(1 for r in basis if not r["counts"]),
            "needed": rules.presences_needed(
                compensation.sessions_held, rules.Fraction(str(compensation.min_attendance_share))
            ),
            "paid_form": forms.PaidForm(),
            "approve": membership.has_perm(Perm.APPROVE_COMPENSATION),
            "manage": membership.has_perm(Perm.MANAGE_ACTIVITIES),
            "corrections": corrections,
            "amounts": services.compensation_paid_amounts(compensation),
            "correction_form": correction_form or _correction_form(compensation),
        },
    )


@federation_view(Perm.APPROVE_COMPENSATION)
@require_POST
def compensation_correct(request, pk: int):
    """Correct frozen attendance behind an approved or paid compensation."""
    compensation = get_object_or_404(Compensation.objects.select_related("activity"), pk=pk)
    form = _correction_form(compensation, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            correction = services.compensation_correct(
                actor=request.user,
                membership=request.membership,
                compensation=compensation,
                session=get_object_or_404(Session, pk=data["session"]),
                place=get_object_or_404(ActivityEnrolment, pk=data["place"]),
                present=data["present"],
                reason=data["reason"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request,
                f"Rättelsen är sparad: {correction.entry.lower()} {correction.amount_sek:+d} kr "
                "på nästa utbetalningsunderlag."
                if correction.amount_sek
                else "Rättelsen är sparad. Den ändrar inte beloppet.",
            )
            return redirect(
                "activities:compensation_detail", request.federation.slug, compensation.pk
            )
    return _compensation_page(request, pk, correction_form=form)


@federation_view(Perm.APPROVE_COMPENSATION)
@require_POST
def correction_settle(request, pk: int, correction_pk: int):
    correction = get_object_or_404(CompensationCorrection, compensation_id=pk, pk=correction_pk)
    form = forms.SettleForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Ange datum för regleringen.")
    else:
        try:
            services.correction_settle(
                actor=request.user,
                membership=request.membership,
                correction=correction,
                settled_on=form.cleaned_data["paid_on"],
                reference=form.cleaned_data["reference"],
            )
        except ValidationError as exc:
            _flash(request, exc)
        else:
            messages.success(request, "Rättelsen är markerad som reglerad.")
    return redirect("activities:compensation_detail", request.federation.slug, pk)


@federation_view(Perm.APPROVE_COMPENSATION)
@require_POST
def compensation_decide(request, pk: int):
    compensation = get_object_or_404(Compensation, pk=pk)
    action = request.POST.get("action")
    try:
        if action == "approve":
            services.compensation_approve(
                actor=request.user, membership=request.membership, compensation=compensation
            )
            messages.success(request, "Ersättningen är godkänd för utbetalning.")
        elif action == "paid":
            form = forms.PaidForm(request.POST)
            if not form.is_valid():
                raise ValidationError("Ange utbetalningsdatum.")
            services.compensation_mark_paid(
                actor=request.user,
                membership=request.membership,
                compensation=compensation,
                paid_on=form.cleaned_data["paid_on"],
                reference=form.cleaned_data["reference"],
            )
            messages.success(request, "Ersättningen är markerad som utbetald.")
        else:
            raise Http404("Okänd åtgärd.")
    except ValidationError as exc:
        _flash(request, exc)
    next_url = request.POST.get("next", "")
    if next_url.startswith(f"/f/{request.federation.slug}/"):
        return redirect(next_url)
    return redirect("activities:compensation_detail", request.federation.slug, compensation.pk)


@federation_view()
def payout_report(request, fmt: str):
    if fmt not in ("xlsx", "pdf"):
        raise Http404("Okänt format.")
    membership = request.membership
    _require_compensation_access(membership)
    _form, filters = _compensation_filters(request)
    compensations = payout.report_compensations(
        selectors.compensations_list(membership=membership, filters=filters)
    )
    report = payout.build_report(
        compensations,
        start=filters.start,
        end=filters.end,
        federation_name=request.federation.name,
        corrections=payout.report_corrections(
            association_id=filters.association_id, start=filters.start, end=filters.end
        ),
    )
    audit.log(
        actor=request.user,
        action=audit.Action.EXPORT,
        object_type="payout_report",
        reason="utbetalningsunderlag",
        detail={
            "format": fmt,
            "association": filters.association_id,
            "start": str(filters.start or ""),
            "end": str(filters.end or ""),
            "rows": len(report.lines),
        },
    )
    if fmt == "xlsx":
        response = HttpResponse(
            payout.to_xlsx(report),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        response = HttpResponse(payout.to_pdf(report), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="utbetalningar-{timezone.localdate():%Y-%m-%d}.{fmt}"'
    )
    return response


# --- Placements -------------------------------------------------------------------------------


@federation_view(Perm.VIEW_ACTIVITIES)
def placement_list(request):
    membership = request.membership
    show_all = request.GET.get("visa") == "alla"
    placements = list(selectors.placements_list(membership=membership, include_closed=show_all))
    form = forms.PlacementForm(
        request.POST or None, initial={"offered_by": membership.authority_id}
    )
    if request.method == "POST" and form.is_valid():
        fields = {
            k: v
            for k, v in form.cleaned_data.items()
            if k not in ("languages_text", "requirements_text")
        }
        fields["languages"] = forms.split_list(form.cleaned_data["languages_text"])
        fields["requirements"] = forms.split_list(form.cleaned_data["requirements_text"])
        try:
            placement = services.placement_create(
                actor=request.user, membership=membership, **fields
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Platsen är upplagd på den gemensamma listan.")
            return redirect("activities:placement_detail", request.federation.slug, placement.pk)
    return render(
        request,
        "activities/placements.html",
        {"placements": placements, "form": form, "show_all": show_all},
    )


@federation_view(Perm.VIEW_ACTIVITIES)
def placement_detail(request, pk: int):
    membership = request.membership
    placement = selectors.placement_get(membership=membership, pk=pk)
    form = None
    if can_see_personal_data(membership):
        from stegvis.participants.selectors import enrolments_in_scope

        enrolments = (
            enrolments_in_scope(membership)
            .filter(end_date__isnull=True)
            .select_related("participant", "intervention")
        )
        audit.log_reads(
            actor=request.user,
            objects=[e.participant for e in enrolments],
            reason="val av deltagare till plats",
        )
        form = forms.BookingForm(
            request.POST or None,
            enrolments=enrolments,
            initial={
                "start_date": max(placement.start_date, timezone.localdate()),
                "end_date": placement.end_date,
            },
        )
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                services.placement_book(
                    actor=request.user,
                    membership=membership,
                    placement=placement,
                    enrolment=data["enrolment"],
                    start_date=data["start_date"],
                    end_date=data["end_date"],
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, "Platsen är bokad.")
                return redirect(
                    "activities:placement_detail", request.federation.slug, placement.pk
                )
    elif request.method == "POST":
        raise PermissionDenied("Din roll kan inte boka platser.")
    return render(
        request,
        "activities/placement_detail.html",
        {
            "placement": placement,
            "bookings": selectors.bookings_for(membership=membership, placement=placement),
            "form": form,
        },
    )


# --- Mentors ----------------------------------------------------------------------------------


def _pairable(membership):
    from stegvis.participants.selectors import enrolments_in_scope

    return (
        enrolments_in_scope(membership)
        .filter(end_date__isnull=True)
        .select_related("participant", "intervention")
        .order_by(*Participant.list_order("participant__"))
    )


@federation_view(Perm.VIEW_ACTIVITIES)
def mentor_list(request):
    """Mentors and guides with their ongoing mentorships (counts only)."""
    membership = request.membership
    manage = membership.has_perm(Perm.MANAGE_ACTIVITIES)
    form = forms.MentorForm(request.POST or None)
    if request.method == "POST":
        if not manage:
            raise PermissionDenied("Din roll har inte behörighet att lägga upp mentorer.")
        if form.is_valid():
            data = form.cleaned_data
            try:
                mentor = services.mentor_create(
                    actor=request.user,
                    membership=membership,
                    name=data["name"],
                    kind=data["kind"],
                    phone=data["phone"],
                    email=data["email"],
                    municipality=data["municipality"],
                    languages=forms.split_list(data["languages"]),
                    interests=data["interests"],
                    availability=data["availability"],
                    max_mentees=data["max_mentees"],
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, f"{mentor.name} är upplagd som mentor.")
                return redirect("activities:mentors", request.federation.slug)
    mentors = list(
        Mentor.objects.annotate(
            ongoing=Count(
                "mentorships__places",
                filter=Q(
                    mentorships__status=Activity.Status.APPROVED,
                    mentorships__places__status=ActivityEnrolment.Status.ACTIVE,
                ),
            )
        ).order_by("-active", "name")
    )
    day_names = dict(forms.WEEKDAYS)
    categories = dict(Category.choices)
    for mentor in mentors:
        mentor.days = ", ".join(day_names[d] for d in mentor.availability if d in day_names)
        mentor.interest_labels = ", ".join(categories.get(i, i) for i in mentor.interests)
    pair_form = None
    if can_see_personal_data(membership):
        pair_form = forms.PairForm(enrolments=_pairable(membership))
    return render(
        request,
        "activities/mentors.html",
        {"mentors": mentors, "form": form, "manage": manage, "pair_form": pair_form},
    )


@federation_view()
@require_POST
def mentor_pair(request):
    membership = request.membership
    if not can_see_personal_data(membership):
        raise PermissionDenied("Din roll har inte behörighet till deltagare.")
    form = forms.PairForm(request.POST, enrolments=_pairable(membership))
    if not form.is_valid():
        messages.error(request, "Välj mentor, deltagare och startdatum.")
        return redirect("activities:mentors", request.federation.slug)
    data = form.cleaned_data
    try:
        place = services.mentorship_pair(
            actor=request.user,
            membership=membership,
            mentor=data["mentor"],
            enrolment=data["enrolment"],
            start_date=data["start_date"],
        )
    except ValidationError as exc:
        messages.error(request, "Mentorn kunde inte paras ihop med deltagaren:")
        _flash(request, exc)
        return redirect("activities:mentors", request.federation.slug)
    messages.success(request, f"{data['mentor'].name} är mentor för deltagaren.")
    return redirect("activities:detail", request.federation.slug, place.activity_id)


@federation_view()
@require_POST
def meeting_log(request, pk: int):
    membership = request.membership
    activity = selectors.activity_get(membership=membership, pk=pk)
    if not can_see_personal_data(membership):
        raise Http404("Sidan finns inte.")
    form = forms.MeetingForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Ange mötets datum.")
    else:
        try:
            services.meeting_log(
                actor=request.user,
                membership=membership,
                activity=activity,
                on=form.cleaned_data["on"],
                note=form.cleaned_data["note"],
                attended=form.cleaned_data["attended"],
            )
        except ValidationError as exc:
            _flash(request, exc)
        else:
            messages.success(request, "Mötet är loggat.")
    return redirect(f"{_detail_url(request, activity)}#moten")

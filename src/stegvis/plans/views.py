from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from stegvis.core import audit
from stegvis.core.access import federation_view
from stegvis.core.forms import apply_errors
from stegvis.core.roles import Perm
from stegvis.participants import selectors as participant_selectors
from stegvis.plans import defaults, forms, selectors, services
from stegvis.plans.models import PlanAction, PlanGoal, PlanTemplate
from stegvis.plans.pdf import plan_pdf


def _to_plan(request, plan):
    return redirect("plans:plan", request.federation.slug, plan.enrolment_id)


@federation_view()
def plan(request, enrolment_pk: int):
    membership = request.membership
    enrolment = participant_selectors.enrolment_get(membership=membership, pk=enrolment_pk)
    current = selectors.plan_of(enrolment)
    if current is None:
        return redirect("plans:plan_new", request.federation.slug, enrolment.pk)
    return render(
        request,
        "plans/plan.html",
        {
            "enrolment": enrolment,
            "plan": current,
            "grouped": selectors.goal_actions(current),
            "meetings": selectors.meetings_of(enrolment),
            "today": timezone.localdate(),
            "statuses": PlanAction.Status.choices,
        },
    )


@federation_view()
def plan_new(request, enrolment_pk: int):
    membership = request.membership
    enrolment = participant_selectors.enrolment_get(membership=membership, pk=enrolment_pk)
    if selectors.plan_of(enrolment) is not None:
        return redirect("plans:plan", request.federation.slug, enrolment.pk)
    services.ensure_templates()
    templates = PlanTemplate.objects.filter(active=True)
    five = templates.filter(key=defaults.FIVE_STEP_KEY).first()
    form = forms.PlanNewForm(
        request.POST or None,
        templates=templates,
        initial={"template": five.pk if five else None},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = services.plan_create(
                actor=request.user,
                membership=membership,
                enrolment=enrolment,
                template=data["template"],
                start=data["start"],
                participant_words=data["participant_words"],
                participant_goals=data["participant_goals"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Planen är skapad.")
            return _to_plan(request, created)
    return render(request, "plans/plan_new.html", {"enrolment": enrolment, "form": form})


@federation_view()
def plan_edit(request, pk: int):
    membership = request.membership
    current = selectors.plan_get(membership=membership, pk=pk)
    form = forms.PlanForm(
        request.POST or None,
        initial={
            "participant_words": current.participant_words,
            "participant_goals": current.participant_goals,
            "agreed_on": current.agreed_on,
            "next_follow_up": current.next_follow_up,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_update(
                actor=request.user, membership=membership, plan=current, **form.cleaned_data
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Planen är sparad.")
            return _to_plan(request, current)
    return render(
        request,
        "plans/item_form.html",
        {"plan": current, "enrolment": current.enrolment, "form": form, "title": "Ändra planen"},
    )


@federation_view()
def goal_form(request, pk: int, goal_pk: int | None = None):
    membership = request.membership
    current = selectors.plan_get(membership=membership, pk=pk)
    goal = get_object_or_404(PlanGoal, pk=goal_pk, plan=current) if goal_pk else None
    initial = (
        {
            "title": goal.title,
            "description": goal.description,
            "target_date": goal.target_date,
            "status": goal.status,
        }
        if goal
        else {"status": PlanGoal.Status.PLANNED}
    )
    form = forms.GoalForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if request.POST.get("delete") and goal is not None:
            services.goal_delete(actor=request.user, membership=membership, goal=goal)
            messages.success(request, "Målet är borttaget.")
            return _to_plan(request, current)
        if form.is_valid():
            try:
                services.goal_save(
                    actor=request.user,
                    membership=membership,
                    plan=current,
                    goal=goal,
                    **form.cleaned_data,
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, "Målet är sparat.")
                return _to_plan(request, current)
    return render(
        request,
        "plans/item_form.html",
        {
            "plan": current,
            "enrolment": current.enrolment,
            "form": form,
            "title": "Ändra mål" if goal else "Nytt mål",
            "can_delete": goal is not None,
        },
    )


@federation_view()
def action_form(request, pk: int, action_pk: int | None = None):
    membership = request.membership
    current = selectors.plan_get(membership=membership, pk=pk)
    action = get_object_or_404(PlanAction, pk=action_pk, plan=current) if action_pk else None
    if action:
        initial = {
            "what": action.what,
            "goal": action.goal_id,
            "by_participant": action.by_participant,
            "authority": action.authority_id,
            "responsible": action.responsible_id,
            "responsible_other": action.responsible_other,
            "due_date": action.due_date,
            "status": action.status,
        }
    else:
        initial = {"goal": request.GET.get("mal"), "status": PlanAction.Status.PLANNED}
    form = forms.ActionForm(
        request.POST or None,
        initial=initial,
        plan=current,
        responsible_choices=services.responsible_choices(current.enrolment),
    )
    if request.method == "POST":
        if request.POST.get("delete") and action is not None:
            services.action_delete(actor=request.user, membership=membership, action=action)
            messages.success(request, "Åtgärden är borttagen.")
            return _to_plan(request, current)
        if form.is_valid():
            try:
                services.action_save(
                    actor=request.user,
                    membership=membership,
                    plan=current,
                    action=action,
                    data=services.ActionData(**form.cleaned_data),
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, "Åtgärden är sparad.")
                return _to_plan(request, current)
    return render(
        request,
        "plans/item_form.html",
        {
            "plan": current,
            "enrolment": current.enrolment,
            "form": form,
            "title": "Ändra åtgärd" if action else "Ny åtgärd",
            "can_delete": action is not None,
        },
    )


@federation_view()
@require_POST
def action_status(request, pk: int, action_pk: int):
    membership = request.membership
    current = selectors.plan_get(membership=membership, pk=pk)
    action = get_object_or_404(PlanAction, pk=action_pk, plan=current)
    try:
        services.action_set_status(
            actor=request.user,
            membership=membership,
            action=action,
            status=request.POST.get("status", ""),
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, f"Åtgärden är markerad som {action.get_status_display().lower()}."
        )
    if request.POST.get("next") == "followups":
        return redirect("plans:followups", request.federation.slug)
    return _to_plan(request, current)


@federation_view()
def plan_history(request, pk: int):
    current = selectors.plan_get(membership=request.membership, pk=pk)
    return render(
        request,
        "plans/history.html",
        {
            "plan": current,
            "enrolment": current.enrolment,
            "versions": selectors.history(current),
        },
    )


@federation_view()
def plan_download(request, pk: int):
    current = selectors.plan_get(membership=request.membership, pk=pk)
    audit.log(
        actor=request.user,
        action=audit.Action.EXPORT,
        obj=current,
        reason="plan som pdf",
        detail={"participant": current.enrolment.participant_id, "version": current.version},
    )
    response = HttpResponse(
        plan_pdf(current, federation_name=request.federation.name, today=timezone.localdate()),
        content_type="application/pdf",
    )
    filename = f"plan-{current.enrolment.participant.reference}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _meeting_initial(meeting) -> dict:
    if meeting is None:
        return {}
    return {
        "kind": meeting.kind,
        "held_on": meeting.held_on,
        "participant_present": meeting.participant_present,
        "attendees": list(meeting.attendees.all()),
        "authorities": list(meeting.authorities.all()),
        "other_attendees": meeting.other_attendees,
        "notes": meeting.notes,
        "decisions": meeting.decisions,
        "next_follow_up": meeting.next_follow_up,
    }


def _meeting_page(request, enrolment, meeting=None):
    membership = request.membership
    choices = services.responsible_choices(enrolment)
    initial = _meeting_initial(meeting) or {
        "attendees": [membership] if choices.filter(pk=membership.pk).exists() else [],
        "authorities": [membership.authority] if membership.authority_id else [],
    }
    form = forms.MeetingForm(request.POST or None, initial=initial, responsible_choices=choices)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.meeting_save(
                actor=request.user,
                membership=membership,
                enrolment=enrolment,
                meeting=meeting,
                data=services.MeetingData(
                    kind=data["kind"],
                    held_on=data["held_on"],
                    participant_present=data["participant_present"],
                    attendees=list(data["attendees"]),
                    authorities=list(data["authorities"]),
                    other_attendees=data["other_attendees"],
                    notes=data["notes"],
                    decisions=data["decisions"],
                    next_follow_up=data["next_follow_up"],
                    plan_agreed=data["plan_agreed"],
                ),
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Mötet är sparat.")
            if selectors.plan_of(enrolment) is not None:
                return redirect("plans:plan", request.federation.slug, enrolment.pk)
            url = reverse(
                "participants:detail", args=[request.federation.slug, enrolment.participant_id]
            )
            return redirect(f"{url}?flik=plan")
    return render(
        request,
        "plans/meeting_form.html",
        {"enrolment": enrolment, "form": form, "meeting": meeting},
    )


@federation_view()
def meeting_new(request, enrolment_pk: int):
    enrolment = participant_selectors.enrolment_get(membership=request.membership, pk=enrolment_pk)
    return _meeting_page(request, enrolment)


@federation_view()
def meeting_edit(request, pk: int):
    meeting = selectors.meeting_get(membership=request.membership, pk=pk)
    return _meeting_page(request, meeting.enrolment, meeting)


@federation_view()
def followups(request):
    membership = request.membership
    today = timezone.localdate()
    found = selectors.followups(membership=membership, today=today)
    participant_selectors.log_listed(
        membership=membership, participants=found.participants(), reason="mina uppföljningar"
    )
    return render(
        request,
        "plans/followups.html",
        {"found": found, "today": today, "soon_days": selectors.DUE_SOON_DAYS},
    )


# --- Templates (federation admin) ------------------------------------------------------------


@federation_view(Perm.MANAGE_FEDERATION)
def templates(request):
    return render(request, "plans/templates.html", {"templates": services.ensure_templates()})


@federation_view(Perm.MANAGE_FEDERATION)
def template_form(request, pk: int | None = None):
    template = get_object_or_404(PlanTemplate, pk=pk) if pk else None
    initial = (
        {
            "key": template.key,
            "name": template.name,
            "description": template.description,
            "goals_text": defaults.goals_to_text(template.goals),
            "active": template.active,
        }
        if template
        else None
    )
    form = forms.TemplateForm(request.POST or None, initial=initial)
    if template is not None:
        form.fields["key"].disabled = True
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.template_save(
                actor=request.user,
                template=template,
                key=template.key if template else data["key"],
                name=data["name"],
                description=data["description"],
                goals_text=data["goals_text"],
                active=data["active"],
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                apply_errors(form, exc)
            else:
                form.add_error("goals_text", exc.messages)
        else:
            messages.success(request, "Mallen är sparad.")
            return redirect("plans:templates", request.federation.slug)
    return render(request, "plans/template_form.html", {"form": form, "template": template})

"""The start checklist: what is open, and starting without measurable goals or a follow-up
plan only as an explicit, logged decision."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from stegvis.core.models import AuditEntry
from stegvis.interventions.models import ResultGoal
from stegvis.knowledge import checklist as rules
from stegvis.knowledge import services
from stegvis.knowledge.models import StartChecklist

pytestmark = pytest.mark.django_db

ANSWERS = {
    "target_group": "Unga vuxna 18–29 år",
    "eligibility": "Anvisas av AF eller socialtjänsten",
    "authority_roles": "AF: handläggare 50 %. Kommunen: lokal.",
    "followup_plan": "Avslut och uppföljning efter 6 och 12 månader",
    "comparison_group": "Väntelistan",
    "implementation_plan": "Övergår till kommunen 2028",
}


def open_keys(intervention):
    checklist = services.checklist_for(intervention)
    return [i.key for i in rules.items(intervention, checklist) if not i.done]


def add_goal(intervention):
    return ResultGoal.objects.create(
        intervention=intervention, title="Hälften till arbete", metric="work_or_studies", target=50
    )


def test_everything_is_open_at_first(scope, intervention):
    assert open_keys(intervention) == [
        "target_group",
        "goals",
        "authority_roles",
        "followup",
        "implementation",
    ]


def test_answers_and_goals_close_the_items(scope, intervention, lead):
    services.checklist_save(actor=lead.user, membership=lead, intervention=intervention, **ANSWERS)
    assert open_keys(intervention) == ["goals"]
    add_goal(intervention)
    assert open_keys(intervention) == []
    intervention.refresh_from_db()
    assert intervention.target_group == "Unga vuxna 18–29 år"


def test_follow_up_needs_a_comparison_group_too(scope, intervention, lead):
    answers = {**ANSWERS, "comparison_group": "  "}
    services.checklist_save(actor=lead.user, membership=lead, intervention=intervention, **answers)
    add_goal(intervention)
    assert open_keys(intervention) == ["followup"]


def test_start_with_everything_settled_needs_no_reason(scope, intervention, lead):
    services.checklist_save(actor=lead.user, membership=lead, intervention=intervention, **ANSWERS)
    add_goal(intervention)
    checklist = services.intervention_start(
        actor=lead.user, membership=lead, intervention=intervention
    )
    assert checklist.started_at is not None
    assert checklist.start_reason == ""
    assert checklist.start_missing == []
    with pytest.raises(ValidationError):
        services.intervention_start(actor=lead.user, membership=lead, intervention=intervention)


def test_start_without_goals_needs_a_logged_reason(scope, intervention, lead):
    services.checklist_save(actor=lead.user, membership=lead, intervention=intervention, **ANSWERS)
    with pytest.raises(ValidationError) as error:
        services.intervention_start(actor=lead.user, membership=lead, intervention=intervention)
    assert "mätbara resultatmål" in str(error.value)
    assert not StartChecklist.objects.filter(started_at__isnull=False).exists()
    services.intervention_start(
        actor=lead.user,
        membership=lead,
        intervention=intervention,
        reason="Styrgruppen beslutade att starta, målen sätts i juni",
    )
    entry = AuditEntry.objects.filter(object_type="startchecklist", detail__started=True).get()
    assert entry.reason == "Styrgruppen beslutade att starta, målen sätts i juni"
    assert entry.detail["missing"] == ["goals"]
    assert services.checklist_for(intervention).start_missing == ["goals"]


def test_start_without_follow_up_plan_needs_a_reason(scope, intervention, lead):
    add_goal(intervention)
    with pytest.raises(ValidationError) as error:
        services.intervention_start(
            actor=lead.user, membership=lead, intervention=intervention, reason="   "
        )
    assert "uppföljning" in str(error.value)
    # Open points that are not required do not stop a start.
    services.checklist_save(
        actor=lead.user,
        membership=lead,
        intervention=intervention,
        target_group="",
        followup_plan="Kvartalsvis",
        comparison_group="Väntelistan",
    )
    checklist = services.intervention_start(
        actor=lead.user, membership=lead, intervention=intervention
    )
    assert checklist.start_reason == ""


def test_only_the_lead_of_the_intervention_fills_in_and_starts(
    scope, federation, intervention, other_intervention, make_member, case_worker
):
    from stegvis.core.roles import Role

    colleague = make_member(
        federation, Role.INTERVENTION_LEAD, "kalle", interventions=[other_intervention]
    )
    for member in (colleague, case_worker):
        with pytest.raises(PermissionDenied):
            services.checklist_save(
                actor=member.user, membership=member, intervention=intervention, **ANSWERS
            )
        with pytest.raises(PermissionDenied):
            services.intervention_start(
                actor=member.user, membership=member, intervention=intervention, reason="x"
            )


def test_checklist_url_for_the_create_view(scope, intervention):
    assert rules.checklist_url(intervention) == "/f/alfa/insatser/INS-1/start/"

"""Writes of the knowledge bank: methods and their links, publishing results to other
federations, good examples and the start checklist. Keyword-only, atomic, audit-logged."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from stegvis.core import audit
from stegvis.core.models import Federation, Membership
from stegvis.core.roles import Perm
from stegvis.core.tenancy import federation_scope
from stegvis.interventions.models import Intervention
from stegvis.interventions.services import require_manage
from stegvis.knowledge import checklist as checklist_rules
from stegvis.knowledge.defaults import DEFAULT_METHODS
from stegvis.knowledge.models import (
    GoodExample,
    Method,
    MethodActivity,
    MethodIntervention,
    MethodPublication,
    StartChecklist,
)

A = audit.Action


def ensure_default_methods(federation: Federation) -> int:
    """Create the default methods the federation lacks; returns how many were created."""
    created = 0
    with federation_scope(federation):
        existing = set(Method.objects.values_list("code", flat=True))
        for code, name, description, target, demands, references, _aliases in DEFAULT_METHODS:
            if code in existing:
                continue
            Method.objects.create(
                code=code,
                name=name,
                description=description,
                target_group=target,
                staff_demands=demands,
                references=references,
            )
            created += 1
    return created


def _require(membership: Membership, perm: str, message: str) -> None:
    if not membership.has_perm(perm):
        raise PermissionDenied(message)


METHOD_FIELDS = ("name", "description", "target_group", "staff_demands", "references")


@transaction.atomic
def method_save(
    *,
    actor,
    membership: Membership,
    method: Method | None = None,
    code: str,
    name: str,
    description: str = "",
    target_group: str = "",
    staff_demands: str = "",
    references: str = "",
) -> Method:
    """Create a method (``method`` None) or change one."""
    _require(membership, Perm.MANAGE_INTERVENTIONS, "Din roll får inte ändra metodbanken.")
    code, name = code.strip(), name.strip()
    errors = {}
    if not code:
        errors["code"] = "Ange en kod för metoden."
    elif Method.objects.filter(code__iexact=code).exclude(pk=getattr(method, "pk", None)).exists():
        errors["code"] = f"Förbundet har redan en metod med koden {code}."
    if not name:
        errors["name"] = "Ange metodens namn."
    if errors:
        raise ValidationError(errors)
    values = {
        "name": name,
        "description": description.strip(),
        "target_group": target_group.strip(),
        "staff_demands": staff_demands.strip(),
        "references": references.strip(),
    }
    if method is None:
        method = Method.objects.create(code=code, **values)
        audit.log(actor=actor, action=A.CREATE, obj=method, detail={"code": code})
        return method
    changed = [k for k, v in values.items() if getattr(method, k) != v]
    if method.code != code:
        changed.append("code")
    method.code = code
    for key, value in values.items():
        setattr(method, key, value)
    method.save()
    audit.log(actor=actor, action=A.UPDATE, obj=method, detail={"fields": changed})
    return method


@transaction.atomic
def intervention_methods_set(
    *, actor, membership: Membership, intervention: Intervention, methods
) -> None:
    """The methods an intervention works with (replaces the earlier choice)."""
    require_manage(membership, intervention)
    wanted = {m.pk: m for m in methods}
    current = set(
        MethodIntervention.objects.filter(intervention=intervention).values_list(
            "method_id", flat=True
        )
    )
    MethodIntervention.objects.filter(
        intervention=intervention, method_id__in=current - set(wanted)
    ).delete()
    MethodIntervention.objects.bulk_create(
        [
            MethodIntervention(
                federation_id=intervention.federation_id,
                method=wanted[pk],
                intervention=intervention,
            )
            for pk in sorted(set(wanted) - current)
        ]
    )
    audit.log(
        actor=actor,
        action=A.UPDATE,
        obj=intervention,
        detail={"methods": sorted(m.code for m in wanted.values())},
    )


@transaction.atomic
def method_activities_set(*, actor, membership: Membership, method: Method, activities) -> None:
    """The activities that work with the method (replaces the earlier choice)."""
    if not (
        membership.has_perm(Perm.MANAGE_ACTIVITIES)
        or membership.has_perm(Perm.MANAGE_INTERVENTIONS)
    ):
        raise PermissionDenied("Din roll får inte koppla aktiviteter till metoder.")
    wanted = {a.pk for a in activities}
    current = set(
        MethodActivity.objects.filter(method=method).values_list("activity_id", flat=True)
    )
    MethodActivity.objects.filter(method=method, activity_id__in=current - wanted).delete()
    MethodActivity.objects.bulk_create(
        [
            MethodActivity(federation_id=method.federation_id, method=method, activity_id=pk)
            for pk in sorted(wanted - current)
        ]
    )
    audit.log(actor=actor, action=A.UPDATE, obj=method, detail={"activities": sorted(wanted)})


# --- Publishing to other federations -------------------------------------------------------


@transaction.atomic
def method_publish(*, actor, membership: Membership, method: Method) -> MethodPublication:
    """Publish the method's aggregated results, small cells hidden, for other federations to
    see. Publishing again replaces the earlier figures."""
    from stegvis.knowledge import results

    _require(
        membership, Perm.MANAGE_FEDERATION, "Bara samverkansadministratören får publicera resultat."
    )
    figures = results.publishable_results(method)
    now = timezone.now()
    MethodPublication.objects.filter(method=method, withdrawn_at__isnull=True).update(
        withdrawn_at=now, withdrawn_by=actor
    )
    publication = MethodPublication.objects.create(
        method=method,
        code=method.code,
        name=method.name,
        results=figures,
        published_at=now,
        published_by=actor,
    )
    audit.log(
        actor=actor,
        action=A.CREATE,
        obj=publication,
        reason="publicerar metodens samlade resultat för andra förbund",
        detail={"method": method.code, "results": figures},
    )
    return publication


@transaction.atomic
def method_withdraw(*, actor, membership: Membership, method: Method) -> int:
    """Withdraw the published results: other federations no longer see them."""
    _require(
        membership, Perm.MANAGE_FEDERATION, "Bara samverkansadministratören får återkalla resultat."
    )
    active = list(MethodPublication.objects.filter(method=method, withdrawn_at__isnull=True))
    if not active:
        raise ValidationError("Metodens resultat är inte publicerade.")
    now = timezone.now()
    for publication in active:
        publication.withdrawn_at = now
        publication.withdrawn_by = actor
        publication.save(update_fields=["withdrawn_at", "withdrawn_by"])
        audit.log(
            actor=actor,
            action=A.UPDATE,
            obj=publication,
            reason="återkallar publicerade metodresultat",
            detail={"method": method.code, "withdrawn": True},
        )
    return len(active)


# --- Good examples -------------------------------------------------------------------------


@transaction.atomic
def good_example_mark(
    *, actor, membership: Membership, intervention: Intervention, text: str
) -> GoodExample:
    require_manage(membership, intervention)
    text = text.strip()
    if not text:
        raise ValidationError({"text": "Beskriv kort vad som gör insatsen till ett gott exempel."})
    example, created = GoodExample.objects.update_or_create(
        intervention=intervention, defaults={"text": text, "marked_by": actor}
    )
    audit.log(
        actor=actor,
        action=A.CREATE if created else A.UPDATE,
        obj=example,
        detail={"intervention": intervention.code},
    )
    return example


@transaction.atomic
def good_example_unmark(*, actor, membership: Membership, intervention: Intervention) -> None:
    require_manage(membership, intervention)
    deleted, _ = GoodExample.objects.filter(intervention=intervention).delete()
    if deleted:
        audit.log(
            actor=actor,
            action=A.DELETE,
            object_type="goodexample",
            object_id=intervention.pk,
            detail={"intervention": intervention.code},
        )


# --- Start checklist -----------------------------------------------------------------------


def checklist_for(intervention: Intervention) -> StartChecklist:
    """The intervention's checklist (unsaved and empty when nobody has filled it in)."""
    found = StartChecklist.objects.filter(intervention=intervention).first()
    return found or StartChecklist(intervention=intervention)


CHECKLIST_FIELDS = (
    "eligibility",
    "authority_roles",
    "followup_plan",
    "comparison_group",
    "implementation_plan",
)


@transaction.atomic
def checklist_save(
    *,
    actor,
    membership: Membership,
    intervention: Intervention,
    target_group: str,
    **answers: str,
) -> StartChecklist:
    """Save the answers; the target group is the intervention's own."""
    require_manage(membership, intervention)
    unknown = set(answers) - set(CHECKLIST_FIELDS)
    if unknown:
        raise TypeError(f"Okända fält: {', '.join(sorted(unknown))}")
    checklist = checklist_for(intervention)
    changed = []
    target_group = target_group.strip()
    if intervention.target_group != target_group:
        intervention.target_group = target_group
        intervention.save(update_fields=["target_group"])
        changed.append("target_group")
    for key in CHECKLIST_FIELDS:
        value = (answers.get(key) or "").strip()
        if getattr(checklist, key) != value:
            setattr(checklist, key, value)
            changed.append(key)
    checklist.updated_at = timezone.now()
    created = checklist.pk is None
    checklist.save()
    audit.log(
        actor=actor,
        action=A.CREATE if created else A.UPDATE,
        obj=checklist,
        detail={"intervention": intervention.code, "fields": changed},
    )
    return checklist


@transaction.atomic
def intervention_start(
    *, actor, membership: Membership, intervention: Intervention, reason: str = ""
) -> StartChecklist:
    """Mark the intervention as started. Starting without measurable result goals or a
    follow-up plan is an explicit decision: it needs a reason, which is logged."""
    require_manage(membership, intervention)
    checklist = checklist_for(intervention)
    if checklist.started_at is not None:
        raise ValidationError("Insatsen är redan startad.")
    blocking = checklist_rules.blocking_items(intervention, checklist)
    reason = reason.strip()
    if blocking and not reason:
        names = ", ".join(item.title.lower() for item in blocking)
        raise ValidationError({"reason": f"Ange skälet att starta utan {names}: beslutet loggas."})
    checklist.started_at = timezone.now()
    checklist.started_by = actor
    checklist.start_reason = reason if blocking else ""
    checklist.start_missing = [item.key for item in blocking]
    checklist.updated_at = checklist.started_at
    checklist.save()
    audit.log(
        actor=actor,
        action=A.UPDATE,
        obj=checklist,
        reason=reason if blocking else "",
        detail={
            "intervention": intervention.code,
            "started": True,
            "missing": checklist.start_missing,
            "open": [i.key for i in checklist_rules.items(intervention, checklist) if not i.done],
        },
    )
    return checklist

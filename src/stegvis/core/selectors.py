"""Reads of core data, scoped to what the acting membership may see."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from stegvis.core.models import Association, AuditEntry, Authority, Hub, Membership, WorkingGroup
from stegvis.core.roles import Perm
from stegvis.interventions.models import Intervention


def directory_memberships(*, membership: Membership, query: str = "") -> QuerySet[Membership]:
    """The contact directory ("vem gör vad"): staff, roles and organisations in the federation."""
    qs = (
        Membership.objects.filter(is_active=True, user__is_active=True)
        .select_related("user", "authority", "association", "hub")
        .prefetch_related(
            Prefetch("interventions", queryset=Intervention.objects.only("code", "name"))
        )
        .order_by("authority__name", "association__name", "user__last_name", "user__first_name")
    )
    if query:
        from django.db.models import Q

        qs = qs.filter(
            Q(user__first_name__icontains=query)
            | Q(user__last_name__icontains=query)
            | Q(user__title__icontains=query)
            | Q(responsibilities__icontains=query)
            | Q(authority__name__icontains=query)
            | Q(association__name__icontains=query)
        )
    return qs


def organisation_overview() -> dict:
    return {
        "authorities": Authority.objects.all(),
        "hubs": Hub.objects.prefetch_related(
            Prefetch("working_groups", queryset=WorkingGroup.objects.order_by("name"))
        ),
        "associations": Association.objects.filter(active=True).select_related("hub"),
    }


def audit_entries(*, membership: Membership, filters: dict) -> QuerySet[AuditEntry]:
    if not membership.has_perm(Perm.VIEW_AUDIT_LOG):
        return AuditEntry.objects.none()
    qs = AuditEntry.objects.all()
    if filters.get("actor"):
        qs = qs.filter(actor_username__iexact=filters["actor"])
    if filters.get("action"):
        qs = qs.filter(action=filters["action"])
    if filters.get("object_type"):
        qs = qs.filter(object_type=filters["object_type"])
    if filters.get("object_id"):
        qs = qs.filter(object_id=filters["object_id"])
    if filters.get("date_from"):
        qs = qs.filter(time__date__gte=filters["date_from"])
    if filters.get("date_to"):
        qs = qs.filter(time__date__lte=filters["date_to"])
    return qs.order_by("-time", "-id")

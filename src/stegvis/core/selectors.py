"""Reads of core data, scoped to what the acting membership may see."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
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


# Office hours for the log review: reads outside them are listed (weekends included).
OFFICE_HOURS = (7, 18)
# Reads of this many different persons by one user within one clock hour are listed.
MANY_PERSONS_PER_HOUR = 40


def log_review(*, membership: Membership, date_from, date_to) -> dict:
    """What a data-protection officer reviews: every emergency access, reads of personal data
    outside office hours, and users who read many persons within one hour."""
    from django.db.models import Count, Max, Min, Q
    from django.db.models.functions import ExtractHour, ExtractIsoWeekDay, TruncHour

    from stegvis.core.models import EmergencyAccess

    if not membership.has_perm(Perm.VIEW_AUDIT_LOG):
        raise PermissionDenied("Din roll kan inte granska loggen.")
    period = AuditEntry.objects.filter(time__date__gte=date_from, time__date__lte=date_to)
    reads = period.filter(action=AuditEntry.Action.READ, object_type="participant")
    start, end = OFFICE_HOURS
    outside = (
        reads.annotate(hour=ExtractHour("time"), weekday=ExtractIsoWeekDay("time"))
        .filter(Q(hour__lt=start) | Q(hour__gte=end) | Q(weekday__gte=6))
        .order_by("-time")
    )
    many = (
        reads.annotate(hour=TruncHour("time"))
        .values("actor_username", "hour")
        .annotate(persons=Count("object_id", distinct=True), first=Min("time"), last=Max("time"))
        .filter(persons__gte=MANY_PERSONS_PER_HOUR)
        .order_by("-hour")
    )
    accesses = (
        EmergencyAccess.objects.filter(
            started_at__date__gte=date_from, started_at__date__lte=date_to
        )
        .select_related("membership__user")
        .order_by("-started_at")
    )
    emergency_reads = (
        reads.filter(reason__startswith="nödåtkomst")
        .values("actor_username")
        .annotate(persons=Count("object_id", distinct=True), reads=Count("id"))
        .order_by("actor_username")
    )
    return {
        "accesses": list(accesses),
        "emergency_reads": list(emergency_reads),
        "outside_hours": outside,
        "many_persons": list(many),
        "office_hours": OFFICE_HOURS,
        "threshold": MANY_PERSONS_PER_HOUR,
    }

"""Dashboard panels: the coordinator's activity overview and the leader's next sessions."""

from __future__ import annotations

from django.db.models import Count, Q, Sum
from django.utils import timezone

from stegvis.activities import selectors
from stegvis.activities.models import (
    Activity,
    ActivityEnrolment,
    Compensation,
    CompensationCorrection,
)
from stegvis.core.dashboard import PANELS
from stegvis.core.roles import Perm


def _coordinator_panel(request) -> dict | None:
    membership = request.membership
    if not membership.has_perm(Perm.MANAGE_ACTIVITIES):
        return None
    counts = Activity.objects.aggregate(
        total=Count("id"),
        approved=Count("id", filter=Q(status=Activity.Status.APPROVED)),
        draft=Count("id", filter=Q(status=Activity.Status.DRAFT)),
    )
    taken = ActivityEnrolment.objects.filter(status=ActivityEnrolment.Status.ACTIVE).count()
    to_pay = (
        Compensation.objects.filter(status=Compensation.Status.APPROVED).aggregate(
            s=Sum("amount_sek")
        )["s"]
        or 0
    )
    # Corrections not yet settled go on the next payout too (negative: claimed back).
    to_pay += (
        CompensationCorrection.objects.filter(settled_on__isnull=True).aggregate(
            s=Sum("amount_sek")
        )["s"]
        or 0
    )
    drafts = list(
        Activity.objects.filter(status=Activity.Status.DRAFT)
        .select_related("association")
        .order_by("-created_at")[:5]
    )
    return {
        "title": "Aktiviteter",
        "template": "activities/_panel_coordinator.html",
        "figures": [
            ("Aktiviteter", counts["total"]),
            ("Godkända", counts["approved"]),
            ("Utkast", counts["draft"]),
            ("Deltagare på plats", taken),
            ("Att betala ut (kr)", to_pay),
        ],
        "drafts": drafts,
        "awaiting": selectors.activities_awaiting_compensation().count(),
    }


def _leader_panel(request) -> dict | None:
    membership = request.membership
    if not selectors.is_leader_only(membership):
        return None
    past, upcoming = selectors.leader_sessions(membership)
    return {
        "title": "Mina tillfällen",
        "template": "activities/_panel_leader.html",
        "today": timezone.localdate(),
        "past": past[:3],
        "upcoming": upcoming[:3],
    }


PANELS.append((None, _coordinator_panel))
PANELS.insert(0, (Perm.RECORD_ATTENDANCE, _leader_panel))

"""The case worker's first view: own caseload in numbers and what waits for a decision."""

from __future__ import annotations

from django.utils import timezone

from stegvis.core.dashboard import PANELS
from stegvis.core.roles import Perm
from stegvis.participants import selectors
from stegvis.participants.access import can_see_personal_data, intervention_ids_in_scope
from stegvis.participants.models import Enrolment, FollowUp, Referral


def _caseload_panel(request) -> dict:
    membership = request.membership
    ids = intervention_ids_in_scope(membership)
    active = Enrolment.objects.filter(intervention_id__in=ids, end_date__isnull=True)
    pending = list(selectors.pending_referrals(membership=membership)[:5])
    selectors.log_listed(
        membership=membership, participants=[r.participant for r in pending], reason="översikt"
    )
    sees_all = membership.has_perm(Perm.VIEW_ALL_PERSONAL_DATA)
    [
        ("Pågående där jag är huvudkontakt", active.filter(main_contact=membership).count()),
        ("Pågående i mina insatser", active.count()),
    ]
    if sees_all:
        [("Pågående deltaganden", active.count())]
    return {
        "title": "Deltagare" if sees_all else "Mina deltagare",
        "template": "participants/_panel_caseload.html",
        "figures": [
            ("Pågående där jag är huvudkontakt", active.filter(main_contact=membership).count()),
            ("Pågående i mina insatser", active.count()),
            (
                "Väntar på beslut",
                Referral.objects.filter(
                    intervention_id__in=ids, status=Referral.Status.PENDING
                ).count(),
            ),
            (
                "Uppföljningar att göra",
                FollowUp.objects.filter(
                    enrolment__intervention_id__in=ids,
                    status=FollowUp.Status.PLANNED,
                    due_on__lte=timezone.localdate(),
                ).count(),
            ),
            (
                "På väntelista",
                Referral.objects.filter(
                    intervention_id__in=ids, status=Referral.Status.WAITLISTED
                ).count(),
            ),
        ],
        "pending": pending,
    }


def _register(request):
    return _caseload_panel(request) if can_see_personal_data(request.membership) else None


PANELS.insert(0, (None, _register))

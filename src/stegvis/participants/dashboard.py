"""The case worker's first view: own caseload in numbers and what waits for a decision."""

from __future__ import annotations

from django.utils import timezone

from stegvis.core.counting import counts
from stegvis.core.dashboard import PANELS
from stegvis.core.roles import Perm
from stegvis.participants import selectors
from stegvis.participants.access import can_see_personal_data, intervention_ids_in_scope
from stegvis.participants.models import Enrolment, FollowUp, Referral


def _caseload_panel(request) -> dict:
    membership = request.membership
    ids = intervention_ids_in_scope(membership)
    active = Enrolment.objects.filter(intervention_id__in=ids, end_date__isnull=True)
    referrals = Referral.objects.filter(intervention_id__in=ids)
    pending = list(selectors.pending_referrals(membership=membership)[:5])
    selectors.log_listed(
        membership=membership, participants=[r.participant for r in pending], reason="översikt"
    )
    sees_all = membership.has_perm(Perm.VIEW_ALL_PERSONAL_DATA)
    figures = counts(  # one query for the five figures
        mine=active.filter(main_contact=membership),
        active=active,
        pending=referrals.filter(status=Referral.Status.PENDING),
        followups=FollowUp.objects.filter(
            enrolment__intervention_id__in=ids,
            status=FollowUp.Status.PLANNED,
            due_on__lte=timezone.localdate(),
        ),
        waitlisted=referrals.filter(status=Referral.Status.WAITLISTED),
    )
    return {
        "title": "Deltagare" if sees_all else "Mina deltagare",
        "template": "participants/_panel_caseload.html",
        "figures": [
            ("Pågående där jag är huvudkontakt", figures["mine"]),
            ("Pågående i mina insatser", figures["active"]),
            ("Väntar på beslut", figures["pending"]),
            ("Uppföljningar att göra", figures["followups"]),
            ("På väntelista", figures["waitlisted"]),
        ],
        "pending": pending,
    }


def _register(request):
    return _caseload_panel(request) if can_see_personal_data(request.membership) else None


PANELS.insert(0, (None, _register))

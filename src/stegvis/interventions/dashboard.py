"""Dashboard panels: a lead-time warning for those who follow the chain, and the referrer's
latest decisions."""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone

from stegvis.core.dashboard import PANELS
from stegvis.core.roles import Perm
from stegvis.interventions import leadtime_views
from stegvis.interventions.models import Transfer


def _lead_time_panel(request) -> dict | None:
    filters = leadtime_views.scope_filters(request.membership)
    today = timezone.localdate()
    from stegvis.reports import leadtimes

    late = leadtimes.breaches(filters, as_of=today)
    waiting = [r for r in late if r.decided_on is None]
    open_transfers = Transfer.objects.filter(status__in=Transfer.OPEN)
    if filters.interventions is not None:
        ids = filters.intervention_ids
        open_transfers = open_transfers.filter(
            Q(to_intervention_id__in=ids) | Q(from_enrolment__intervention_id__in=ids)
        )
    open_transfers = open_transfers.count()
    if not late and not open_transfers:
        return None
    return {
        "title": "Ledtider och överlämningar",
        "template": "interventions/_panel_lead_times.html",
        "target": leadtimes.target_days(),
        "waiting": len(waiting),
        "late": len(late) - len(waiting),
        "open_transfers": open_transfers,
        "sees_people": leadtime_views.sees_people(request.membership),
    }


def _referrer_panel(request) -> dict | None:
    from stegvis.interventions import referrals

    sent = list(referrals.sent_referrals(membership=request.membership)[:5])
    referrals.log_sent(membership=request.membership, referrals=sent)
    return {
        "title": "Mina anvisningar",
        "template": "interventions/_panel_referrer.html",
        "sent": sent,
    }


PANELS.append((Perm.VIEW_AGGREGATES, _lead_time_panel))
PANELS.append((Perm.REFER_PARTICIPANTS, _referrer_panel))

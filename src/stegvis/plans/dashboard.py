"""Dashboard panel: "Mina uppföljningar" in numbers, with the most urgent items."""

from __future__ import annotations

from django.utils import timezone

from stegvis.core.dashboard import PANELS
from stegvis.participants import selectors as participant_selectors
from stegvis.participants.access import can_see_personal_data
from stegvis.plans import selectors

SHOWN = 5


def _followups_panel(request) -> dict | None:
    membership = request.membership
    if not can_see_personal_data(membership):
        return None
    found = selectors.followups(membership=membership, today=timezone.localdate())
    if not found.count:
        return None
    overdue = found.overdue_actions[:SHOWN]
    meetings = found.upcoming_meetings[:SHOWN]
    participant_selectors.log_listed(
        membership=membership,
        participants=[
            *(a.plan.enrolment.participant for a in overdue),
            *(m.enrolment.participant for m in meetings),
        ],
        reason="översikt",
    )
    return {
        "title": "Mina uppföljningar",
        "template": "plans/_panel_followups.html",
        "figures": [
            ("Försenade åtgärder", len(found.overdue_actions)),
            (f"Åtgärder inom {selectors.DUE_SOON_DAYS} dagar", len(found.due_soon_actions)),
            ("Kommande möten", len(found.upcoming_meetings)),
            ("Planer att följa upp", len(found.plans_due)),
        ],
        "overdue": overdue,
        "meetings": meetings,
    }


PANELS.append((None, _followups_panel))

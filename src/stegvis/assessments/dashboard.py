"""Dashboard panel: the case worker's own participants with the highest priority."""

from __future__ import annotations

from stegvis.assessments import selectors
from stegvis.core.dashboard import PANELS
from stegvis.participants import selectors as participant_selectors
from stegvis.participants.access import can_see_personal_data

SHOWN = 5


def _priority_panel(request) -> dict | None:
    membership = request.membership
    if not can_see_personal_data(membership):
        return None
    rows = selectors.priority_list(membership=membership, mine=True)
    if not rows:
        return None
    top = [row for row in rows if row[1].flags][:SHOWN]
    participant_selectors.log_listed(
        membership=membership, participants=[e.participant for e, _ in top], reason="översikt"
    )
    return {
        "title": "Behöver extra stöd",
        "template": "assessments/_panel_priority.html",
        "rows": top,
        "total_raised": sum(1 for _, p in rows if p.level != "normal"),
    }


PANELS.append((None, _priority_panel))

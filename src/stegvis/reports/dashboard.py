"""Result goals at a glance for those who lead and steer (SPEC §2, §8)."""

from __future__ import annotations

from django.utils import timezone

from stegvis.core.dashboard import PANELS
from stegvis.core.roles import Perm, Role
from stegvis.reports import access
from stegvis.reports.filters import ReportFilters

ROLES = {Role.FEDERATION_ADMIN, Role.INTERVENTION_LEAD, Role.STEERING, Role.EVALUATOR}


def _goals_panel(request):
    from stegvis.reports.definitions import goal_statuses

    membership = request.membership
    if membership.role not in ROLES:
        return None
    own = list(membership.interventions.all()) if membership.role == Role.INTERVENTION_LEAD else []
    today = timezone.localdate()
    # This year's cohort: what the board follows during the year.
    filters = ReportFilters(
        interventions=tuple(own) or None, date_from=today.replace(month=1, day=1), date_to=today
    )
    statuses = goal_statuses(filters, as_of=today)
    if not statuses:
        return None
    hide = access.must_hide_small_cells(membership, filters, asked=False)
    threshold = int(request.federation.setting("small_cell_threshold"))
    return {
        "title": f"Resultatmål {today.year}",
        "template": "reports/_panel_goals.html",
        "statuses": statuses,
        "hide_below": threshold if hide else 0,
    }


PANELS.append((Perm.VIEW_AGGREGATES, _goals_panel))

from __future__ import annotations

from stegvis.core.access import memberships_for
from stegvis.core.navigation import nav_for


def navigation(request) -> dict:
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    memberships = getattr(request, "user_memberships", None)
    if memberships is None:
        memberships = memberships_for(request.user)
    return {
        "nav_items": nav_for(request),
        "user_memberships": memberships,
        "current_federation": getattr(request, "federation", None),
        "current_membership": getattr(request, "membership", None),
    }

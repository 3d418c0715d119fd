"""Navigation by role: each entry is shown to memberships that hold its permission."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse

from stegvis.core.roles import Perm


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    perm: str | None = None


NAV_ITEMS: list[NavItem] = [
    NavItem("Översikt", "core:dashboard"),
    NavItem("Mina deltagare", "participants:caseload", Perm.VIEW_SCOPED_PERSONAL_DATA),
    NavItem("Deltagare", "participants:caseload", Perm.VIEW_ALL_PERSONAL_DATA),
    NavItem("Ny deltagare", "participants:register", Perm.REGISTER_PARTICIPANTS),
    NavItem("Väntelista", "participants:waitlist_index", Perm.REGISTER_PARTICIPANTS),
    NavItem("Vem gör vad", "core:directory", Perm.VIEW_DIRECTORY),
    NavItem("Organisation", "core:organisation", Perm.VIEW_DIRECTORY),
    NavItem("Medarbetare", "core:members", Perm.MANAGE_FEDERATION),
    NavItem("Kodlistor", "core:reference_codes", Perm.MANAGE_FEDERATION),
    NavItem("Logg", "core:audit_log", Perm.VIEW_AUDIT_LOG),
    NavItem("API-nycklar", "core:api_tokens", Perm.VIEW_AGGREGATES),
    NavItem("Export", "core:export", Perm.EXPORT_ALL_DATA),
]


def nav_for(request) -> list[dict]:
    membership = getattr(request, "membership", None)
    if membership is None:
        return []
    items = []
    for item in NAV_ITEMS:
        if item.perm and not membership.has_perm(item.perm):
            continue
        try:
            url = reverse(item.url_name, args=[request.federation.slug])
        except NoReverseMatch:
            continue
        if any(existing["url"] == url for existing in items):
            continue
        items.append({"label": item.label, "url": url, "active": request.path == url})
    return items

"""Navigation by role: each entry is shown to memberships that hold its permission."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.urls import NoReverseMatch, get_urlconf, reverse

from stegvis.core.roles import Perm


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    perm: str | None = None
    group: str | None = None  # shown in a drop-down menu of that name


# Drop-down groups, in the order they first appear.
WORKLISTS = "Arbetslistor"
ACTIVITIES = "Aktiviteter"
RESULTS = "Resultat"
FEDERATION = "Förbundet"
ADMIN = "Administration"

NAV_ITEMS: list[NavItem] = [
    NavItem("Översikt", "core:dashboard"),
    NavItem("Mina deltagare", "participants:caseload", Perm.VIEW_SCOPED_PERSONAL_DATA),
    NavItem("Deltagare", "participants:caseload", Perm.VIEW_ALL_PERSONAL_DATA),
    NavItem("Ny deltagare", "participants:register", Perm.REGISTER_PARTICIPANTS),
    NavItem("Mina anvisningar", "interventions:sent_list", Perm.REFER_PARTICIPANTS),
    NavItem("Ny anvisning", "interventions:sent_new", Perm.REFER_PARTICIPANTS),
    NavItem("Väntelista", "participants:waitlist_index", Perm.REGISTER_PARTICIPANTS, WORKLISTS),
    NavItem("Överlämningar", "interventions:transfers", Perm.VIEW_SCOPED_PERSONAL_DATA, WORKLISTS),
    NavItem("Överlämningar", "interventions:transfers", Perm.VIEW_ALL_PERSONAL_DATA, WORKLISTS),
    NavItem("Extra stöd", "assessments:priority_list", Perm.VIEW_SCOPED_PERSONAL_DATA, WORKLISTS),
    NavItem("Extra stöd", "assessments:priority_list", Perm.VIEW_ALL_PERSONAL_DATA, WORKLISTS),
    NavItem("Planuppföljningar", "plans:followups", Perm.VIEW_SCOPED_PERSONAL_DATA, WORKLISTS),
    NavItem("Efter avslut", "participants:followups", Perm.REGISTER_PARTICIPANTS, WORKLISTS),
    NavItem("Närvaro", "activities:attendance_home", Perm.RECORD_ATTENDANCE),
    NavItem("Aktiviteter", "activities:list", Perm.VIEW_ACTIVITIES, ACTIVITIES),
    NavItem("Matchning", "matching:run", Perm.RUN_MATCHING, ACTIVITIES),
    NavItem("Praktik och arbetsträning", "activities:placements", Perm.VIEW_ACTIVITIES, ACTIVITIES),
    NavItem("Mentorer", "activities:mentors", Perm.VIEW_ACTIVITIES, ACTIVITIES),
    NavItem("Ersättningar", "activities:compensations", Perm.MANAGE_ACTIVITIES, ACTIVITIES),
    NavItem("Ersättningar", "activities:compensations", Perm.APPROVE_COMPENSATION, ACTIVITIES),
    NavItem("Insatser", "interventions:list", Perm.VIEW_AGGREGATES, RESULTS),
    NavItem("Rapporter", "reports:index", Perm.VIEW_AGGREGATES, RESULTS),
    NavItem("Ledtider", "interventions:lead_times", Perm.VIEW_AGGREGATES, RESULTS),
    NavItem("Stegförflyttning", "assessments:distance", Perm.VIEW_AGGREGATES, RESULTS),
    NavItem("Enkäter", "surveys:index", Perm.VIEW_AGGREGATES, RESULTS),
    NavItem("Metoder", "knowledge:methods", Perm.VIEW_AGGREGATES, RESULTS),
    NavItem("Goda exempel", "knowledge:good_examples", Perm.VIEW_AGGREGATES, RESULTS),
    NavItem("Styrning", "knowledge:steering", Perm.VIEW_AGGREGATES, RESULTS),
    NavItem("Vem gör vad", "core:directory", Perm.VIEW_DIRECTORY, FEDERATION),
    NavItem("Organisation", "core:organisation", Perm.VIEW_DIRECTORY, FEDERATION),
    NavItem("Import", "imports:index", Perm.REGISTER_PARTICIPANTS, ADMIN),
    NavItem("Import", "imports:index", Perm.MANAGE_ACTIVITIES, ADMIN),
    NavItem("Medarbetare", "core:members", Perm.MANAGE_FEDERATION, ADMIN),
    NavItem("Kodlistor", "core:reference_codes", Perm.MANAGE_FEDERATION, ADMIN),
    NavItem("Kartläggning och plan", "assessments:settings", Perm.MANAGE_FEDERATION, ADMIN),
    NavItem("Logg", "core:audit_log", Perm.VIEW_AUDIT_LOG, ADMIN),
    NavItem("Logggranskning", "core:log_review", Perm.VIEW_AUDIT_LOG, ADMIN),
    NavItem(
        "Registerutdrag på begäran",
        "participants:subject_access",
        Perm.SUBJECT_ACCESS_EXTRACT,
        ADMIN,
    ),
    NavItem("Nödåtkomst", "core:emergency_access", Perm.EMERGENCY_ACCESS, ADMIN),
    NavItem("API-nycklar", "core:api_tokens", Perm.VIEW_AGGREGATES, ADMIN),
    NavItem("Export", "core:export", Perm.EXPORT_ALL_DATA, ADMIN),
]


def nav_for(request) -> list[dict]:
    """Top-level entries, and one entry per group with its ``children``.

    The menu holds no personal data and depends only on the federation's address and the
    permissions the membership holds now (asked on every request, so a withdrawn role loses
    its entries at once): it is built once per process for each such pair, and only the entry
    for the current page is marked per request."""
    membership = getattr(request, "membership", None)
    if membership is None:
        return []
    perms = frozenset(perm for perm in _MENU_PERMS if membership.has_perm(perm))
    menu = _menu(get_urlconf() or settings.ROOT_URLCONF, request.federation.slug, perms)
    path = request.path
    items = []
    for item in menu:
        if "children" in item:
            children = [{**child, "active": child["url"] == path} for child in item["children"]]
            active = any(child["active"] for child in children)
            items.append({"label": item["label"], "children": children, "active": active})
        else:
            items.append({**item, "active": item["url"] == path})
    return items


_MENU_PERMS = tuple(dict.fromkeys(item.perm for item in NAV_ITEMS if item.perm))


@lru_cache(maxsize=512)
def _menu(urlconf: str, slug: str, perms: frozenset[str]) -> tuple[dict, ...]:
    items: list[dict] = []
    groups: dict[str, dict] = {}
    for item in NAV_ITEMS:
        if item.perm and item.perm not in perms:
            continue
        try:
            url = reverse(item.url_name, urlconf=urlconf, args=[slug])
        except NoReverseMatch:
            continue
        entry = {"label": item.label, "url": url}
        if item.group:
            group = groups.get(item.group)
            if group is None:
                group = groups[item.group] = {"label": item.group, "children": []}
                items.append(group)
            if not any(child["url"] == url for child in group["children"]):
                group["children"].append(entry)
        elif not any(existing.get("url") == url for existing in items):
            items.append(entry)
    # A group with a single entry is just that entry.
    return tuple(
        item["children"][0] if "children" in item and len(item["children"]) == 1 else item
        for item in items
    )

"""Who sees exact counts in reports (SPEC §8: small cells are hidden in anything that leaves
the federation).

* The federation admin sees exact counts everywhere (the admin may see every person anyway).
* Intervention leads run the federation's interventions and report on them to the board: they
  see exact counts for every intervention, as ``stegvis report`` and the API give them.
* Case workers see exact counts when every selected intervention is one they are assigned to;
  otherwise, and for "all interventions", small cells are hidden.
* Steering group members, evaluators and association coordinators always get the hidden
  version: what they see is material that is shown and sent onwards.
* Anyone may ask for the hidden version ("för extern användning").
"""

from __future__ import annotations

from stegvis.core.models import Membership
from stegvis.core.roles import Perm
from stegvis.reports.filters import ReportFilters


def exact_counts_allowed(membership: Membership, filters: ReportFilters) -> bool:
    if membership.has_perm(Perm.VIEW_ALL_PERSONAL_DATA):
        return True
    if not membership.has_perm(Perm.VIEW_EXACT_COUNTS):
        return False
    if membership.has_perm(Perm.MANAGE_INTERVENTIONS):
        return True
    ids = filters.intervention_ids
    if not ids:
        return False
    assigned = set(membership.interventions.values_list("id", flat=True))
    return set(ids) <= assigned


def must_hide_small_cells(membership: Membership, filters: ReportFilters, *, asked: bool) -> bool:
    return asked or not exact_counts_allowed(membership, filters)

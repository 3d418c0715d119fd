"""Who may see which participants (SPEC §1).

Federation admins see every participant in the federation; case workers only participants with
a referral, consent or enrolment in an intervention they are assigned to; every other role sees
no personal data at all.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from stegvis.core.memo import memoized
from stegvis.core.models import Membership
from stegvis.core.roles import Perm
from stegvis.interventions.models import Intervention


def can_see_personal_data(membership: Membership | None) -> bool:
    return bool(membership) and (
        membership.has_perm(Perm.VIEW_ALL_PERSONAL_DATA)
        or membership.has_perm(Perm.VIEW_SCOPED_PERSONAL_DATA)
    )


def require_personal_data(membership: Membership | None) -> None:
    if not can_see_personal_data(membership):
        raise PermissionDenied("Din roll har inte behörighet till personuppgifter.")


def interventions_in_scope(membership: Membership) -> QuerySet[Intervention]:
    """Interventions whose participants the membership may work with."""
    require_personal_data(membership)
    if membership.has_perm(Perm.VIEW_ALL_PERSONAL_DATA):
        return Intervention.objects.all()
    return Intervention.objects.filter(staff=membership)


@memoized(lambda membership: (membership.pk, membership.role))
def intervention_ids_in_scope(membership: Membership) -> frozenset[int]:
    return frozenset(interventions_in_scope(membership).values_list("id", flat=True))


def require_intervention_in_scope(membership: Membership, intervention: Intervention) -> None:
    if intervention.id not in intervention_ids_in_scope(membership):
        raise PermissionDenied("Du arbetar inte i den här insatsen.")

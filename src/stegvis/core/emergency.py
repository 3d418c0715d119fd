"""Nödåtkomst (emergency access): see every participant for a limited time, with a reason.

A member whose role allows it (``Perm.EMERGENCY_ACCESS``) states why; for the next hours (at
most ``EmergencyAccess.MAX_HOURS``) the membership holds ``view_all_personal_data``. Starting
and ending are logged with their own action, and reads during the access carry the reason, so
the data-protection officer finds every one on the log-review page.
"""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from stegvis.core import audit
from stegvis.core.models import AuditEntry, EmergencyAccess, Membership
from stegvis.core.roles import Perm, role_has_perm
from stegvis.core.tenancy import federation_scope


def active_emergency_access(membership: Membership) -> EmergencyAccess | None:
    if membership.pk is None or not any(
        role_has_perm(role, Perm.EMERGENCY_ACCESS) for role in membership.roles
    ):
        return None
    now = timezone.now()
    with federation_scope(membership.federation):
        return (
            EmergencyAccess.objects.filter(
                membership=membership,
                ended_at__isnull=True,
                started_at__lte=now,
                expires_at__gt=now,
            )
            .order_by("-started_at")
            .first()
        )


def has_emergency_access(membership: Membership | None) -> bool:
    return membership is not None and membership.emergency_access_active()


def _forget(membership: Membership) -> None:
    from stegvis.core.memo import forget

    membership.__dict__.pop("_emergency_cache", None)
    membership.__dict__.pop("emergency_flag", None)
    forget()


@transaction.atomic
def emergency_access_start(
    *, actor, membership: Membership, reason: str, hours: int = 2
) -> EmergencyAccess:
    if not any(role_has_perm(role, Perm.EMERGENCY_ACCESS) for role in membership.roles):
        raise PermissionDenied("Din roll kan inte begära nödåtkomst.")
    reason = (reason or "").strip()
    if len(reason) < 10:
        raise ValidationError({"reason": "Beskriv skälet till nödåtkomsten (minst 10 tecken)."})
    if not 1 <= hours <= EmergencyAccess.MAX_HOURS:
        raise ValidationError(
            {"hours": f"Nödåtkomst ges för 1–{EmergencyAccess.MAX_HOURS} timmar."}
        )
    now = timezone.now()
    access = EmergencyAccess.objects.create(
        membership=membership,
        reason=reason[:300],
        started_at=now,
        expires_at=now + timedelta(hours=hours),
    )
    audit.log(
        actor=actor,
        action=AuditEntry.Action.EMERGENCY_ACCESS,
        obj=access,
        reason=reason[:200],
        detail={"hours": hours, "started": True},
    )
    _forget(membership)
    return access


@transaction.atomic
def emergency_access_end(*, actor, membership: Membership) -> None:
    access = active_emergency_access(membership)
    if access is None:
        return
    access.ended_at = timezone.now()
    access.save(update_fields=["ended_at"])
    audit.log(
        actor=actor,
        action=AuditEntry.Action.EMERGENCY_ACCESS,
        obj=access,
        reason=access.reason[:200],
        detail={"ended": True},
    )
    _forget(membership)


def read_reason(membership: Membership, reason: str) -> str:
    """The reason a read is logged with: under emergency access, that access's reason."""
    access = membership.emergency_access
    if access is None:
        return reason
    return f"nödåtkomst: {access.reason}"[:200]

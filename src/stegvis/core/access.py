"""Resolving who the user is in a federation, and the permission decorator family."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404

from stegvis.core.models import Membership
from stegvis.core.tenancy import unscoped


def memberships_for(user) -> list[Membership]:
    """All active memberships of a user, across federations (for the federation switcher),
    with everything the current one needs, so one query serves both."""
    if not user.is_authenticated:
        return []
    from django.db.models import Exists, OuterRef
    from django.utils import timezone

    from stegvis.core.models import EmergencyAccess

    now = timezone.now()
    emergency = EmergencyAccess.objects.filter(
        membership=OuterRef("pk"), ended_at__isnull=True, started_at__lte=now, expires_at__gt=now
    )
    with unscoped():
        memberships = list(
            Membership.objects.filter(user=user, is_active=True)
            .select_related("federation", "authority", "association", "hub")
            .annotate(emergency_flag=Exists(emergency))
            .order_by("federation__name")
        )
    for membership in memberships:
        membership.user = user  # the request's user, not read again
    return memberships


def federation_view(perm: str | None = None):
    """Decorator for views under ``/f/<slug>/``: requires a membership and, if given, ``perm``.

    A federation the user is not a member of answers 404, as if it did not exist.
    """

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if getattr(request, "membership", None) is None:
                raise Http404("Sidan finns inte.")
            if perm is not None and not request.membership.has_perm(perm):
                raise PermissionDenied("Din roll har inte behörighet till den här sidan.")
            return view(request, *args, **kwargs)

        wrapped.federation_view = True
        return wrapped

    return decorator

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
    with everything the current one needs, so one query serves both. For the signed-in user
    of a request they were read with the user himself (``backends.MemberBackend``) and are
    not read again; nothing is kept beyond the request."""
    if not user.is_authenticated:
        return []
    read_with_user = getattr(user, "_active_memberships", None)  # (through a lazy object too)
    if read_with_user is not None:
        return read_with_user
    return read_memberships(user=user)


def read_memberships(*, user=None, user_id=None, with_user: bool = False) -> list[Membership]:
    """The active memberships of ``user`` (or of the user ``user_id``, read along with them
    when ``with_user``), their federations first by name, with whether emergency access is on."""
    from django.db.models import Exists, OuterRef
    from django.utils import timezone

    from stegvis.core.models import EmergencyAccess

    now = timezone.now()
    emergency = EmergencyAccess.objects.filter(
        membership=OuterRef("pk"), ended_at__isnull=True, started_at__lte=now, expires_at__gt=now
    )
    related = ["federation", "authority", "association", "hub", *(["user"] if with_user else [])]
    with unscoped():
        memberships = list(
            Membership.objects.filter(user_id=user.pk if user is not None else user_id)
            .filter(is_active=True)
            .select_related(*related)
            .annotate(emergency_flag=Exists(emergency))
            .order_by("federation__name")
        )
    if user is not None:
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

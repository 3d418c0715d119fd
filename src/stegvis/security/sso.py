"""Single sign-on with OpenID Connect (mozilla-django-oidc), for authorities that run an
identity provider. Off unless ``STEGVIS_OIDC_CLIENT_ID`` is set (docs/operations.md).

The identity provider only says who someone is: a login maps to an existing, active account
with at least one active membership, matched on one claim (``email`` by default, or e.g.
``preferred_username`` against the username). No account is ever created, and roles stay in
stegvis. The second factor is still asked where it is required.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from mozilla_django_oidc.auth import OIDCAuthenticationBackend


def _claim() -> str:
    return getattr(settings, "STEGVIS_OIDC_CLAIM", "email") or "email"


def accounts_for_claims(claims: dict):
    """The active accounts with an active membership that the claims name (0 or 1 expected)."""
    User = get_user_model()
    claim = _claim()
    value = str(claims.get(claim) or "").strip()
    if not value:
        return User.objects.none()
    field = "email__iexact" if claim == "email" else "username__iexact"
    return (
        User.objects.filter(is_active=True, memberships__is_active=True, **{field: value})
        .distinct()
        .order_by("pk")
    )


BACKEND = "stegvis.security.sso.ExistingAccountsBackend"


def record_login(sender, request, user, **kwargs) -> None:
    """A single sign-on login is logged like a password login (and clears no lockout: the
    identity provider throttles its own logins)."""
    if getattr(user, "backend", "") != BACKEND:
        return
    from stegvis.core import services
    from stegvis.core.models import AuditEntry

    services._log_in_each_federation(
        user=user, action=AuditEntry.Action.LOGIN, detail={"method": "single sign-on"}
    )


class ExistingAccountsBackend(OIDCAuthenticationBackend):
    def filter_users_by_claims(self, claims):
        return accounts_for_claims(claims)

    def describe_user_by_claims(self, claims):
        return f"{_claim()} {claims.get(_claim())}"

    def verify_claims(self, claims):
        return bool(str(claims.get(_claim()) or "").strip())

    def create_user(self, claims):
        return None  # never: an identity without an account in stegvis gets no access

"""Business operations of the core app: federations, users, memberships, tokens, logins."""

from __future__ import annotations

import unicodedata
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.utils import timezone

from stegvis.core import audit
from stegvis.core.access import memberships_for
from stegvis.core.models import (
    ApiToken,
    AuditEntry,
    Federation,
    LoginAddress,
    LoginFailure,
    Membership,
)
from stegvis.core.roles import Role
from stegvis.core.tenancy import federation_scope, unscoped

User = get_user_model()

# An address a user logged in from stays known this long (see login_is_throttled).
KNOWN_ADDRESS_FOR = timedelta(days=90)


@transaction.atomic
def federation_create(*, slug: str, name: str) -> tuple[Federation, bool]:
    """Create a federation, or return the existing one with that slug (idempotent)."""
    from stegvis.core.reference import ensure_default_codes

    federation, created = Federation.objects.get_or_create(slug=slug, defaults={"name": name})
    if not created and name and federation.name != name:
        federation.name = name
        federation.save(update_fields=["name"])
    ensure_default_codes(federation)
    return federation, created


@transaction.atomic
def user_create_or_update(
    *,
    federation: Federation,
    username: str,
    role: str,
    password: str | None,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    interventions=None,
    authority=None,
    association=None,
    hub=None,
    responsibilities: str = "",
    actor=None,
    check_password: bool = True,
    title: str | None = None,
    phone: str | None = None,
    is_active: bool = True,
    extra_roles: list[str] | None = None,
) -> tuple[User, Membership]:
    """Create the user if needed and give them ``role`` in ``federation`` (an operator's tool:
    the command line and the demo; the web's "Ny medarbetare" is ``membership_save``)."""
    if role not in Role.values:
        raise ValueError(f"Okänd roll: {role}")
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, first_name=first_name, last_name=last_name, email=email)
    else:
        for field, value in (
            ("first_name", first_name),
            ("last_name", last_name),
            ("email", email),
        ):
            if value:
                setattr(user, field, value)
    if password is not None:
        if check_password:
            validate_password(password, user)
        user.set_password(password)
    elif user.pk is None:
        user.set_unusable_password()
    user.save()
    with federation_scope(federation):
        membership = Membership.objects.filter(user=user).first()
        created = membership is None
        membership = membership or Membership(user=user, federation=federation)
        membership.role = role
        if extra_roles is not None:
            membership.extra_roles = [r for r in extra_roles if r != role]
        membership.authority = authority
        membership.association = association
        membership.hub = hub
        membership.responsibilities = responsibilities or membership.responsibilities
        membership.is_active = is_active
        membership.save()
        if interventions is not None:
            membership.interventions.set(interventions)
        audit.log(
            actor=actor,
            action=AuditEntry.Action.CREATE if created else AuditEntry.Action.UPDATE,
            obj=membership,
            federation=federation,
            detail={"roles": list(membership.roles), "user_id": user.pk},
        )
    return user, membership


def account_is_managed_by(user, federation: Federation) -> bool:
    """An administrator manages an account's name, e-mail and password only while the account
    belongs to his federation alone: accounts are people, memberships are per federation."""
    if user.pk is None:
        return True
    if user.is_superuser or user.is_staff:
        return False
    with unscoped():
        return not Membership.objects.filter(user=user).exclude(federation=federation).exists()


ACCOUNT_FIELDS = ("first_name", "last_name", "email", "phone", "title")


@transaction.atomic
def membership_save(
    *,
    actor,
    federation: Federation,
    membership: Membership | None,
    username: str,
    roles: list[str],
    account: dict,
    password: str | None,
    interventions,
    authority=None,
    association=None,
    hub=None,
    responsibilities: str = "",
    is_active: bool = True,
) -> Membership:
    """The administrator's "Ny medarbetare"/edit: a membership in his own federation.

    A new username must be free: an account that exists (here or in another federation) is
    never taken over. An existing account's name, e-mail and password change only while it
    belongs to this federation alone. Every change is logged in this federation with the old
    and new roles.
    """
    from django.core.exceptions import ValidationError

    roles = [r for r in dict.fromkeys(roles) if r]
    if not roles or any(r not in Role.values for r in roles):
        raise ValidationError({"role": "Välj minst en roll."})
    if membership is None:
        username = username.strip()
        if User.objects.filter(username__iexact=username).exists():
            with federation_scope(federation):
                here = Membership.objects.filter(user__username__iexact=username).exists()
            raise ValidationError(
                {
                    "username": "Personen är redan medarbetare i förbundet."
                    if here
                    else "Användarnamnet är upptaget av ett annat konto. Välj ett annat "
                    "användarnamn; ett konto i ett annat förbund kan inte tas över härifrån."
                }
            )
        if not password:
            raise ValidationError({"password": "Ange ett lösenord för det nya kontot."})
        user = User(username=username)
        old = {}
    else:
        if membership.federation_id != federation.pk:
            raise ValidationError("Medlemskapet hör till ett annat förbund.")
        user = membership.user
        old = {
            "roles": list(membership.roles),
            "interventions": sorted(membership.interventions.values_list("code", flat=True)),
            "is_active": membership.is_active,
        }
    managed = account_is_managed_by(user, federation)
    changed_account = []
    if managed:
        for name in ACCOUNT_FIELDS:
            value = (account.get(name) or "").strip()
            if getattr(user, name) != value:
                setattr(user, name, value)
                changed_account.append(name)
        if password:
            validate_password(password, user)
            user.set_password(password)
            changed_account.append("password")
    elif password or any(
        (account.get(name) or "").strip() != getattr(user, name) for name in ACCOUNT_FIELDS
    ):
        raise ValidationError(
            "Kontot används även i ett annat förbund. Namn, e-post och lösenord kan bara "
            "personen själv ändra."
        )
    user.save()
    with federation_scope(federation):
        created = membership is None
        membership = membership or Membership(user=user, federation=federation)
        membership.role = roles[0]
        membership.extra_roles = roles[1:]
        membership.authority = authority
        membership.association = association
        membership.hub = hub
        membership.responsibilities = responsibilities
        membership.is_active = is_active
        membership.save()
        membership.interventions.set(interventions)
        new = {
            "roles": list(membership.roles),
            "interventions": sorted(i.code for i in interventions),
            "is_active": is_active,
        }
        audit.log(
            actor=actor,
            action=AuditEntry.Action.CREATE if created else AuditEntry.Action.UPDATE,
            obj=membership,
            federation=federation,
            detail={
                "user_id": user.pk,
                "old": old,
                "new": new,
                "account_fields": changed_account,
            },
        )
    return membership


@transaction.atomic
def token_create(*, user, name: str = "") -> tuple[ApiToken, str]:
    """Create an API token. Returns the row and the key, which is never stored in clear."""
    key = ApiToken.new_key()
    token = ApiToken.objects.create(
        user=user,
        name=name,
        key_prefix=key[: ApiToken.PREFIX_LENGTH],
        key_hash=ApiToken.hash_key(key),
    )
    return token, key


def token_revoke(*, token: ApiToken) -> None:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])


def login_username(username: str) -> str:
    """The username as throttling counts it: as the login form reads it (surrounding spaces
    removed, Unicode compatibility forms folded) and without regard to case."""
    return unicodedata.normalize("NFKC", username or "").strip().casefold()[:150]


def login_is_throttled(*, username: str, ip_address: str | None) -> bool:
    """True when the account or the address has failed too often inside the window.

    The account and the address are counted separately. Failures for an account lock it
    from every address. Failures from an address refuse further attempts from it only for
    accounts that have never logged in from that address: someone trying made-up or other
    people's usernames from an office does not lock out the people who work there."""
    since = timezone.now() - timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)
    name = login_username(username)
    recent = LoginFailure.objects.filter(time__gte=since)
    limit = settings.LOGIN_FAILURE_LIMIT
    if recent.filter(username=name).count() >= limit:
        return True
    if not ip_address:
        return False
    # One address may try a few more usernames than one username may be tried, so that a
    # shared office address is not locked by one person mistyping.
    if recent.filter(ip_address=ip_address).count() < limit * 4:
        return False
    known = LoginAddress.objects.filter(
        user__username__iexact=name,
        ip_address=ip_address,
        last_success__gte=timezone.now() - KNOWN_ADDRESS_FOR,
    )
    return not known.exists()


def _log_in_each_federation(*, user, action: str, detail: dict | None = None) -> None:
    for membership in memberships_for(user):
        with federation_scope(membership.federation):
            audit.log(actor=user, action=action, obj=user, object_type="user", detail=detail)


@transaction.atomic
def login_failure_record(*, username: str, ip_address: str | None) -> None:
    LoginFailure.objects.create(username=login_username(username), ip_address=ip_address)
    user = User.objects.filter(username__iexact=login_username(username)).first()
    if user is not None:
        # Attempts against a known account appear in the log of each federation it belongs to.
        _log_in_each_federation(user=user, action=AuditEntry.Action.FAILED_LOGIN)


@transaction.atomic
def login_success_record(*, user, ip_address: str | None) -> None:
    """A login that passed the throttle (an account it locks never gets this far): its own
    earlier failures are forgotten, and the address becomes one the user is known from."""
    LoginFailure.objects.filter(username=login_username(user.username)).delete()
    if ip_address:
        LoginAddress.objects.update_or_create(
            user=user, ip_address=ip_address, defaults={"last_success": timezone.now()}
        )
    _log_in_each_federation(user=user, action=AuditEntry.Action.LOGIN)


def logout_record(*, user) -> None:
    _log_in_each_federation(user=user, action=AuditEntry.Action.LOGOUT)


@transaction.atomic
def organisation_save(*, actor, form) -> object:
    """Save an organisation form (authority, hub, working group, association) and log it."""
    created = form.instance.pk is None
    instance = form.save()
    audit.log(
        actor=actor,
        action=AuditEntry.Action.CREATE if created else AuditEntry.Action.UPDATE,
        obj=instance,
        detail={"fields": sorted(form.changed_data)},
    )
    return instance


ACCOUNT_PROFILE_FIELDS = ("first_name", "last_name", "email", "phone", "title")


@transaction.atomic
def account_update(*, user, changes: dict) -> list[str]:
    """The person's own account: name and contact details (accounts belong to people, so only
    they change them once the account is used in more than one federation). Logged in each
    federation the person works in, without the values."""
    changed = []
    for name in ACCOUNT_PROFILE_FIELDS:
        value = (changes.get(name) or "").strip()
        if getattr(user, name) != value:
            setattr(user, name, value)
            changed.append(name)
    if changed:
        user.save(update_fields=changed)
        _log_in_each_federation(
            user=user, action=AuditEntry.Action.UPDATE, detail={"fields": changed}
        )
    return changed


@transaction.atomic
def account_password_changed(*, user) -> None:
    _log_in_each_federation(
        user=user, action=AuditEntry.Action.UPDATE, detail={"fields": ["password"]}
    )

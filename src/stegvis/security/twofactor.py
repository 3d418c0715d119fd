"""Two-factor authentication: a TOTP app (django-otp) and single-use recovery codes.

Who must use it: every role that reads personal data, in a federation whose setting
``two_factor_required`` is on (the product default). Everyone else may enrol; once a user has
enrolled, every login asks for a code. A session is verified when django-otp's session key
names one of the user's confirmed devices (``django_otp.login``).
"""

from __future__ import annotations

import segno
from django.db import transaction
from django_otp import devices_for_user, user_has_device
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from stegvis.core import services as core_services
from stegvis.core.access import memberships_for
from stegvis.core.models import AuditEntry
from stegvis.participants.access import can_see_personal_data

RECOVERY_CODES = 10
APP_DEVICE_NAME = "Autentiseringsapp"
RECOVERY_DEVICE_NAME = "Reservkoder"


def required_for_membership(membership) -> bool:
    return bool(membership) and (
        bool(membership.federation.setting("two_factor_required"))
        and can_see_personal_data(membership)
    )


def required_for(user) -> bool:
    """True when any of the user's memberships reads personal data where it is required."""
    return any(required_for_membership(m) for m in memberships_for(user))


def has_device(user) -> bool:
    return user_has_device(user, confirmed=True)


def is_verified(request) -> bool:
    user = request.user
    verified = getattr(user, "is_verified", None)
    if verified is not None:
        return bool(verified())
    return False


def pending_app_device(user) -> TOTPDevice:
    """The unconfirmed app device being enrolled (a new secret if none is pending)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)
    return device


def qr_svg(device: TOTPDevice) -> str:
    """The enrolment address as an inline SVG QR code (no script, no external image)."""
    return segno.make(device.config_url, error="m").svg_inline(scale=4, light="#fff", title="QR")


def secret_text(device: TOTPDevice) -> str:
    """The secret in base32, grouped by four, for typing into an app by hand."""
    from base64 import b32encode

    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def _digits(token: str) -> str:
    return "".join((token or "").split())


@transaction.atomic
def enrol_confirm(*, request, device: TOTPDevice, token: str) -> list[str] | None:
    """Confirm the pending app device with a code from the app; returns new recovery codes
    (shown once), or None when the code is wrong. The session is then verified."""
    if device.user_id != request.user.pk or not device.verify_token(_digits(token)):
        return None
    TOTPDevice.objects.filter(user=request.user, confirmed=True).exclude(pk=device.pk).delete()
    TOTPDevice.objects.filter(user=request.user, confirmed=False).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = recovery_codes_create(user=request.user)
    otp_login(request, device)
    core_services._log_in_each_federation(
        user=request.user, action=AuditEntry.Action.UPDATE, detail={"two_factor": "enrolled"}
    )
    return codes


@transaction.atomic
def recovery_codes_create(*, user) -> list[str]:
    """A new set of single-use recovery codes; the old ones stop working."""
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    return codes


def verify(*, request, token: str):
    """Verify the session with a code from the app or a recovery code; the device or None.

    Each device counts its own failures and refuses for a growing time after each
    (django-otp's throttling), so codes cannot be guessed."""
    token = _digits(token)
    if not token:
        return None
    with transaction.atomic():
        for device in devices_for_user(request.user, confirmed=True, for_verify=True):
            if device.verify_token(token):
                break
        else:
            device = None
    if device is None:
        core_services._log_in_each_federation(
            user=request.user,
            action=AuditEntry.Action.FAILED_LOGIN,
            detail={"two_factor": "wrong code"},
        )
        return None
    otp_login(request, device)
    detail = {"two_factor": "recovery code" if isinstance(device, StaticDevice) else "app"}
    core_services._log_in_each_federation(
        user=request.user, action=AuditEntry.Action.LOGIN, detail=detail
    )
    return device


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


@transaction.atomic
def reset(*, user) -> None:
    """Remove every device of a user (a lost phone and lost codes): the next login enrols."""
    for device in devices_for_user(user, confirmed=None):
        device.delete()

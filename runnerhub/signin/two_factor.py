"""Two-factor sign-in for staff (django-otp): an authenticator app (a TOTP device) and ten
single-use recovery codes (a static device), and who must have them (ADMIN_2FA_REQUIRED).

An account "has two-factor" once it has a confirmed app. A session of such an account that
has not passed a code since the password is only half signed in: runnerhub.signin.middleware
sends it to the code page in admin and treats it as anonymous everywhere else.
"""

from base64 import b32encode

import django_otp
from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

RECOVERY_CODES = 10
CODE, SETUP = "code", "setup"  # the second steps a session may still owe


def required_for(user) -> bool:
    """Whether ADMIN_2FA_REQUIRED makes two-factor sign-in compulsory for this account."""
    policy = settings.ADMIN_2FA_REQUIRED
    return bool(
        user.is_staff and (policy == "staff" or (policy == "superusers" and user.is_superuser))
    )


def has_app(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def has_app_exists() -> Exists:
    """has_app as an expression, for lists of accounts (one query for the whole list)."""
    return Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True))


def second_step(user) -> str | None:
    """What a signed-in staff account must still do before admin: CODE (enter a code from its
    app), SETUP (set an app up first, when required), or None."""
    if not (user.is_authenticated and user.is_staff):
        return None
    if getattr(user, "is_verified", lambda: False)():  # OTPMiddleware: a code passed
        return None
    if has_app(user):
        return CODE
    return SETUP if required_for(user) else None


def normalise(code: str) -> str:
    """What people type, as stored: no spaces or dashes, lower case (recovery codes)."""
    return "".join(code.split()).replace("-", "").lower()


def check_code(user, code: str) -> tuple[Device | None, bool]:
    """The device a code from the app or a recovery code belongs to (a recovery code is used
    up), or None; and whether a device refused to check at all because of too many wrong
    codes in a row (django-otp's throttling, doubling the wait after each)."""
    token = normalise(code)
    model = TOTPDevice if token.isdigit() and len(token) == 6 else StaticDevice
    throttled = False
    for device in model.objects.devices_for_user(user, confirmed=True):
        if not device.verify_is_allowed()[0]:
            throttled = True
        elif django_otp.verify_token(user, device.persistent_id, token):
            return device, False
    return None, throttled


def pending_app(user) -> TOTPDevice:
    """The app being set up: one unconfirmed device, the same on every visit, so the QR code
    stays what was scanned."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)


def readable_key(device: TOTPDevice) -> str:
    """The app's secret as people type it into an app without a camera: base32 in fours."""
    key = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def readable_code(token: str) -> str:
    return f"{token[:4]}-{token[4:]}"


@transaction.atomic
def recovery_codes_renew(*, user) -> list[str]:
    """Ten new recovery codes, replacing any earlier ones; each signs in once."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    tokens = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=t) for t in tokens])
    return [readable_code(token) for token in tokens]


@transaction.atomic
def two_factor_enable(*, device: TOTPDevice) -> list[str]:
    """The app is confirmed (its first code was right): it becomes the account's only app,
    with new recovery codes, which are returned to be shown once."""
    TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return recovery_codes_renew(user=device.user)


@transaction.atomic
def two_factor_reset(*, users) -> None:
    """The accounts' apps and recovery codes go; each sets up again at its next sign-in if
    required (a lost phone, or staff turning it off where it is not required)."""
    TOTPDevice.objects.filter(user__in=users).delete()
    StaticDevice.objects.filter(user__in=users).delete()


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()

"""System checks for the settings that staff sign-in rests on."""

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

OTP = "django_otp.middleware.OTPMiddleware"
GATE = "runnerhub.signin.middleware.two_factor_gate"


@register(Tags.security)
def two_factor_gate_installed(app_configs, **kwargs):
    middleware = list(settings.MIDDLEWARE)
    if OTP in middleware and GATE in middleware and middleware.index(OTP) < middleware.index(GATE):
        return []
    return [
        Error(
            "Two-factor sign-in is not enforced: MIDDLEWARE needs django-otp's OTPMiddleware "
            "and then runnerhub.signin.middleware.two_factor_gate.",
            id="runnerhub.E001",
        )
    ]


@register(Tags.security, deploy=True)
def superusers_need_two_factor(app_configs, **kwargs):
    if settings.ADMIN_2FA_REQUIRED != "none":
        return []
    return [
        Warning(
            "ADMIN_2FA_REQUIRED is none: a superuser's password alone opens the whole admin.",
            hint="Set ADMIN_2FA_REQUIRED=superusers (the default without DEBUG) or staff.",
            id="runnerhub.W001",
        )
    ]

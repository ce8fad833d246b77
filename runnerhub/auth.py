from django.conf import settings
from django.contrib.auth.backends import ModelBackend

# The demo logins printed by `make run` carry this email domain (.test is reserved, RFC 2606).
DEMO_EMAIL_DOMAIN = "@demo.runnerhub.test"


class RunnerHubBackend(ModelBackend):
    """Django's backend, except that the well-known demo logins only work with DEBUG on, so a
    demo database promoted to production cannot be entered with a published password."""

    def user_can_authenticate(self, user) -> bool:
        if not settings.DEBUG and (user.email or "").endswith(DEMO_EMAIL_DOMAIN):
            return False
        return super().user_can_authenticate(user)

"""Load the demo content of every app and make sure the local demo logins exist.

The apps' content loads in the order of demo.loader.LOADERS. Running it again adds nothing
twice.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from demo.loader import load_all
from runnerhub.auth import DEMO_EMAIL_DOMAIN
from runnerhub.permissions import EDITORS, MEDICAL_REVIEWERS, MODERATORS

DEMO_LOGINS = [
    # (username, password, superuser, groups)
    ("admin", "runnerhub-admin", True, ()),
    ("editor", "runnerhub-editor", False, (EDITORS, MODERATORS, MEDICAL_REVIEWERS)),
]


class Command(BaseCommand):
    help = "Load the demo content and the local demo logins (only with DEBUG on)."

    def handle(self, *args, **options):
        # The app is installed only with DEBUG on; this also covers settings that install it
        # otherwise (the test settings do) and DEBUG turned off at run time.
        if not settings.DEBUG:
            raise CommandError(
                "The demo content and its well-known logins exist only with DEBUG on; "
                "refusing to load them into what looks like a production site."
            )
        load_all(stdout=self.stdout, style=self.style)
        self._ensure_logins()

    def _ensure_logins(self) -> None:
        User = get_user_model()
        self.stdout.write(self.style.MIGRATE_HEADING("Demo logins (local demo only)"))
        for username, password, superuser, groups in DEMO_LOGINS:
            user, _created = User.objects.get_or_create(
                username=username, defaults={"display_name": "Demo " + username.title()}
            )
            user.email = username + DEMO_EMAIL_DOMAIN
            user.is_staff = user.is_active = True
            user.is_superuser = superuser
            if not user.check_password(password):
                user.set_password(password)
            user.save()
            user.groups.add(*Group.objects.filter(name__in=groups))
            role = "superuser" if superuser else "editor, moderator and medical reviewer"
            self.stdout.write(
                f"  {role:>22}: {settings.SITE_URL}{reverse('admin:index')}  user {username!r}  "
                f"password {password!r}"
            )

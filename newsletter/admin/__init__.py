"""The newsletter in admin, made for editors: issues (issues.py: compose, preview, test,
schedule or send, follow the progress) and subscribers (subscribers.py: counts, consent
record, CSV export and import). Importing the modules registers their ModelAdmins."""

from .forms import IssueAdminForm, SubscriberAdminForm
from .issues import IssueAdmin
from .subscribers import SubscriberAdmin

__all__ = ["IssueAdmin", "IssueAdminForm", "SubscriberAdmin", "SubscriberAdminForm"]

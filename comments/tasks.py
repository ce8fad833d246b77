"""Background work on comments (Django Tasks, run by `manage.py db_worker`)."""

from django.conf import settings
from django_tasks import task

from .services import comment_ips_purge


@task(priority=-20)  # housekeeping: after emails and newsletter sends
def purge_comment_ips() -> int:
    """Clear the IP addresses older than COMMENT_IP_RETENTION_DAYS; return how many."""
    return comment_ips_purge(days=settings.COMMENT_IP_RETENTION_DAYS)

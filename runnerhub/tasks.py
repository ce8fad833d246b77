"""Email through background tasks (Django Tasks API, database backend).

Requests never talk to SMTP: they queue a message after their transaction commits, and a
worker (`manage.py db_worker`) sends it, retrying temporary failures with backoff."""

import logging
import smtplib
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.message import make_msgid
from django.db import transaction
from django.utils import timezone
from django_tasks import task
from django_tasks_db import DatabaseBackend

logger = logging.getLogger(__name__)

# A temporary failure (the SMTP server away, a 4xx) is retried after EMAIL_RETRY_SECONDS
# (30 s, 2, 10 and 30 minutes, then every hour): 50 attempts cover two days of outage.
MAX_ATTEMPTS = 50


def _site_host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def _clean_header(value: str) -> str:
    # No CR/LF can ever reach a header: subjects are built from text people typed.
    return " ".join(str(value).split())


@task()
def send_email(
    *,
    to: list[str],
    subject: str,
    text: str,
    html: str = "",
    headers: dict | None = None,
    attempt: int = 1,
) -> str:
    # headers carries the Message-ID given when the email was queued: a retry, or a resend
    # after a worker died mid-send, is the same message to the mail systems that see it.
    message = EmailMultiAlternatives(
        subject=_clean_header(subject),
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=to,
        headers={key: _clean_header(value) for key, value in (headers or {}).items()},
    )
    if html:
        message.attach_alternative(html, "text/html")
    try:
        message.send()
    except (smtplib.SMTPException, OSError) as error:
        permanent = isinstance(error, smtplib.SMTPResponseException) and error.smtp_code >= 500
        if permanent or attempt >= MAX_ATTEMPTS:
            logger.error("Giving up on email to %s after %d attempts: %s", to, attempt, error)
            raise
        delays = settings.EMAIL_RETRY_SECONDS
        delay = delays[min(attempt - 1, len(delays) - 1)]
        logger.warning("Email to %s failed (%s); retrying in %d s", to, error, delay)
        retry = send_email
        if retry.get_backend().supports_defer:
            retry = retry.using(run_after=timezone.now() + timedelta(seconds=delay))
        retry.enqueue(
            to=to, subject=subject, text=text, html=html, headers=headers, attempt=attempt + 1
        )
        return "retrying"
    return "sent"


def queue_email(
    *, to: list[str], subject: str, text: str, html: str = "", headers: dict | None = None
) -> None:
    """Send an email from a worker once the current transaction has committed, under a
    Message-ID of its own from now on (retries and resends keep it)."""
    headers = {**(headers or {}), "Message-ID": make_msgid(domain=_site_host())}

    def enqueue():
        send_email.enqueue(to=to, subject=subject, text=text, html=html, headers=headers)

    if isinstance(send_email.get_backend(), DatabaseBackend):
        # The task is a row in the same database: written in the same transaction as what
        # the email is about, both are kept or neither. (Queued after the commit, a database
        # lost between the two would keep a sign-up whose confirmation never goes, and a
        # repeated sign-up sends none for an hour.) Workers see it only once committed.
        enqueue()
    else:
        transaction.on_commit(enqueue)

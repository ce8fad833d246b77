"""System checks for the settings the newsletter's promises rest on."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Warning, register

# One message is four SMTP round trips (MAIL, RCPT, DATA, the message), each of which may
# take EMAIL_TIMEOUT; a batch's lease is renewed when half of it is left.
ROUND_TRIPS = 4


@register()
def lease_outlasts_a_message(app_configs, **kwargs):
    needed = 2 * ROUND_TRIPS * settings.EMAIL_TIMEOUT
    if needed <= settings.NEWSLETTER_LEASE_SECONDS:
        return []
    return [
        Warning(
            f"NEWSLETTER_LEASE_SECONDS ({settings.NEWSLETTER_LEASE_SECONDS}) is shorter than "
            f"8 × EMAIL_TIMEOUT ({needed}): a message on a slow SMTP server could outlast half "
            "a lease, and another worker could send it again.",
            hint=f"Set NEWSLETTER_LEASE_SECONDS to at least {needed}, or lower EMAIL_TIMEOUT.",
            id="newsletter.W001",
        )
    ]


@register()
def unsubscribe_links_are_https(app_configs, **kwargs):
    if settings.DEBUG or urlsplit(settings.SITE_URL).scheme == "https":
        return []
    return [
        Warning(
            f"SITE_URL ({settings.SITE_URL}) is not https: newsletter emails would carry an "
            "http List-Unsubscribe link, which mail providers do not offer as one-click.",
            hint="Set SITE_URL to the site's https address, e.g. https://advice.example.com.",
            id="newsletter.W002",
        )
    ]


@register()
def bounce_webhooks_can_be_verified(app_configs, **kwargs):
    anymail = getattr(settings, "ANYMAIL", {})
    if (
        settings.DEBUG
        or anymail.get("WEBHOOK_SECRET")
        or anymail.get("MAILGUN_WEBHOOK_SIGNING_KEY")
    ):
        return []
    return [
        Warning(
            "Neither ANYMAIL_WEBHOOK_SECRET nor MAILGUN_WEBHOOK_SIGNING_KEY is set: the mail "
            "provider's bounce and complaint webhooks refuse every post, so a bounce or a spam "
            "complaint reported after the send is never seen (only 5xx refusals during the "
            "send suppress an address).",
            hint="Set ANYMAIL_WEBHOOK_SECRET to a long random user:password and give the "
            "provider https://user:password@<site>/newsletter/webhooks/<provider>/.",
            id="newsletter.W003",
        )
    ]

"""Bounces and complaints that mail providers report later, through django-anymail's
tracking webhooks (`/newsletter/webhooks/<provider>/`).

Anymail verifies each post (HTTP basic auth with ANYMAIL_WEBHOOK_SECRET; Mailgun's HMAC
signature with MAILGUN_WEBHOOK_SIGNING_KEY) and turns the provider's payload into
normalized events, which `record_tracking_event` hands to newsletter.suppression. A
provider whose secret is not set is refused outright (anymail alone would only warn and
accept anyone's post); a post that fails verification is refused and logged, and so is a
payload that cannot be read (a 400, never a 500: the provider need not retry it), such as
a timestamp far beyond the year 9999 or a batch shape anymail refuses.

A signed Mailgun post cannot be replayed: as Mailgun advises, its signature's timestamp
must be within NEWSLETTER_WEBHOOK_MAX_AGE seconds of now (15 minutes by default) and its
token must not have been seen before (kept in the cache for as long)."""

import hashlib
import json
import logging
import math
import time

from anymail.exceptions import (
    AnymailConfigurationError,
    AnymailError,
    AnymailWebhookValidationFailure,
)
from anymail.signals import AnymailTrackingEvent, EventType, RejectReason
from anymail.webhooks.brevo import BrevoTrackingWebhookView
from anymail.webhooks.mailgun import MailgunTrackingWebhookView
from anymail.webhooks.postmark import PostmarkTrackingWebhookView
from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from runnerhub.outages import cache_failed

from .models import Subscriber
from .services import subscribers_unsubscribe
from .suppression import subscriber_bounce, subscriber_complain

logger = logging.getLogger(__name__)


class FreshMailgunWebhookView(MailgunTrackingWebhookView):
    """anymail's Mailgun view, which checks the signature, and refuses a replayed post: a
    signature older (or newer) than NEWSLETTER_WEBHOOK_MAX_AGE, or a token seen before."""

    def validate_request(self, request):
        super().validate_request(request)  # the signature is Mailgun's
        if request.content_type == "application/json":
            signature = json.loads(request.body.decode("utf-8"))["signature"]
            timestamp, token = signature["timestamp"], signature["token"]
        else:
            timestamp, token = request.POST["timestamp"], request.POST["token"]
        max_age = settings.NEWSLETTER_WEBHOOK_MAX_AGE
        try:
            signed_at = float(timestamp)
        except (TypeError, ValueError):
            signed_at = math.nan
        if not abs(time.time() - signed_at) <= max_age:  # NaN and infinity fail too
            raise AnymailWebhookValidationFailure(
                f"Mailgun webhook signed at {str(timestamp)[:40]!r}, not within {max_age}s of now"
            )
        digest = hashlib.sha256(str(token).encode("utf-8", "surrogatepass")).hexdigest()
        key = f"newsletter:mailgun-token:{digest}"
        try:
            first = cache.add(key, 1, timeout=max_age + 60)
        except Exception:  # the cache is away: the timestamp still bounds a replay
            cache_failed("Mailgun webhook tokens")
            first = True
        if not first:
            raise AnymailWebhookValidationFailure("Mailgun webhook token seen before (a replay)")
        self.token_key = key

    def post(self, request, *args, **kwargs):
        try:
            return super().post(request, *args, **kwargs)
        except Exception:
            # Not recorded (the database away, say): the provider's retry of this very post
            # must not be refused as a replay.
            if getattr(self, "token_key", None):
                try:
                    cache.delete(self.token_key)
                except Exception:
                    cache_failed("Mailgun webhook tokens")
            raise


# Providers that anymail supports officially (it has dropped SendGrid); more are one line.
PROVIDERS = {
    "brevo": BrevoTrackingWebhookView,
    "mailgun": FreshMailgunWebhookView,
    "postmark": PostmarkTrackingWebhookView,
}
# Which setting proves a post came from the provider: its signature key, or basic auth.
SECRETS = {"mailgun": "MAILGUN_WEBHOOK_SIGNING_KEY"}
# What anymail and the JSON parser raise on a payload they cannot read: OverflowError and
# OSError for a timestamp beyond what datetime holds, AnymailConfigurationError for a batch
# shape it refuses, RecursionError for JSON nested too deep.
UNREADABLE = (
    RecursionError,  # JSON nested deeper than the parser's stack
    AnymailError,
    AnymailConfigurationError,
    ValueError,
    KeyError,
    TypeError,
    AttributeError,
    UnicodeError,
    OverflowError,
    OSError,
)


def can_verify(provider: str) -> bool:
    return bool(settings.ANYMAIL.get(SECRETS.get(provider, "WEBHOOK_SECRET")))


@csrf_exempt  # a provider's server posts here; anymail verifies the post itself
@require_POST
def tracking(request: HttpRequest, provider: str) -> HttpResponse:
    view = PROVIDERS.get(provider)
    if view is None:
        raise Http404("No such mail provider.")
    if not can_verify(provider):
        logger.warning(
            "Refused a %s webhook: it cannot be verified until %s is set",
            provider,
            SECRETS.get(provider, "ANYMAIL_WEBHOOK_SECRET"),
        )
        return HttpResponse("This webhook is not configured.", status=403)
    try:
        return view.as_view()(request)
    except AnymailWebhookValidationFailure as error:
        logger.warning("Refused a %s webhook that failed verification: %s", provider, error)
        return HttpResponse("Not verified.", status=403)
    except UNREADABLE as error:
        logger.warning("Refused a %s webhook that could not be read: %r", provider, error)
        return HttpResponse("Unreadable payload.", status=400)


def _soft(event: AnymailTrackingEvent, esp_name: str) -> bool:
    """A soft bounce, which anymail reports as "bounced" like a hard one."""
    esp_event = event.esp_event if isinstance(event.esp_event, dict) else {}
    if esp_name == "Postmark":
        return esp_event.get("Type") == "SoftBounce"
    return esp_name == "Brevo" and esp_event.get("event") == "soft_bounce"


def record_tracking_event(sender, event: AnymailTrackingEvent, esp_name: str, **kwargs) -> None:
    """anymail's `tracking` signal: bounces, complaints and provider-side unsubscribes."""
    email = event.recipient if isinstance(event.recipient, str) else ""
    if not email or len(email) > 254 or "\x00" in email:  # no subscriber's address
        return
    source = f"{esp_name} webhook"
    reason = event.mta_response or event.description or event.reject_reason or event.event_type
    kind = event.event_type
    if kind == EventType.COMPLAINED:
        subscriber_complain(email=email, reason=reason, source=source)
    elif kind == EventType.BOUNCED:
        subscriber_bounce(
            email=email, permanent=not _soft(event, esp_name), reason=reason, source=source
        )
    elif kind == EventType.DEFERRED and esp_name in ("Mailgun", "Postmark"):
        # Their "temporary failure" after the provider's own retries: a soft bounce. (Other
        # providers report each deferral while they still retry, which says nothing yet.)
        subscriber_bounce(email=email, permanent=False, reason=reason, source=source)
    elif kind == EventType.REJECTED and event.reject_reason in (
        RejectReason.BOUNCED,
        RejectReason.INVALID,
    ):
        subscriber_bounce(email=email, permanent=True, reason=reason, source=source)
    elif kind == EventType.UNSUBSCRIBED:
        subscribers_unsubscribe(subscribers=Subscriber.objects.filter(email__iexact=email))

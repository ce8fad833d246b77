from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from runnerhub.sanitize import sanitize_html

CONSENT_TEXT = (
    "Yes, email me RunnerHub's weekly newsletter with gear, offers and events. "
    "I can unsubscribe at any time with one click."
)


class Subscriber(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for confirmation")
        ACTIVE = "active", _("Subscribed")
        UNSUBSCRIBED = "unsubscribed", _("Unsubscribed")
        # Suppressed: never mailed again until the person confirms afresh (double opt-in).
        BOUNCED = "bounced", _("Bounced")
        COMPLAINED = "complained", _("Complained (spam)")

    email = models.EmailField(_("email"), max_length=254)
    first_name = models.CharField(_("first name"), max_length=80, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PENDING
    )
    created_at = models.DateTimeField(_("signed up"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    unsubscribed_at = models.DateTimeField(_("unsubscribed"), null=True, blank=True)
    confirmation_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    # What was consented to, when, and where: the record of a real opt-in.
    consent_text = models.TextField(_("consent wording"), blank=True)
    consent_at = models.DateTimeField(_("consented"), null=True, blank=True)
    consent_source = models.CharField(_("signed up on"), max_length=300, blank=True)
    # Why the address is no longer mailed (bounced or complained), when, and who said so.
    suppressed_at = models.DateTimeField(_("suppressed"), null=True, blank=True)
    suppressed_reason = models.CharField(_("suppression reason"), max_length=300, blank=True)
    suppressed_source = models.CharField(
        _("reported by"),
        max_length=40,
        blank=True,
        help_text=_("SMTP (refused while sending), or the mail provider's webhook."),
    )
    # Soft bounces (a full mailbox, a server away) since soft_bounce_since: the address is
    # suppressed after SOFT_BOUNCE_LIMIT of them within SOFT_BOUNCE_DAYS.
    soft_bounces = models.PositiveSmallIntegerField(_("soft bounces"), default=0)
    soft_bounce_since = models.DateTimeField(_("first soft bounce"), null=True, blank=True)

    # The record beyond the address: when they signed up, confirmed and left, and what they
    # agreed to, when and where. Editors never change it (admin); an export carries it.
    RECORD_FIELDS = (
        "created_at",
        "confirmed_at",
        "unsubscribed_at",
        "consent_text",
        "consent_at",
        "consent_source",
    )
    # Why the address is no longer mailed; shown in admin, never edited there.
    SUPPRESSION_FIELDS = (
        "suppressed_at",
        "suppressed_reason",
        "suppressed_source",
        "soft_bounces",
        "soft_bounce_since",
    )
    SUPPRESSED = (Status.BOUNCED, Status.COMPLAINED)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("subscriber")
        verbose_name_plural = _("subscribers")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="subscriber_email_unique_ci"),
            models.CheckConstraint(
                condition=~Q(status="active") | Q(confirmed_at__isnull=False),
                name="subscriber_active_is_confirmed",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["bounced", "complained"]) | Q(suppressed_at__isnull=False),
                name="subscriber_suppressed_has_time",
            ),
        ]
        indexes = [models.Index(fields=["status"], name="subscriber_status_idx")]

    def __str__(self) -> str:
        return self.email


def issue_campaign(number: int, subject: str) -> str:
    """The issue's slug, as UTM campaign of its shop links: "12-calf-raises-and-rollers"."""
    return f"{number}-{slugify(subject)}"[:80].rstrip("-")


class IssueQuerySet(models.QuerySet):
    def published(self):
        """Issues the public may read on the web: sending or sent (a subscriber opens the
        web version while the send is still going), newest first. Drafts and scheduled
        issues are never public."""
        return self.filter(status__in=Issue.LOCKED, started_at__isnull=False).order_by(
            "-started_at", "-pk"
        )


class Issue(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SCHEDULED = "scheduled", _("Scheduled")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")

    SENDING_STATE = ("status", "started_at", "finished_at")
    # Sending or sent: the record of what went out, which no longer changes and is never
    # sent again (newsletter.services.issue_lock_unsent guards it).
    LOCKED = (Status.SENDING, Status.SENT)

    subject = models.CharField(_("subject"), max_length=150)
    preheader = models.CharField(
        _("preheader"),
        max_length=150,
        blank=True,
        help_text=_("The grey line mail apps show after the subject."),
    )
    body = models.TextField(_("body"))  # rich text: runnerhub.widgets.RichTextEditor in admin
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT, editable=False
    )
    send_at = models.DateTimeField(_("send at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    started_at = models.DateTimeField(null=True, blank=True, editable=False)
    finished_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = IssueQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("newsletter issue")
        verbose_name_plural = _("newsletter issues")
        permissions = [("send_issue", _("Can send a newsletter issue to subscribers"))]

    def __str__(self) -> str:
        return self.subject

    def save(self, *args, **kwargs):
        self.body = sanitize_html(self.body)  # derived: only the allowlist is ever stored
        if not self._state.adding and kwargs.get("update_fields") is None:
            # The sending state is written only by newsletter.sending, with UPDATEs: an
            # editor's save that began before a send started must not put it back to draft.
            kwargs["update_fields"] = [
                f.name
                for f in self._meta.concrete_fields
                if not f.primary_key and f.name not in self.SENDING_STATE
            ]
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        # The issue's number: stable however its subject reads (a sent issue never changes).
        return reverse("newsletter:issue", kwargs={"number": self.pk})

    @property
    def campaign(self) -> str:
        return issue_campaign(self.pk, self.subject)

    @property
    def is_public(self) -> bool:
        return self.status in self.LOCKED and self.started_at is not None

    @property
    def updated_stamp(self) -> str:
        return self.updated_at.isoformat() if self.updated_at else ""


class Callout(models.Model):
    """An offer or an event shown as a box after the issue's body, in the editors' order."""

    class Kind(models.TextChoices):
        OFFER = "offer", _("Offer")
        EVENT = "event", _("Event")

    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="callouts")
    kind = models.CharField(_("kind"), max_length=5, choices=Kind.choices, default=Kind.OFFER)
    title = models.CharField(_("title"), max_length=120)
    text = models.TextField(_("text"), max_length=600, blank=True)
    when = models.CharField(
        _("when"),
        max_length=80,
        blank=True,
        help_text=_("For events, e.g. “Saturday 14 June, 9am”. Shown as typed."),
    )
    url = models.URLField(
        _("link"), blank=True, help_text=_("Where the button leads (https://…). Optional.")
    )
    button = models.CharField(
        _("button text"), max_length=40, blank=True, help_text=_("Defaults to “Find out more”.")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("offer or event")
        verbose_name_plural = _("offers and events")

    def __str__(self) -> str:
        return self.title


class Delivery(models.Model):
    """One issue to one subscriber. The unique pair is what makes a send exactly-once."""

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Skipped (unsubscribed)")

    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="deliveries")
    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="deliveries")
    state = models.CharField(max_length=8, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    # A worker holds the row until this time; a worker that dies lets it expire. The owner
    # token says which claim holds it, so a slow worker can never release or renew a lease
    # another worker has taken over meanwhile.
    leased_until = models.DateTimeField(null=True, blank=True)
    lease_owner = models.CharField(max_length=32, blank=True, default="")
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(fields=["issue", "subscriber"], name="delivery_once")
        ]
        indexes = [models.Index(fields=["issue", "state"], name="delivery_issue_state_idx")]

    def __str__(self) -> str:
        return f"{self.issue_id} → {self.subscriber_id}: {self.state}"


class LinkClick(models.Model):
    """Clicks on links to the site's own pages in an issue's email (its shop links are the
    shop's ClickCount), per issue, page and day, through /newsletter/<number>/go/. Each
    click is one atomic upsert on its row's key (newsletter.services.link_click_record)."""

    key = models.CharField(max_length=80, unique=True, editable=False)
    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="link_clicks")
    path = models.CharField(_("page"), max_length=300)
    day = models.DateField(_("day"))
    count = models.PositiveIntegerField(_("clicks"), default=0)
    # A reader's first click on anything in the issue (as in the shop's ClickCount).
    issue_readers = models.PositiveIntegerField(_("new readers of the issue"), default=0)

    class Meta:
        verbose_name = _("newsletter link click")
        verbose_name_plural = _("newsletter link clicks")

    def __str__(self) -> str:
        return f"{self.issue_id} {self.path} {self.day}: {self.count}"

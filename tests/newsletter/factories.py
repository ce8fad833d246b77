import factory
from django.utils import timezone

from newsletter.models import CONSENT_TEXT, Callout, Issue, Subscriber


class SubscriberFactory(factory.django.DjangoModelFactory):
    """A confirmed (active) subscriber; pass status=Subscriber.Status.PENDING for one who
    has not confirmed yet."""

    class Meta:
        model = Subscriber

    email = factory.Sequence(lambda n: f"runner{n}@example.com")
    first_name = factory.Faker("first_name")
    status = Subscriber.Status.ACTIVE
    confirmed_at = factory.LazyFunction(timezone.now)
    consent_text = CONSENT_TEXT
    consent_at = factory.LazyFunction(timezone.now)
    consent_source = "/"


class PendingSubscriberFactory(SubscriberFactory):
    status = Subscriber.Status.PENDING
    confirmed_at = None


class IssueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Issue

    subject = factory.Sequence(lambda n: f"This week at RunnerHub #{n}")
    preheader = "New advice on calves, a long-run plan and 20% off foam rollers"
    body = "<h2>This week</h2><p>Three new articles from our physios and coaches.</p>"


def sent_issue(**fields) -> Issue:
    """An issue that went out (`started_at` given or now): public on the web."""
    issue = IssueFactory(**fields)
    started = fields.get("started_at", timezone.now())
    Issue.objects.filter(pk=issue.pk).update(
        status=Issue.Status.SENT, started_at=started, finished_at=started
    )
    issue.refresh_from_db()
    return issue


class CalloutFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Callout

    issue = factory.SubFactory(IssueFactory)
    kind = Callout.Kind.OFFER
    title = "20% off foam rollers this week"
    text = "In the shop and online, until Sunday."
    url = "https://shop.example.com/recovery/"

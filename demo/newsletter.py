"""Demo newsletter: a few subscribers in each state, one issue already sent (its deliveries
recorded, no email actually sent) and next week's draft for editors to try."""

from datetime import timedelta

from django.utils import timezone

from articles.models import Article
from newsletter.models import CONSENT_TEXT, Callout, Delivery, Issue, Subscriber
from newsletter.sending import issue_start

# (email, first name, status, days ago)
SUBSCRIBERS = [
    ("hannah.w@example.com", "Hannah", Subscriber.Status.ACTIVE, 40),
    ("marek.n@example.com", "Marek", Subscriber.Status.ACTIVE, 33),
    ("priya.runs@example.com", "Priya", Subscriber.Status.ACTIVE, 21),
    ("tom.bridges@example.com", "", Subscriber.Status.ACTIVE, 12),
    ("new.reader@example.com", "Sam", Subscriber.Status.PENDING, 0),
    ("moved.on@example.com", "Chris", Subscriber.Status.UNSUBSCRIBED, 60),
]

SENT_SUBJECT = "Hamstrings, hills and a free physio drop-in"
DRAFT_SUBJECT = "Next week: long runs without the aches"


def load(stdout) -> None:
    now = timezone.now()
    for email, first_name, status, days in SUBSCRIBERS:
        signed_up = now - timedelta(days=days)
        _subscriber, created = Subscriber.objects.get_or_create(
            email=email,
            defaults={
                "first_name": first_name,
                "status": status,
                "confirmed_at": None if status == Subscriber.Status.PENDING else signed_up,
                "unsubscribed_at": now - timedelta(days=2)
                if status == Subscriber.Status.UNSUBSCRIBED
                else None,
                "consent_text": CONSENT_TEXT,
                "consent_at": signed_up,
                "consent_source": "/articles/",
            },
        )
        if created:
            Subscriber.objects.filter(email=email).update(created_at=signed_up)
    stdout.write(f"  subscribers: {Subscriber.objects.count()} ({len(SUBSCRIBERS)} in the demo)")
    _sent_issue(now, stdout)
    _draft_issue(stdout)


def _article_link(slug: str, fallback: str) -> str:
    article = Article.objects.public().filter(slug=slug).first()
    if article is None:
        return fallback
    return f'<a href="{article.get_absolute_url()}">{article.title}</a>'


def _sent_issue(now, stdout) -> None:
    if Issue.objects.filter(subject=SENT_SUBJECT).exists():
        stdout.write(f"  issue “{SENT_SUBJECT}”: already there")
        return
    hamstrings = _article_link("hamstring-strains-in-runners", "our hamstring guide")
    issue = Issue.objects.create(
        subject=SENT_SUBJECT,
        preheader="Why hamstrings tighten, how to get back to speed, and what's on at the shop",
        body=(
            "<h2>This week on the blog</h2>"
            f"<p>Our physio team wrote up everything they tell runners with a sore hamstring: "
            f"the two usual causes, what to do in the first week and how to build back to "
            f"speed work. Read {hamstrings}.</p>"
            "<h2>Answered this week</h2>"
            "<ul><li>Calves that feel like rocks after hills: stretch after, strengthen "
            "through the week.</li><li>Starting again after a strain in your first month: "
            "walk breaks and a rest day between runs.</li></ul>"
        ),
    )
    Callout.objects.create(
        issue=issue,
        kind=Callout.Kind.OFFER,
        title="15% off foam rollers and massage balls",
        text="In the shop and online until Sunday, for newsletter readers.",
        url="https://shop.example.com/muscle-recovery/",
        button="Shop muscle recovery",
        position=1,
    )
    Callout.objects.create(
        issue=issue,
        kind=Callout.Kind.EVENT,
        title="Free physio drop-in",
        when="Every Thursday, 6–8pm",
        text="Bring your niggles: ten minutes with one of our physios, no booking needed.",
        position=2,
    )
    added = issue_start(issue)
    sent_at = now - timedelta(days=3)
    # The demo records the send without emailing anyone.
    Delivery.objects.filter(issue=issue).update(
        state=Delivery.State.SENT, sent_at=sent_at, attempts=1
    )
    Issue.objects.filter(pk=issue.pk).update(
        status=Issue.Status.SENT, started_at=sent_at, finished_at=sent_at
    )
    stdout.write(f"  issue “{SENT_SUBJECT}”: added, recorded as sent to {added} subscribers")


def _draft_issue(stdout) -> None:
    _issue, created = Issue.objects.get_or_create(
        subject=DRAFT_SUBJECT,
        defaults={
            "preheader": "A long-run plan, fuelling tips and a beginners' course",
            "body": (
                "<h2>Long runs without the aches</h2><p>Our coaches' advice for building "
                "your long run, a mile at a time.</p>"
            ),
        },
    )
    stdout.write(f"  draft “{DRAFT_SUBJECT}”: {'added' if created else 'already there'}")

import pytest
from django.core import mail
from django.core.management import call_command

from newsletter.models import Delivery, Issue, Subscriber

pytestmark = [pytest.mark.django_db, pytest.mark.demo]


def test_demo_newsletter_is_idempotent_and_sends_nothing(settings, capsys):
    settings.DEBUG = True
    call_command("load_demo")
    out = capsys.readouterr().out
    assert "recorded as sent to 4 subscribers" in out
    sent = Issue.objects.get(status=Issue.Status.SENT)
    assert sent.callouts.count() == 2
    assert 'href="/articles/hamstring-strains-in-runners/"' in sent.body
    assert Delivery.objects.filter(issue=sent, state=Delivery.State.SENT).count() == 4
    assert Issue.objects.filter(status=Issue.Status.DRAFT).count() == 1
    statuses = set(Subscriber.objects.values_list("status", flat=True))
    assert statuses == {"active", "pending", "unsubscribed"}
    counts = (Subscriber.objects.count(), Issue.objects.count(), Delivery.objects.count())
    call_command("load_demo")
    assert "already there" in capsys.readouterr().out
    assert (Subscriber.objects.count(), Issue.objects.count(), Delivery.objects.count()) == counts
    assert not [m for m in mail.outbox if "newsletter" in m.subject.lower()]

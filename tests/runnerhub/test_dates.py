"""One way to show dates and times (runnerhub/dates.py and runnerhub/formats): the thread,
article pages, admin columns and emails all read "May 18, 2013 at 6:07am", in the site's
time zone."""

import re
from datetime import UTC, datetime

import pytest
from django.core import mail
from django.template import Context, Template
from django.utils import timezone

from comments import notifications
from runnerhub import dates
from tests.admin_paths import ADMIN
from tests.articles.factories import ArticleFactory
from tests.comments.factories import CommentFactory, ReplyFactory
from tests.newsletter.factories import SubscriberFactory, sent_issue

SUMMER = datetime(2013, 5, 18, 5, 7, 42, tzinfo=UTC)  # 06:07 in London (BST)
WINTER = datetime(2026, 12, 1, 21, 32, tzinfo=UTC)  # 21:32 in London (GMT)


def test_the_helper_speaks_the_sites_formats_in_its_time_zone():
    assert dates.when(SUMMER) == "May 18, 2013 at 6:07am"
    assert dates.when(WINTER) == "December 1, 2026 at 9:32pm"
    assert dates.day(SUMMER) == "May 18, 2013"
    assert dates.day(SUMMER.date()) == "May 18, 2013"
    assert dates.exact(SUMMER) == "May 18, 2013 at 6:07:42am"


def test_the_same_instant_reads_in_whichever_zone_is_current():
    with timezone.override("America/New_York"):
        assert dates.when(SUMMER) == "May 18, 2013 at 1:07am"
    assert dates.when(SUMMER) == "May 18, 2013 at 6:07am"


def test_clock_gives_the_time_today_and_the_date_on_other_days(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: WINTER)
    assert dates.clock(WINTER.replace(hour=9, minute=5)) == "9:05am"
    assert dates.clock(SUMMER) == "May 18, 2013 at 6:07am"


def test_templates_use_the_same_formats():
    html = Template('{{ m|date }} · {{ m|date:"DATETIME_FORMAT" }} · {{ m }}').render(
        Context({"m": SUMMER})
    )
    assert html == "May 18, 2013 · May 18, 2013 at 6:07am · May 18, 2013 at 6:07am"


@pytest.mark.django_db
def test_thread_article_page_and_admin_columns_agree(admin_client):
    article = ArticleFactory(publish_at=SUMMER, slug="calves")
    question = CommentFactory(article=article, name="Jo", created_at=SUMMER)
    page = admin_client.get(article.get_absolute_url()).content.decode()
    assert '<time datetime="2013-05-18T06:07:42+01:00">May 18, 2013 at 6:07am</time>' in page
    assert ">May 18, 2013</time>" in page  # the byline

    comments = admin_client.get(f"{ADMIN}comments/comment/").content.decode()
    assert "May 18, 2013 at 6:07am" in comments
    assert question.name in comments

    sam = SubscriberFactory(email="sam@example.com")
    type(sam).objects.filter(pk=sam.pk).update(created_at=WINTER)
    subscribers = admin_client.get(f"{ADMIN}newsletter/subscriber/").content.decode()
    assert "December 1, 2026 at 9:32pm" in subscribers  # Django's own column, same format
    assert "p.m." not in subscribers and "21:32" not in subscribers


@pytest.mark.django_db
def test_emails_give_the_same_date(django_capture_on_commit_callbacks):
    reply = ReplyFactory(created_at=WINTER)
    with django_capture_on_commit_callbacks(execute=True):
        notifications.notify_reply(parent=reply.parent, reply=reply)
    message = mail.outbox[-1]
    assert "on December 1, 2026 at 9:32pm:" in message.body
    assert "on December 1, 2026 at 9:32pm:" in message.alternatives[0][0]


# A valid global date and time string with at most milliseconds (HTML's `datetime`).
MACHINE = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d{1,3})?)?(Z|[+-]\d\d:\d\d)")


def test_machine_dates_are_local_and_to_the_second():
    moment = SUMMER.replace(microsecond=123456)
    assert dates.machine(moment) == "2013-05-18T06:07:42+01:00"
    assert dates.machine(WINTER) == "2026-12-01T21:32:00+00:00"


@pytest.mark.django_db
def test_every_time_element_and_meta_date_carries_at_most_milliseconds(client):
    article = ArticleFactory(
        slug="calf-pain",
        title="Calf pain",
        publish_at=timezone.now() - timezone.timedelta(days=3, microseconds=654321),
    )
    CommentFactory(article=article, created_at=timezone.now().replace(microsecond=987654))
    issue = sent_issue(started_at=timezone.now().replace(microsecond=771546))
    urls = ("/", "/articles/calf-pain/", "/search/?q=calf", "/newsletter/archive/")
    pages = [client.get(url).content.decode() for url in (*urls, issue.get_absolute_url())]
    values = [v for page in pages for v in re.findall(r'<time datetime="([^"]*)"', page)]
    values += [
        v
        for page in pages
        for v in re.findall(r'property="article:\w+_time" content="([^"]*)"', page)
    ]
    assert len(values) >= 7  # card, article byline, thread, meta tags, archive, issue (2)
    assert all(MACHINE.fullmatch(value) for value in values), values

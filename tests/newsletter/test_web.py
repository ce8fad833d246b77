"""An issue on the web: its public web version, the archive, their feed and sitemap entries,
and what the email says about them (View in your browser, List-Id)."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from newsletter import sending
from newsletter.emails import build_issue_message
from newsletter.models import Issue
from runnerhub.models import SiteSettings
from tests.hostile import HOSTILE, wire
from tests.newsletter.factories import (
    CalloutFactory,
    IssueFactory,
    SubscriberFactory,
    sent_issue,
)
from tests.runnerhub.factories import warm_page_cache

pytestmark = pytest.mark.django_db


def test_the_web_version_shows_the_issue_and_nothing_personal(client, settings):
    settings.SITE_URL = "https://advice.example.com"
    reader = SubscriberFactory(first_name="Zebedee", email="zebedee@example.com")
    issue = IssueFactory(
        subject="Calf raises, and 20% off rollers",
        preheader="Three new articles",
        body="<h2>This week</h2><p>Strong calves for the long run.</p>",
    )
    CalloutFactory(issue=issue, title="Free physio drop-in", kind="event", when="Sat 9am")
    sending.issue_start(issue)
    sending.run_sender(issue.pk)
    email = build_issue_message(issue, reader)
    url = f"https://advice.example.com/newsletter/{issue.pk}/"
    assert url in email.body and f'href="{url}"' in email.alternatives[0][0]
    assert email.extra_headers["List-Id"] == "RunnerHub newsletter <newsletter.advice.example.com>"

    page = client.get(f"/newsletter/{issue.pk}/").content.decode()
    assert "<h1" in page and "Calf raises, and 20% off rollers" in page
    assert "Strong calves for the long run." in page and "Free physio drop-in" in page
    assert f'<link rel="canonical" href="{url}">' in page
    assert f'<meta property="og:url" content="{url}">' in page
    assert '<meta property="og:title" content="Calf raises, and 20% off rollers">' in page
    # Nothing of any subscriber: no name, no address, no unsubscribe link or token.
    for personal in ("Zebedee", "zebedee@example.com", "/newsletter/unsubscribe/", "Hello "):
        assert personal not in page
    assert "\x00" not in page


@pytest.mark.parametrize("status", [Issue.Status.DRAFT, Issue.Status.SCHEDULED])
def test_drafts_and_scheduled_issues_are_not_public(client, status):
    issue = IssueFactory(subject="Not out yet", send_at=timezone.now() + timedelta(days=1))
    Issue.objects.filter(pk=issue.pk).update(status=status)
    sent_issue(subject="Out already")
    assert client.get(f"/newsletter/{issue.pk}/").status_code == 404
    out = Issue.objects.get(subject="Out already")
    for url in ("/newsletter/archive/", "/newsletter/archive/feed/", "/sitemap-newsletter.xml"):
        body = client.get(url).content.decode()
        assert "Not out yet" not in body and f"/newsletter/{issue.pk}/" not in body
        # Not vacuous: the same page lists the issue that is out.
        assert f"/newsletter/{out.pk}/" in body
    assert "Out already" in client.get("/newsletter/archive/").content.decode()


def test_an_issue_being_sent_is_readable_already(client):
    """Subscribers open "View in your browser" while the send is still going."""
    SubscriberFactory()
    issue = IssueFactory(subject="Going out now")
    sending.issue_start(issue)
    assert client.get(f"/newsletter/{issue.pk}/").status_code == 200


def test_the_archive_lists_sent_issues_newest_first_paginated_with_a_feed(client):
    now = timezone.now()
    for n in range(21):
        sent_issue(subject=f"Issue number {n}", started_at=now - timedelta(days=7 * (21 - n)))
    first = client.get("/newsletter/archive/").content.decode()
    titles = re.findall(r'nl-archive__title"><a href="[^"]+">([^<]+)<', first)
    assert titles[0] == "Issue number 20" and len(titles) == 20
    assert titles == sorted(titles, key=lambda t: -int(t.split()[-1]))
    assert 'rel="next" href="?page=2"' in first
    second = client.get("/newsletter/archive/?page=2").content.decode()
    assert "Issue number 0<" in second and "Issue number 20<" not in second
    assert '<link rel="canonical" href="http' in second and "archive/?page=2" in second
    assert client.get("/newsletter/archive/?page=3").status_code == 404
    feed = client.get("/newsletter/archive/feed/").content.decode()
    assert feed.count("<item>") == 20 and "Issue number 20" in feed
    assert client.get("/newsletter/archive/feed/atom/").status_code == 200


def test_sent_issues_are_in_the_sitemap(client):
    issue = sent_issue()
    index = client.get("/sitemap.xml").content.decode()
    assert "/sitemap-newsletter.xml</loc>" in index
    sitemap = client.get("/sitemap-newsletter.xml")
    assert sitemap.status_code == 200
    assert f"/newsletter/{issue.pk}/</loc>" in sitemap.content.decode()
    assert "/newsletter/archive/</loc>" in client.get("/sitemap-pages.xml").content.decode()


def test_starting_a_send_makes_a_new_page_generation(django_capture_on_commit_callbacks):
    """The archive and the web version (cached public pages) show the issue at once."""
    from runnerhub import pagecache

    SubscriberFactory()
    issue = IssueFactory()
    pagecache._new_generation()
    before = pagecache._generation()
    with django_capture_on_commit_callbacks(execute=True):
        sending.issue_start(issue)
    assert pagecache._generation() != before


# (url, queries): the paginator's count and the page of issues, or the issue and its
# callouts; and the header's topic menu. The same at 21 and at 45 issues (two and three
# pages of the archive).
PAGES = {
    "archive": ("/newsletter/archive/", 3),
    "archive page 2": ("/newsletter/archive/?page=2", 3),
    "issue": ("/newsletter/{issue}/", 3),
    "feed": ("/newsletter/archive/feed/", 1),
}


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize("count", [21, 45])
def test_query_counts_are_pinned(client, django_assert_num_queries, name, count):
    issues = [sent_issue(subject=f"Issue {n}") for n in range(count)]
    for issue in issues:
        CalloutFactory.create_batch(2, issue=issue)
    url, expected = PAGES[name]
    SiteSettings.load()
    warm_page_cache()
    with django_assert_num_queries(expected):
        response = client.get(url.format(issue=issues[-1].pk))
    assert response.status_code == 200


@pytest.mark.parametrize(
    "template",
    [
        "/newsletter/{}/",
        "/newsletter/archive/?page={}",
        "/newsletter/{issue}/go/?next={}",
        "/newsletter/{issue}/go/?next=/{}",
    ],
)
def test_hostile_addresses_are_never_a_server_error(client, template):
    """Also the counted link of an issue that went out, which stores what it follows."""
    template = template.replace("{issue}", str(sent_issue().pk))
    failures = []
    for value in HOSTILE:
        status = (
            Client(raise_request_exception=False, HTTP_USER_AGENT="Mozilla/5.0")
            .get(template.replace("{}", wire(value)))
            .status_code
        )
        if status >= 500:
            failures.append((value[:40], status))
    assert failures == []


@pytest.mark.parametrize(
    "url", ["/newsletter/archive/", "/newsletter/{issue}/", "/newsletter/archive/feed/"]
)
def test_the_pages_are_public_pages_that_a_send_renews(
    client, url, django_capture_on_commit_callbacks
):
    """Cached for everyone (no cookie, s-maxage), and a new issue shows on the next request."""
    issue = sent_issue(subject="The first issue")
    url = url.format(issue=issue.pk)
    SiteSettings.load()
    first = client.get(url)
    assert first.status_code == 200 and not first.cookies
    assert "public" in first["Cache-Control"] and "s-maxage" in first["Cache-Control"]
    assert client.get(url).get("X-Page-Cache") == "hit"
    SubscriberFactory()
    with django_capture_on_commit_callbacks(execute=True):
        sending.issue_start(IssueFactory(subject="The second issue"))
    again = client.get(url)
    assert again.get("X-Page-Cache") != "hit"
    if "archive" in url:
        assert "The second issue" in again.content.decode()


def test_admin_offers_view_on_site_only_for_an_issue_that_went_out(client):
    from tests.admin_paths import ADMIN
    from tests.runnerhub.factories import signed_in

    signed_in(client, "Editors")
    draft, sent = IssueFactory(), sent_issue()
    assert (
        "View on site"
        not in client.get(f"{ADMIN}newsletter/issue/{draft.pk}/change/").content.decode()
    )
    page = client.get(f"{ADMIN}newsletter/issue/{sent.pk}/change/").content.decode()
    assert "View on site" in page and f"/newsletter/{sent.pk}/" in page

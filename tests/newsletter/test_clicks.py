"""Clicks per issue: every shop link in an issue email goes through /go/ with the issue,
which counts it per issue (and its unique clickers, without storing who) and sends the
reader on with utm_medium=newsletter and utm_campaign=<issue slug>."""

import re
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone
from django.utils.html import escape

from newsletter.emails import build_issue_message
from newsletter.models import Issue, LinkClick
from shop.models import ClickCount
from tests.admin_paths import ADMIN
from tests.articles.factories import ArticleFactory
from tests.concurrency import get_at_once
from tests.newsletter.factories import CalloutFactory, IssueFactory, SubscriberFactory
from tests.runnerhub.factories import signed_in
from tests.shop.factories import ProductFactory, ShopCategoryFactory

pytestmark = pytest.mark.django_db
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/156.0 Safari/537.36"
SITE = "https://advice.example.com"


@pytest.fixture
def shop():
    category = ShopCategoryFactory(
        slug="recovery", name="Muscle recovery", url="https://shop.example.com/c/recovery"
    )
    roller = ProductFactory(
        slug="foam-roller",
        name="Foam roller",
        category=category,
        url="https://shop.example.com/p/roller?colour=blue",
    )
    stick = ProductFactory(slug="massage-stick", name="Massage stick", category=category)
    return {"category": category, "roller": roller, "stick": stick}


def sent_issue(**fields) -> Issue:
    issue = IssueFactory(**fields)
    Issue.objects.filter(pk=issue.pk).update(status=Issue.Status.SENT, started_at=timezone.now())
    issue.refresh_from_db()
    return issue


def test_shop_links_in_the_email_are_counted_per_issue_and_no_other(settings, shop):
    settings.SITE_URL = SITE
    article = ArticleFactory(slug="calf-raises")
    issue = IssueFactory(
        subject="Calf raises",
        body=(
            f'<p><a href="/go/massage-stick/?a={article.pk}">a stick</a>, '
            '<a href="https://shop.example.com/p/roller?colour=blue">the roller</a>, '
            '<a href="https://shop.example.com/c/recovery">recovery</a>, '
            f'<a href="/articles/calf-raises/">the article</a> and '
            '<a href="https://elsewhere.example.org/">a friend</a>.</p>'
        ),
    )
    CalloutFactory(issue=issue, url="https://shop.example.com/p/roller?colour=blue")
    reader = SubscriberFactory()
    message = build_issue_message(issue, reader)
    html, text = message.alternatives[0][0], message.body
    counted = f"m=newsletter&amp;i={issue.pk}"
    assert f'href="{SITE}/go/massage-stick/?a={article.pk}&amp;{counted}"' in html
    assert f'href="{SITE}/go/foam-roller/?{counted}"' in html  # the stored shop address
    assert f'href="{SITE}/go/shop/recovery/?{counted}"' in html
    assert html.count(f"/go/foam-roller/?{counted}") == 2  # the callout's button too
    page = f"{SITE}/newsletter/{issue.pk}/go/?next=%2Farticles%2Fcalf-raises%2F"
    assert f'href="{page}"' in html  # our own pages: through the issue's counted redirect
    assert 'href="https://elsewhere.example.org/"' in html
    assert f"{SITE}/go/shop/recovery/?m=newsletter&i={issue.pk}" in text
    # The personal links are never counted.
    unsubscribe = [h for h in re.findall(r'href="([^"]+)"', html) if "unsubscribe" in h]
    assert unsubscribe and all("/go/" not in h and "m=newsletter" not in h for h in unsubscribe)


def test_a_click_from_an_issue_is_counted_for_it_with_its_campaign(
    shop, django_assert_max_num_queries
):
    issue = sent_issue(subject="Calf raises & rollers!")
    reader = Client(HTTP_USER_AGENT=BROWSER, REMOTE_ADDR="203.0.113.7")
    with django_assert_max_num_queries(2):
        response = reader.get(f"/go/foam-roller/?m=newsletter&i={issue.pk}")
    assert response.status_code == 302
    query = parse_qs(urlsplit(response["Location"]).query)
    assert query["utm_medium"] == ["newsletter"]
    assert query["utm_campaign"] == [f"{issue.pk}-calf-raises-rollers"] == [issue.campaign]
    click = ClickCount.objects.get()
    assert (click.issue, click.product, click.medium, click.count) == (
        issue,
        shop["roller"],
        "newsletter",
        1,
    )
    with django_assert_max_num_queries(2):
        assert reader.get(f"/go/shop/recovery/?m=newsletter&i={issue.pk}").status_code == 302
    assert ClickCount.objects.get(category=shop["category"]).issue == issue


@pytest.mark.parametrize("claimed", ["draft", "missing", "article medium"])
def test_a_click_claiming_an_issue_that_is_not_out_is_counted_without_it(shop, claimed):
    draft = IssueFactory()
    number = {"draft": draft.pk, "missing": draft.pk + 1000, "article medium": draft.pk}[claimed]
    medium = "" if claimed == "article medium" else "&m=newsletter"
    if claimed == "article medium":
        draft = sent_issue()
        number = draft.pk
    response = Client(HTTP_USER_AGENT=BROWSER).get(f"/go/foam-roller/?i={number}{medium}")
    assert response.status_code == 302
    assert ClickCount.objects.get().issue is None


def test_unique_clickers_are_counted_without_storing_who(shop):
    issue = sent_issue()
    ann = Client(HTTP_USER_AGENT=BROWSER, REMOTE_ADDR="203.0.113.1")
    bob = Client(HTTP_USER_AGENT=BROWSER, REMOTE_ADDR="203.0.113.2")
    for client, slug in ((ann, "foam-roller"), (ann, "massage-stick"), (bob, "foam-roller")):
        client.get(f"/go/{slug}/?m=newsletter&i={issue.pk}")
    ann.get(f"/go/foam-roller/?m=newsletter&i={issue.pk}")  # again at once: not counted
    rows = ClickCount.objects.filter(issue=issue)
    assert sum(r.count for r in rows) == 3 and sum(r.issue_readers for r in rows) == 2
    stored = " ".join(f"{r.key} {r.pk}" for r in rows)
    assert "203.0.113" not in stored and "Mozilla" not in stored


def test_admin_shows_clicks_per_issue_link_and_category_and_the_top_issues(client, shop):
    signed_in(client, "Editors")
    quiet, popular = sent_issue(subject="Quiet week"), sent_issue(subject="Popular week")
    for n, slug in enumerate(["foam-roller", "foam-roller", "massage-stick", "shop/recovery"]):
        Client(HTTP_USER_AGENT=BROWSER, REMOTE_ADDR=f"203.0.113.{n}").get(
            f"/go/{slug}/?m=newsletter&i={popular.pk}"
        )
    Client(HTTP_USER_AGENT=BROWSER).get(f"/go/massage-stick/?m=newsletter&i={quiet.pk}")
    page = client.get(f"{ADMIN}newsletter/issue/{popular.pk}/change/").content.decode()
    assert "4 clicks, by 4 readers" in page
    rows = re.findall(r"<tr><td>([^<]+)</td><td>([^<]*)</td><td>(\d+)</td></tr>", page)
    assert rows[0] == ("Foam roller", "Muscle recovery", "2")
    assert ("Category page", "Muscle recovery", "1") in rows
    assert ("Muscle recovery", "4") in re.findall(r"<tr><td>([^<]+)</td><td>(\d+)</td></tr>", page)
    # The list sorts by clicks: the top issues first.
    listed = client.get(f"{ADMIN}newsletter/issue/", {"o": "-5"}).content.decode()
    assert listed.index("Popular week") < listed.index("Quiet week")


def test_a_link_to_our_own_pages_is_counted_for_the_issue(client, django_assert_max_num_queries):
    issue = sent_issue()
    reader = Client(HTTP_USER_AGENT=BROWSER, REMOTE_ADDR="203.0.113.9")
    link = f"/newsletter/{issue.pk}/go/?next=/articles/calf-raises/%23comment-4"
    with django_assert_max_num_queries(2):
        response = reader.get(link)
    assert (
        response.status_code == 302 and response["Location"] == "/articles/calf-raises/#comment-4"
    )
    assert "no-cache" in response["Cache-Control"]
    reader.get(link)  # the same reader at once: not counted again
    Client(HTTP_USER_AGENT=BROWSER, REMOTE_ADDR="203.0.113.10").get(link)
    click = LinkClick.objects.get()
    assert (click.issue, click.path, click.count, click.issue_readers) == (
        issue,
        "/articles/calf-raises/#comment-4",
        2,
        2,
    )
    signed_in(client, "Editors")
    page = client.get(f"{ADMIN}newsletter/issue/{issue.pk}/change/").content.decode()
    assert (
        "2 clicks, by 2 readers" in page and "<code>/articles/calf-raises/#comment-4</code>" in page
    )


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example/",
        "javascript:alert(1)",
        "00000001",
        "x.html",
    ],
)
def test_the_issue_link_never_leaves_the_site(target):
    issue = sent_issue()
    response = Client(HTTP_USER_AGENT=BROWSER).get(f"/newsletter/{issue.pk}/go/", {"next": target})
    assert response.status_code == 302 and response["Location"] == f"/newsletter/{issue.pk}/"
    assert not LinkClick.objects.exists()


def test_a_link_of_a_draft_goes_on_uncounted():
    draft = IssueFactory()
    response = Client(HTTP_USER_AGENT=BROWSER).get(f"/newsletter/{draft.pk}/go/?next=/articles/")
    assert response.status_code == 302 and response["Location"] == "/articles/"
    assert not LinkClick.objects.exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="concurrent writers need a server database"
)
def test_fifty_concurrent_clicks_from_an_issue_are_all_counted():
    product = ProductFactory(slug="hot-item")
    issue = sent_issue()
    assert get_at_once(f"/go/hot-item/?m=newsletter&i={issue.pk}", 50, agent=BROWSER) == []
    click = ClickCount.objects.get(product=product, issue=issue)
    assert (click.count, click.issue_readers) == (50, 50)


def test_every_link_to_the_site_or_a_shop_host_in_the_email_is_counted(settings, shop):
    """The logo, and shop pages that are not a stored product or category (another path,
    another query, a trailing slash, a host of SHOP_ALLOWED_DOMAINS) all go through the
    issue's counted redirect; anyone else's links and the personal ones do not."""
    settings.SITE_URL = SITE
    settings.SHOP_ALLOWED_DOMAINS = ["partner-shop.example"]
    others = [
        "https://shop.example.com/p/roller?colour=red",
        "https://shop.example.com/c/recovery/",
        "https://shop.example.com/sale",
        "https://www.partner-shop.example/gels",
    ]
    links = "".join(f'<a href="{url}">x</a>' for url in others)
    issue = IssueFactory(
        body=f'<p>{links}<a href="https://elsewhere.example.org/">a friend</a>'
        '<a href="javascript:alert(1)">js</a></p>'
    )
    CalloutFactory(issue=issue, url="https://shop.example.com/sale")
    html = build_issue_message(issue, SubscriberFactory()).alternatives[0][0]
    go = f"{SITE}/newsletter/{issue.pk}/go/"
    assert f'href="{go}?next=%2F"' in html  # the logo
    for url in others:
        assert f'href="{go}?{escape(urlencode({"to": url}))}"' in html
        assert f'href="{escape(url)}"' not in html
    assert html.count(f"{go}?{escape(urlencode({'to': 'https://shop.example.com/sale'}))}") == 2
    assert 'href="https://elsewhere.example.org/"' in html
    hrefs = re.findall(r'href="([^"]+)"', html)
    personal = [h for h in hrefs if "unsubscribe" in h]
    assert personal and all("/go/" not in h for h in personal)


def test_a_shop_page_from_an_issue_is_counted_and_carries_the_campaign(shop):
    issue = sent_issue(subject="Calf raises & rollers!")
    target = "https://shop.example.com/sale?size=9"
    reader = Client(HTTP_USER_AGENT=BROWSER, REMOTE_ADDR="203.0.113.20")
    response = reader.get(f"/newsletter/{issue.pk}/go/", {"to": target})
    assert response.status_code == 302 and "no-cache" in response["Cache-Control"]
    parts = urlsplit(response["Location"])
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "shop.example.com", "/sale")
    query = parse_qs(parts.query)
    assert query["utm_medium"] == ["newsletter"] and query["size"] == ["9"]
    assert query["utm_campaign"] == [issue.campaign]
    click = LinkClick.objects.get()
    assert (click.issue, click.path, click.count) == (issue, target, 1)


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example/",
        "/\\evil.example/",
        "%2F%2Fevil.example/",
        "%2f%2fevil.example/",
        "javascript:alert(1)",
        "JavaScript://shop.example.com/%0aalert(1)",
        "https://evil.example/",
        "https://shop.example.com.evil.example/",
        "https://shop.example.com@evil.example/",
        "https://evil.example\\@shop.example.com/",
        "https://evil.example\\shop.example.com/",
        "https:/\\evil.example/",
        "ftp://shop.example.com/",
        "https://shop.example.com/\nLocation: https://evil.example/",
        "https://[::1/",
        "https://shop.example.com/" + "x" * 400,
        "",
    ],
)
def test_the_shop_link_never_leaves_for_another_host(shop, target):
    issue = sent_issue()
    response = Client(HTTP_USER_AGENT=BROWSER).get(f"/newsletter/{issue.pk}/go/", {"to": target})
    assert response.status_code == 302 and response["Location"] == f"/newsletter/{issue.pk}/"
    assert not LinkClick.objects.exists()


def test_with_the_cache_away_a_shop_page_link_still_works(shop, redis_away):
    issue = sent_issue()
    target = "https://shop.example.com/sale"
    response = Client(HTTP_USER_AGENT=BROWSER).get(f"/newsletter/{issue.pk}/go/", {"to": target})
    assert response.status_code == 302
    assert response["Location"].startswith(f"{target}?utm_source=runnerhub&utm_medium=newsletter")


def test_a_site_link_too_long_to_count_goes_out_as_written(settings):
    """The counted redirect keeps paths up to 300 characters; a longer link of ours is sent
    as it is, never through a redirect that would land on the issue instead."""
    settings.SITE_URL = SITE
    long_link = f"{SITE}/articles/calf-raises/?q={'x' * 320}"
    issue = IssueFactory(body=f'<p><a href="{long_link}">the long one</a></p>')
    html = build_issue_message(issue, SubscriberFactory()).alternatives[0][0]
    assert f'href="{escape(long_link)}"' in html


def test_an_unknown_host_costs_no_query_and_a_new_shop_host_counts_at_once(
    shop, django_assert_num_queries, django_capture_on_commit_callbacks
):
    """Anyone can send ?to= with any host: once the shop's hosts are known, refusing one
    reads nothing; saving a product with a new host makes it known straight away."""
    from shop.links import is_shop_url

    assert is_shop_url("https://shop.example.com/sale")  # reads and keeps the hosts
    with django_assert_num_queries(0):
        assert not is_shop_url("https://evil.example/")
    with django_capture_on_commit_callbacks(execute=True):
        ProductFactory(category=shop["category"], url="https://new-shop.example/p/gel")
    assert is_shop_url("https://new-shop.example/sale")

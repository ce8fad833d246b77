"""Public pages a cache can hold, and the app's page cache (runnerhub/pagecache.py)."""

import os
import re
import time
from datetime import timedelta

import pytest
from django.contrib import admin
from django.contrib.messages.storage.fallback import FallbackStorage
from django.test import Client, RequestFactory, override_settings
from django.urls import URLResolver, get_resolver
from django.utils import timezone

from articles import services as article_services
from articles.models import Article, Tag
from comments import services as comment_services
from comments.models import Comment
from newsletter.models import Subscriber
from runnerhub import fragments
from runnerhub.models import SiteSettings
from shop.models import Product
from tests.admin_paths import ADMIN
from tests.articles.factories import ArticleFactory, TagFactory, TopicFactory
from tests.comments.factories import CommentFactory
from tests.newsletter.factories import sent_issue
from tests.runnerhub.factories import StaffFactory, form_token, signed_in, warm_page_cache
from tests.shop.factories import ArticleProductFactory, ProductFactory, ShopCategoryFactory

pytestmark = pytest.mark.django_db

SECONDS = 600  # PAGE_CACHE_SECONDS's default


@pytest.fixture
def site():
    topic = TopicFactory(slug="injuries")
    tag = TagFactory(slug="calves", name="calves")
    article = ArticleFactory(
        slug="calf-pain", title="Calf pain", topic=topic, tags=[tag], body="<p>Run easy.</p>"
    )
    category = ShopCategoryFactory(slug="recovery", name="Recovery")
    product = ProductFactory(slug="roller", name="Foam roller", category=category)
    ArticleProductFactory(article=article, product=product)
    SiteSettings.load()
    return article


PUBLIC = {
    "home": "/",
    "list": "/articles/",
    "article": "/articles/calf-pain/",
    "topic": "/topics/injuries/",
    "tag": "/tags/calves/",
    "search": "/search/?q=calf",
    "shop category": "/shop/recovery/",
    "newsletter": "/newsletter/",
    "rss": "/feed/",
    "atom": "/feed/atom/",
    "sitemap": "/sitemap.xml",
}


def directives(response) -> dict[str, str]:
    return {
        name.strip(): value
        for part in response["Cache-Control"].split(",")
        for name, _, value in [part.partition("=")]
    }


def is_hit(response) -> bool:
    return response.get("X-Page-Cache") == "hit"


@pytest.fixture
def pages_commit(django_capture_on_commit_callbacks):
    """Run what waits for the commit (the new page generation) as a real commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


# Headers ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", PUBLIC)
def test_anonymous_public_pages_set_no_cookie_and_may_be_held_by_a_cdn(client, site, name):
    response = client.get(PUBLIC[name])
    assert response.status_code == 200
    assert not response.cookies, response.cookies
    assert "Cookie" not in response.get("Vary", "")
    assert directives(response) == {"public": "", "max-age": "0", "s-maxage": str(SECONDS)}


@pytest.mark.parametrize("name", ["home", "article", "newsletter"])
def test_forms_on_public_pages_carry_no_token_and_no_shared_key(client, site, name):
    html = client.get(PUBLIC[name]).content.decode()
    fields = re.findall(r'<input type="hidden" name="csrfmiddlewaretoken"[^>]*>', html)
    assert fields and all('value="" data-form-token="/forms/token/"' in f for f in fields)
    assert not re.search(r'name="submission_key" value="[^"]', html)
    assert "runnerhub/js/forms.js" in html


def test_the_token_endpoint_is_never_cached_and_sets_the_cookie(client):
    response = client.get("/forms/token/")
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    data = response.json()
    assert "csrftoken" in response.cookies and len(data["csrfToken"]) == 64
    assert re.fullmatch(r"[0-9a-f-]{36}", data["formKey"])
    assert client.get("/forms/token/").json()["formKey"] != data["formKey"]


def test_pages_that_hold_a_token_are_their_readers_alone(site):
    """Not public pages, but a CDN told to cache everything must not share their token."""
    from comments.notifications import unsubscribe_token

    question = CommentFactory(article=site)
    for url in (
        f"/comments/reply/{question.pk}/",
        f"/comments/unsubscribe/{unsubscribe_token(question)}/",
    ):
        response = Client().get(url)
        assert response.status_code == 200 and 'name="csrfmiddlewaretoken"' in (
            response.content.decode()
        ), url
        assert "private" in response["Cache-Control"], url
        assert "public" not in response["Cache-Control"], url


def test_a_hit_replays_the_whole_response_with_its_own_csp(client, site, django_assert_num_queries):
    first = client.get(PUBLIC["article"])
    assert not is_hit(first)
    with django_assert_num_queries(0):
        second = Client().get(PUBLIC["article"])
    assert is_hit(second)
    assert second.content == first.content
    assert second["Content-Security-Policy"] == first["Content-Security-Policy"]
    nonces = set(re.findall(r"'nonce-([^']+)'", second["Content-Security-Policy"]))
    assert nonces >= set(re.findall(r'nonce="([^"]+)"', second.content.decode()))
    assert not second.cookies and "Cookie" not in second.get("Vary", "")
    assert int(directives(second)["s-maxage"]) <= SECONDS
    assert second["X-Request-ID"] != first["X-Request-ID"]


def every_public_page(site) -> dict[str, str]:
    """A URL for each route marked public_page, so that a new one must be added here."""
    issue = sent_issue()
    urls = {
        "": "/",
        "articles/": "/articles/",
        "articles/<slug:slug>/": site.get_absolute_url(),
        "topics/<slug:slug>/": "/topics/injuries/",
        "tags/<slug:slug>/": "/tags/calves/",
        "authors/<slug:slug>/": site.author.get_absolute_url(),
        "search/": "/search/?q=calf",
        "feed/": "/feed/",
        "feed/atom/": "/feed/atom/",
        "topics/<slug:slug>/feed/": "/topics/injuries/feed/",
        "topics/<slug:slug>/feed/atom/": "/topics/injuries/feed/atom/",
        "tags/<slug:slug>/feed/": "/tags/calves/feed/",
        "tags/<slug:slug>/feed/atom/": "/tags/calves/feed/atom/",
        "shop/<slug:slug>/": "/shop/recovery/",
        "newsletter/": "/newsletter/",
        "newsletter/archive/": "/newsletter/archive/",
        "newsletter/archive/feed/": "/newsletter/archive/feed/",
        "newsletter/archive/feed/atom/": "/newsletter/archive/feed/atom/",
        "newsletter/<id:number>/": issue.get_absolute_url(),
        "sitemap.xml": "/sitemap.xml",
        "sitemap-<slug:section>.xml": "/sitemap-articles.xml",
    }

    def routes(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from routes(pattern.url_patterns, prefix + str(pattern.pattern))
            elif getattr(pattern.callback, "public_page", None) is not None:
                yield prefix + str(pattern.pattern)

    assert set(routes(get_resolver().url_patterns)) == set(urls)
    return urls


# Spellings of an allowed host that Django lets through: case, a trailing dot, any port.
ODD_HOSTS = ("LOCALHOST.:0008080", "127.0.0.1:1", "localhost:99999999999999999999")


def test_no_public_page_writes_the_host_it_was_asked_for(client, site):
    """A Host is what the client sent: a page (a feed, a sitemap) that wrote it would be
    kept and replayed to every reader with the address an attacker chose. Every absolute
    link is SITE_URL's (http://testserver in tests)."""
    for route, url in every_public_page(site).items():
        for host in ODD_HOSTS:
            response = client.get(url, HTTP_HOST=host, HTTP_X_FORWARDED_PROTO="https")
            assert response.status_code == 200, (route, host)
            body = response.content.decode().lower()
            assert "localhost" not in body and "127.0.0.1" not in body, (route, host)
            assert "https://testserver" not in body, (route, host)  # nor its scheme
    feed = client.get("/feed/", HTTP_HOST=ODD_HOSTS[0]).content.decode()
    assert "<link>http://testserver/</link>" in feed
    sitemap = client.get("/sitemap.xml", HTTP_HOST=ODD_HOSTS[0]).content.decode()
    assert "<loc>http://testserver/sitemap-articles.xml</loc>" in sitemap
    section = client.get("/sitemap-articles.xml", HTTP_HOST=ODD_HOSTS[1]).content.decode()
    assert "<loc>http://testserver/articles/calf-pain/</loc>" in section


def test_every_spelling_of_the_host_and_either_scheme_share_one_kept_page(site):
    for url in ("/articles/calf-pain/", "/feed/", "/sitemap-articles.xml"):
        first = Client().get(url)
        assert not is_hit(first)
        for host in ODD_HOSTS:
            again = Client().get(url, HTTP_HOST=host)
            assert is_hit(again) and again.content == first.content, (url, host)
        secure = Client().get(url, HTTP_X_FORWARDED_PROTO="https")
        assert is_hit(secure) and secure.content == first.content, url


def test_a_host_outside_allowed_hosts_is_refused_on_a_hit_too(site):
    """The same 400 as on a miss, and the page cache is not taken for away (it once was:
    the bad Host raised while the key was made, for 5 s of misses)."""
    Client().get(PUBLIC["article"])
    assert is_hit(Client().get(PUBLIC["article"]))
    for host in ("evil.example", "a" * 5000, "tëst.example", "testserver\r\nX: y", ""):
        response = Client().get(PUBLIC["article"], HTTP_HOST=host)
        assert response.status_code == 400, host
        assert not is_hit(response) and b"Calf pain" not in response.content, host
    assert is_hit(Client().get(PUBLIC["article"]))


def test_tracking_parameters_share_the_page_and_page_numbers_do_not(client, site):
    client.get("/articles/")
    assert is_hit(client.get("/articles/?utm_source=newsletter&fbclid=x"))
    assert not is_hit(client.get("/articles/?page=1"))


def test_each_newsletter_banner_state_is_a_page_of_its_own(site):
    whole = Client().get("/").content.decode()
    seen = Client()
    seen.cookies["newsletter_banner"] = "seen"
    collapsed = seen.get("/")
    assert not is_hit(collapsed) and "nl-banner--collapsed" in collapsed.content.decode()
    assert "nl-banner--collapsed" not in whole
    hidden = Client()
    hidden.cookies["newsletter_banner"] = "hidden"
    assert "data-newsletter-form" not in hidden.get("/").content.decode()


def test_made_up_banner_cookie_values_share_the_page_without_the_cookie(site):
    Client().get("/")
    for value in ("x1", "x2", "seen "):
        made_up = Client()
        made_up.cookies["newsletter_banner"] = value
        response = made_up.get("/")
        assert is_hit(response) and "nl-banner--collapsed" not in response.content.decode()


def test_a_kept_page_is_not_served_after_a_deploy(site, monkeypatch):
    """The generation is shared by every release; the key carries the release, so a deploy
    (new templates, new hashed static names) never replays the pages of the one before."""
    Client().get("/articles/calf-pain/")
    assert is_hit(Client().get("/articles/calf-pain/"))
    monkeypatch.setattr(fragments, "release", lambda: "the-next-release")
    assert not is_hit(Client().get("/articles/calf-pain/"))
    assert is_hit(Client().get("/articles/calf-pain/"))


# Whose pages are never cached ---------------------------------------------------------------


def test_staff_never_get_nor_poison_a_cached_page(client, site):
    anonymous = Client().get(PUBLIC["article"])
    staff = Client()
    signed_in(staff, "Moderators")
    response = staff.get(PUBLIC["article"])
    assert not is_hit(response) and "private" in response["Cache-Control"]
    assert "Posting as" in response.content.decode()
    draft = ArticleFactory(slug="draft", status=Article.Status.DRAFT)
    editor = Client()
    signed_in(editor, "Editors")
    assert "Preview" in editor.get("/articles/draft/").content.decode()
    assert Client().get("/articles/draft/").status_code == 404
    again = Client().get(PUBLIC["article"])
    assert is_hit(again) and again.content == anonymous.content
    assert "Posting as" not in again.content.decode()
    assert draft.title not in Client().get("/").content.decode()


def test_a_reader_with_a_pending_comment_sees_it_and_nobody_else_does(site, post_data):
    Client().get(PUBLIC["article"])  # cached
    reader = Client(enforce_csrf_checks=True)
    reader.get(PUBLIC["article"])
    token = form_token(reader)
    text = "Is it fine to run with a sore calf? Asking for a friend."
    posted = reader.post(
        "/comments/post/",
        {**post_data(article=str(site.pk), text=text), "csrfmiddlewaretoken": token},
        follow=True,
    )
    assert Comment.objects.get().state == Comment.State.PENDING
    page = posted.content.decode()
    assert text in page and "awaiting moderation" in page
    assert "private" in posted["Cache-Control"]
    again = reader.get(PUBLIC["article"])  # their session: their page, not the cached one
    assert not is_hit(again) and text in again.content.decode()
    other = Client().get(PUBLIC["article"])
    assert is_hit(other) and text not in other.content.decode()


def test_a_returning_commenter_bypasses_the_cache(site):
    Client().get(PUBLIC["home"])
    reader = Client()
    reader.cookies["rh_comments"] = "anything"
    response = reader.get(PUBLIC["home"])
    assert not is_hit(response) and "private" in response["Cache-Control"]


# Forms from a cached page -------------------------------------------------------------------


def test_with_javascript_a_cached_form_posts_with_the_fetched_token(site, post_data):
    Client().get(PUBLIC["article"])
    reader = Client(enforce_csrf_checks=True)
    assert is_hit(reader.get(PUBLIC["article"]))
    answer = reader.get("/forms/token/").json()
    data = {
        **post_data(article=str(site.pk)),
        "csrfmiddlewaretoken": answer["csrfToken"],
        "submission_key": answer["formKey"],
    }
    assert reader.post("/comments/post/", data).status_code == 302
    assert str(Comment.objects.get().submission_key) == answer["formKey"]
    signup = reader.post(
        "/newsletter/",
        {
            "email": "jo@example.com",
            "consent": "on",
            "rendered": post_data()["rendered"],
            "csrfmiddlewaretoken": form_token(reader),
        },
        HTTP_ACCEPT="application/json",
    )
    assert signup.json()["ok"] and Subscriber.objects.filter(email="jo@example.com").exists()


def test_without_javascript_a_first_post_is_confirmed_once_more(site, post_data):
    """A browser with no cookie posts the cached form as it is (no token): nothing is
    posted, it comes back on a page we render, with a token, to press Post once more."""
    reader = Client(enforce_csrf_checks=True)
    html = reader.get(PUBLIC["article"]).content.decode()
    assert 'name="rendered" value=""' in html  # no render time kept with the page
    text = "Do compression socks help after long runs?"
    typed = post_data(article=str(site.pk), text=text, rendered="")  # the cached form as is
    response = reader.post("/comments/post/", {**typed, "csrfmiddlewaretoken": ""})
    assert response.status_code == 303 and not Comment.objects.exists()
    page = reader.get(response["Location"])
    restored = page.content.decode()
    assert "press Post once more to confirm" in restored
    assert "no-store" in page["Cache-Control"] and "private" in page["Cache-Control"]
    fields = dict(re.findall(r'<input type="hidden" name="([^"]*)" value="([^"]*)"', restored))
    assert fields["csrfmiddlewaretoken"] and fields["restored"] == "1"
    assert fields["rendered"]  # the time trap counts from this page, shown just now
    later = time.time() + 10  # the reader reads the page and presses Post
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(time, "time", lambda: later)
        posted = reader.post("/comments/post/", {**typed, **fields, "email": typed["email"]})
    assert posted.status_code == 302
    comment = Comment.objects.get()
    assert comment.text == text
    assert comment.state == Comment.State.PENDING  # a restored form: moderated like a first


def test_without_javascript_a_newsletter_sign_up_is_confirmed_once_more(site, post_data):
    reader = Client(enforce_csrf_checks=True)
    reader.get("/")
    data = {"email": "nojs@example.com", "consent": "on", "rendered": post_data()["rendered"]}
    response = reader.post("/newsletter/", {**data, "source": "/"})
    assert response.status_code == 303 and not Subscriber.objects.exists()
    page = reader.get(response["Location"]).content.decode()
    assert "press Join once more to confirm" in page
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    done = reader.post("/newsletter/", {**data, "csrfmiddlewaretoken": token})
    assert done.status_code == 302 and Subscriber.objects.filter(email="nojs@example.com")


def test_a_cross_site_post_never_posts(site, post_data):
    """Another site's form: no token, or a token that matches no cookie of ours."""
    victim = Client(enforce_csrf_checks=True)
    victim.get("/forms/token/")  # she has our cookie
    for token in ("", "x" * 64):
        response = victim.post(
            "/comments/post/", {**post_data(article=str(site.pk)), "csrfmiddlewaretoken": token}
        )
        assert response.status_code in (303, 403)
    assert not Comment.objects.exists()


# Every change is on the next GET ------------------------------------------------------------


class _NoForm:
    changed_data = ()
    initial = {}


def admin_save(obj):
    """Save `obj` as its admin page does (ModelAdmin.save_model)."""
    request = RequestFactory().post(f"{ADMIN}")
    request.user = StaffFactory(is_superuser=True)
    request.session = {}
    request._messages = FallbackStorage(request)
    admin.site._registry[type(obj)].save_model(request, obj, _NoForm(), True)


def cached(url: str) -> str:
    """The page, cached by a first reader (a second one gets the copy)."""
    Client().get(url)
    response = Client().get(url)
    assert is_hit(response)
    return response.content.decode()


def fresh(url: str) -> str:
    response = Client().get(url)
    assert not is_hit(response)
    return response.content.decode()


def test_an_article_saved_in_admin_is_on_the_next_get(site, pages_commit):
    assert "Calf pain" in cached("/")
    site.title = "Calf pain, answered"
    with pages_commit():
        admin_save(site)
    assert "Calf pain, answered" in fresh("/")
    assert "Calf pain, answered" in fresh(PUBLIC["article"])


def test_publishing_and_unpublishing_are_on_the_next_get(site, pages_commit, admin_client):
    draft = ArticleFactory(title="Hill repeats", status=Article.Status.DRAFT)
    assert "Hill repeats" not in cached("/")
    with pages_commit():
        article_services.articles_publish_now(queryset=Article.objects.filter(pk=draft.pk))
    assert "Hill repeats" in fresh("/")
    cached("/")
    with pages_commit():
        response = admin_client.post(
            f"{ADMIN}articles/article/",
            {"action": "unpublish", "_selected_action": [draft.pk]},
        )
    assert response.status_code == 302
    assert "Hill repeats" not in fresh("/")


def test_a_scheduled_article_goes_live_on_time_without_a_purge(site):
    soon = timezone.now() + timedelta(seconds=2)
    ArticleFactory(title="Taper week", publish_at=soon)
    warm_page_cache()
    response = Client().get("/")
    assert "Taper week" not in response.content.decode()
    assert int(directives(response)["s-maxage"]) <= 2  # no copy outlives the publish time
    hit = Client().get("/")
    assert not is_hit(hit) or int(directives(hit)["s-maxage"]) <= 2
    time.sleep(max(0.0, (soon - timezone.now()).total_seconds()) + 0.05)
    assert "Taper week" in Client().get("/").content.decode()


@pytest.fixture
def slow_list(monkeypatch):
    """`slow_list(moment)`: the article list reads its articles, then takes until `moment`
    to be done (a busy worker); `slow_list(None)`: as fast as ever again."""
    from articles import views

    original = views.ArticleListView.render_to_response

    def make(moment):
        def render(self, context, **kwargs):
            response = original(self, context, **kwargs)
            response.render()  # every query has run: the page holds what they found
            time.sleep(max(0.0, (moment - timezone.now()).total_seconds()) + 0.05)
            return response

        view = original if moment is None else render
        monkeypatch.setattr(views.ArticleListView, "render_to_response", view)

    return make


def test_a_page_rendered_across_a_publish_time_is_not_kept(site, slow_list):
    """What a page shows was read when its request began: the publish time passing while it
    rendered leaves it no time to live (it was kept for ten minutes, without the article)."""
    soon = timezone.now() + timedelta(seconds=1.5)
    ArticleFactory(title="Taper week", publish_at=soon)
    warm_page_cache()
    slow_list(soon)
    straddled = Client().get("/articles/")
    assert "Taper week" not in straddled.content.decode()
    assert directives(straddled)["s-maxage"] == "0"
    slow_list(None)
    after = Client().get("/articles/")
    assert not is_hit(after) and "Taper week" in after.content.decode()


def test_a_fragment_rendered_across_a_publish_time_is_not_kept(site, slow_list):
    soon = timezone.now() + timedelta(seconds=1.5)
    ArticleFactory(title="Taper week", publish_at=soon)
    warm_page_cache()
    slow_list(soon)
    Client().get("/articles/")
    slow_list(None)
    warm_page_cache()  # a page cache miss, the fragments' versions as they were
    assert "Taper week" in Client().get("/articles/").content.decode()


def test_a_fragment_whose_own_render_runs_across_a_publish_time_is_not_kept(site):
    """Its deadline is asked for the moment its request began: one asked once it rendered
    (from "now") would be the moment after, or none (kept for a day)."""
    from django.test import RequestFactory

    soon = timezone.now() + timedelta(seconds=1.5)
    ArticleFactory(title="Taper week", publish_at=soon)
    warm_page_cache()

    def render(html, wait):
        request = RequestFactory().get("/a-page/")
        request.public_page, request.page_cache_started = True, time.time()

        def slowly():
            time.sleep(max(0.0, (soon - timezone.now()).total_seconds()) + 0.05 if wait else 0)
            return html

        kept = fragments.fragment(request, "straddle", scopes=("articles",), render=slowly)
        fragments.flush(request)
        return kept

    assert render("before", wait=True) == "before"
    assert render("after", wait=False) == "after"  # nothing was kept past the moment


@pytest.fixture
def between_versions_and_generation(monkeypatch):
    """`between(fetch)`: run `fetch` in a write's commit after the new fragment versions,
    before the new generation is written, as a reader of another process may."""
    from runnerhub import pagecache

    original = pagecache._new_generation

    def between(fetch):
        def late(*args, **kwargs):
            fetch()
            original(*args, **kwargs)

        monkeypatch.setattr(pagecache, "_new_generation", late)

    return between


def test_a_reader_between_new_versions_and_generation_keeps_nothing_past_the_write(
    site, pages_commit, between_versions_and_generation
):
    """The write's scheduled time is known before the fragments' new versions: a fragment
    rendered with them in the old generation took that generation's list, which lacked it,
    and was kept for a day."""
    from runnerhub import pagecache

    warm_page_cache()
    between_versions_and_generation(lambda: Client().get("/articles/"))  # a miss
    soon = timezone.now() + timedelta(seconds=1.5)
    with pages_commit():
        ArticleFactory(title="Taper week", publish_at=soon)
        pagecache.pages_changed("articles")
    time.sleep(max(0.0, (soon - timezone.now()).total_seconds()) + 0.05)
    assert "Taper week" in Client().get("/articles/").content.decode()


def test_a_write_whose_generation_was_not_written_leaves_no_fragment_past_its_time(
    site, pages_commit, monkeypatch
):
    """The cache took the new fragment versions and then failed: other processes (which do
    not know) go on in the old generation with the new versions, and must not take the old
    generation's list of changes, which lacks the one just scheduled."""
    from runnerhub import pagecache

    warm_page_cache()
    real = pagecache.cache

    class Failing:
        def __getattr__(self, name):
            return getattr(real, name)

        def set(self, key, *args, **kwargs):
            if key == pagecache.GENERATION_KEY:
                raise ConnectionError("the cache went away")
            return real.set(key, *args, **kwargs)

    monkeypatch.setattr(pagecache, "cache", Failing())
    soon = timezone.now() + timedelta(seconds=1.5)
    with pages_commit():
        ArticleFactory(title="Taper week", publish_at=soon)
        pagecache.pages_changed("articles")
    monkeypatch.setattr(pagecache, "cache", real)
    monkeypatch.setitem(pagecache._state, "bump_missed", False)  # another process's state
    monkeypatch.setitem(pagecache._state, "cache_down_until", 0.0)
    Client().get("/articles/")  # the new versions, the old generation
    time.sleep(max(0.0, (soon - timezone.now()).total_seconds()) + 0.05)
    assert "Taper week" in Client().get("/articles/").content.decode()


def test_comments_approved_or_removed_are_on_the_next_get(site, pages_commit):
    question = CommentFactory(
        article=site, text="Pending question about calves", state=Comment.State.PENDING
    )
    assert "Pending question" not in cached(PUBLIC["article"])
    with pages_commit():
        comment_services.comments_approve(queryset=Comment.objects.filter(pk=question.pk))
    assert "Pending question" in fresh(PUBLIC["article"])
    cached(PUBLIC["article"])
    with pages_commit():
        comment_services.comments_set_state(
            queryset=Comment.objects.filter(pk=question.pk), state=Comment.State.REMOVED
        )
    assert "Pending question" not in fresh(PUBLIC["article"])


def test_products_and_categories_changed_are_on_the_next_get(site, pages_commit):
    product = Product.objects.get(slug="roller")
    assert "Foam roller" in cached(PUBLIC["article"])
    product.name = "Vibrating foam roller"
    with pages_commit():
        admin_save(product)
    assert "Vibrating foam roller" in fresh(PUBLIC["article"])
    category = product.category
    assert "Recovery" in cached("/shop/recovery/")
    category.name = "Recovery and care"
    with pages_commit():
        admin_save(category)
    assert "Recovery and care" in fresh("/shop/recovery/")


def test_topics_tags_and_site_settings_changed_are_on_the_next_get(
    site, pages_commit, admin_client
):
    topic = site.topic
    assert topic.name in cached("/")
    topic.name = "Injuries and recovery"
    with pages_commit():
        admin_save(topic)
    assert "Injuries and recovery" in fresh("/")

    assert "calves" in cached(PUBLIC["article"])
    tag = Tag.objects.get(slug="calves")
    with pages_commit():
        response = admin_client.post(f"{ADMIN}articles/tag/{tag.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert "/tags/calves/" not in fresh(PUBLIC["article"])

    settings_row = SiteSettings.load()
    assert "Medical disclaimer" in cached(PUBLIC["article"])
    settings_row.medical_disclaimer = "See a physio if pain lasts more than a week."
    with pages_commit():
        admin_save(settings_row)
    assert "See a physio if pain lasts" in fresh(PUBLIC["article"])


# When the cache is away ---------------------------------------------------------------------


def test_with_redis_away_pages_are_rendered_uncached_and_still_public(site, redis_away):
    for url in (PUBLIC["home"], PUBLIC["article"], PUBLIC["article"]):
        response = Client().get(url)
        assert response.status_code == 200
        assert not is_hit(response) and not response.cookies
        assert directives(response)["public"] == ""


# A Redis database of its own: the test empties it.
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/7")
REDIS = {
    "default": {
        "BACKEND": "runnerhub.cache.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "runnerhub-pagecache-test",
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1},
    }
}


def test_a_real_redis_holds_pages_and_forgets_them_on_a_change(site, pages_commit):
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5).ping()
    except redis.RedisError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    with override_settings(CACHES=REDIS):
        from django.core.cache import cache

        cache.clear()
        warm_page_cache()
        try:
            assert "Calf pain" in cached(PUBLIC["article"])
            site.title = "Calf pain in Redis"
            with pages_commit():
                admin_save(site)
            assert "Calf pain in Redis" in fresh(PUBLIC["article"])
        finally:
            cache.clear()


def test_a_cached_page_carries_no_render_time_of_its_own(site):
    """A render time kept with the page would be as old as the copy served (up to
    PAGE_CACHE_SECONDS here, more at a CDN): the time trap's minimum would mean nothing.
    Every form of a cached page leaves it blank, for forms.js to fetch a fresh one
    (tests/runnerhub/test_time_trap.py)."""
    for url in (PUBLIC["article"], PUBLIC["newsletter"], PUBLIC["shop category"]):
        Client().get(url)
        html = Client().get(url).content.decode()
        values = re.findall(r'name="rendered" value="([^"]*)"', html)
        assert values and set(values) == {""}, url


def test_a_page_whose_script_uses_the_nonce_is_never_shared(client, settings):
    """A CSP nonce must be new on every response: a page that used one is not kept."""
    from django.http import HttpResponse

    from runnerhub.pagecache import PageCacheMiddleware

    def view(request):
        response = HttpResponse("<script nonce='abc'></script>")
        response["Content-Security-Policy"] = "script-src 'self' 'nonce-abc'"
        return response

    request = RequestFactory().get("/")
    response = PageCacheMiddleware(view)(request)
    assert "public" not in response.get("Cache-Control", "")

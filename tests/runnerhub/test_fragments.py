"""Fragments of public pages (runnerhub/fragments.py): each change a fragment shows is on the
next page cache miss, while the fragments nothing changed are kept; nothing of one reader is
ever kept; the cache away means fragments are rendered, never an error."""

import os
import re
import time
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.db.models.signals import post_init, pre_init
from django.template import Context, Template, TemplateSyntaxError
from django.test import Client, override_settings
from django.utils import timezone

from articles import services as article_services
from articles import views as articles_views
from articles.models import Article, FAQItem, Tag, article_scope
from comments import services as comment_services
from comments.models import Comment
from runnerhub import fragments
from runnerhub.models import SiteSettings
from shop.models import Product
from tests.articles.factories import ArticleFactory, TagFactory, TopicFactory
from tests.comments.factories import CommentFactory
from tests.runnerhub.factories import StaffFactory, signed_in, warm_page_cache
from tests.runnerhub.test_pagecache import admin_save, site  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db

URL = "/articles/calf-pain/"
# The fragments the article page keeps (see `page`).
KEPT = 13


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def fragment_keys() -> list[str]:
    # The memory cache's own keys are ":<version>:<key>".
    return [
        key.split(":", 2)[2]
        for key in cache._cache
        if ":fragment:" in key and ":fragment:v:" not in key
    ]


def kept_html(key: str) -> str:
    """The HTML kept under a fragment's key (kept with the versions it was rendered at)."""
    _stamp, html = cache.get(key)
    return html


def miss(url: str = URL) -> str:
    """The page as a page cache miss renders it (a new page generation), fragments kept."""
    warm_page_cache()
    response = Client().get(url)
    assert response.status_code == 200
    assert response.get("X-Page-Cache") != "hit"
    return response.content.decode()


@pytest.fixture
def page(site):  # noqa: F811
    """The article page rendered once: its fragments are in the cache."""
    ArticleFactory(slug="hill-repeats", title="Hill repeats", topic=site.topic)
    CommentFactory(article=site, text="Do calves need rest days?")
    html = miss()
    assert "Hill repeats" in html and "Foam roller" in html and "Do calves need" in html
    # the site's head links, header (with the menu) and footer; the article's meta, header,
    # body, gear box, footer, thread, related; the comment form and the two newsletter forms
    assert len(fragment_keys()) == KEPT
    return site


def test_kept_fragments_serve_the_next_miss_without_their_queries(page, django_assert_num_queries):
    miss()  # the article's row is kept from its second render in a process (kept_data)
    warm_page_cache()
    with django_assert_num_queries(0):
        html = Client().get(URL).content.decode()
    assert "Hill repeats" in html and "Foam roller" in html and "Do calves need" in html


def test_a_miss_with_kept_fragments_builds_no_tags_or_faqs(page):
    """The article's tags and FAQs come with its query as JSON, and become objects only for
    the fragments that show them: with those kept, none is made."""
    FAQItem.objects.create(article=page, question="Rest days?", answer="Two a week.", order=0)
    page.tags.add(TagFactory(name="soleus"))
    made = []

    def count(sender, **kwargs):
        made.append(sender)

    pre_init.connect(count, sender=Tag)
    pre_init.connect(count, sender=FAQItem)
    try:
        fragments.new_versions([fragments.ALL])
        html = miss()  # fragments rendered afresh: they show the tags and FAQs
        assert "#soleus" in html and "Rest days?" in html
        assert Tag in made and FAQItem in made
        made.clear()
        html = miss()  # kept
        assert "#soleus" in html and "Rest days?" in html
        assert made == []
    finally:
        pre_init.disconnect(count, sender=Tag)
        pre_init.disconnect(count, sender=FAQItem)


def test_a_miss_builds_the_article_once_when_its_row_is_read(site):  # noqa: F811
    """The kept row's scopes and end come from the row itself: the page's article is the only
    instance made of it, whether the row was read from the database or kept."""
    made = []

    def count(sender, instance, **kwargs):
        if instance.pk == site.pk:
            made.append(instance)

    post_init.connect(count, sender=Article)
    try:
        cache.clear()
        for _ in range(2):  # read, then kept
            made.clear()
            assert "Calf pain" in miss()
            assert len(made) == 1
    finally:
        post_init.disconnect(count, sender=Article)


def test_a_miss_reads_its_fragments_and_their_versions_in_one_round_trip(page, monkeypatch):
    reads, inside = [], []

    def spy(name, real):
        def call(keys, *args, **kwargs):
            if not inside:  # the memory cache's get_many calls get: one round trip in Redis
                reads.append((name, keys))
            inside.append(name)
            try:
                return real(keys, *args, **kwargs)
            finally:
                inside.pop()

        return call

    for name in ("get", "get_many"):
        monkeypatch.setattr(cache, name, spy(name, getattr(cache, name)))
    html = miss()
    assert "Hill repeats" in html and "Do calves need" in html
    fragment_reads = [keys for name, keys in reads if "fragment:" in str(keys)]
    # All the page's fragments (see `page`) and the article's row, with the versions of
    # every scope they show, in one get_many.
    assert len(fragment_reads) == 1
    (keys,) = fragment_reads
    assert len([k for k in keys if k.startswith("fragment:") and ":v:" not in k]) == KEPT
    assert len([k for k in keys if k.startswith("data:article-row:")]) == 1
    scopes = {k.removeprefix("fragment:v:") for k in keys if ":v:" in k}
    assert {"all", "site", f"article:{page.pk}", f"thread:{page.pk}"} <= scopes


def test_an_article_edited_in_admin(page, commit):
    page.body = "<p>Walk first, then run.</p>"
    with commit():
        admin_save(page)
    assert "Walk first, then run." in miss()


def test_a_comment_approved_then_removed(page, commit):
    question = CommentFactory(article=page, text="What about hills?", state=Comment.State.PENDING)
    assert "What about hills?" not in miss()
    with commit():
        comment_services.comments_approve(queryset=Comment.objects.filter(pk=question.pk))
    assert "What about hills?" in miss()
    with commit():
        comment_services.comments_set_state(
            queryset=Comment.objects.filter(pk=question.pk), state=Comment.State.REMOVED
        )
    assert "What about hills?" not in miss()


def test_a_staff_reply(page, commit):
    question = Comment.objects.get(text="Do calves need rest days?")
    with commit():
        comment_services.comment_reply_as_staff(
            parent=question, user=StaffFactory(), text="Yes, two a week."
        )
    html = miss()
    assert "Yes, two a week." in html and "badge--staff" in html


def test_another_articles_comment_keeps_this_thread(page, commit):
    other = Article.objects.get(slug="hill-repeats")
    with commit():
        comment_services.comment_create(
            article=other, parent=None, text="Hills?", user=StaffFactory()
        )
    kept = set(fragment_keys())
    miss()
    assert set(fragment_keys()) == kept  # nothing of this page had to be rendered again


def test_a_product_renamed_then_deactivated(page, commit):
    product = Product.objects.get(slug="roller")
    product.name = "Vibrating roller"
    with commit():
        admin_save(product)
    assert "Vibrating roller" in miss()
    product.is_active = False
    with commit():
        admin_save(product)
    assert "Vibrating roller" not in miss()


def test_a_topic_renamed(page, commit):
    topic = page.topic
    topic.name = "Injuries and recovery"
    with commit():
        admin_save(topic)
    html = miss()
    menu = html.split('class="site-nav"')[1].split("</nav>")[0]
    related = html.split('id="related-title"')[1]
    assert "Injuries and recovery" in menu
    assert "More on Injuries and recovery" in related  # and on each card
    assert related.count(">Injuries and recovery</a>") == 1


def test_a_tag_renamed(page, commit):
    tag = page.tags.get()
    tag.name = "calf muscles"
    with commit():
        admin_save(tag)
    assert "#calf muscles" in miss()


def test_site_settings_closing_comments(page, commit):
    assert 'class="comment__reply"' in miss()
    settings_row = SiteSettings.load()
    settings_row.comments_close_after_days = 1
    page_age = timezone.now() - page.publish_at
    assert page_age > timedelta(hours=23)
    Article.objects.filter(pk=page.pk).update(publish_at=timezone.now() - timedelta(days=3))
    with commit():
        admin_save(settings_row)
    html = miss()
    assert 'class="comment__reply"' not in html and "Comments are closed" in html


def test_a_changed_disclaimer_and_faq_show_at_once(page, commit):
    from tests.articles.factories import FAQItemFactory

    settings_row = SiteSettings.load()
    settings_row.medical_disclaimer = "Ask a physio before you start."
    with commit():
        admin_save(settings_row)
    assert "Ask a physio before you start." in miss()
    FAQItemFactory(article=page, question="Ice or heat?")  # an inline of the article's page
    with commit():
        admin_save(Article.objects.get(pk=page.pk))
    html = miss()
    assert "Ice or heat?" in html and html.count("Ice or heat?") == 2  # the page and its JSON-LD


def test_an_authors_public_name_changed(page, commit):
    author = Article.objects.get(slug="hill-repeats").author
    author.display_name = "Coach Sam"
    with commit():
        admin_save(author)
    related = miss().split('id="related-title"')[1]
    assert "Coach Sam" in related


def test_a_related_article_unpublished(page, commit):
    with commit():
        article_services.articles_unpublish(queryset=Article.objects.filter(slug="hill-repeats"))
    assert "Hill repeats" not in miss()


def test_a_scheduled_article_goes_live_in_related_articles(site):  # noqa: F811
    soon = timezone.now() + timedelta(seconds=2)
    ArticleFactory(title="Taper week", topic=site.topic, publish_at=soon)
    assert "Taper week" not in miss()
    time.sleep(max(0.0, (soon - timezone.now()).total_seconds()) + 0.05)
    assert "Taper week" in miss()


@pytest.mark.parametrize(
    ("url", "queries"),
    # home: nothing left to ask; a list: its topic, tag or author and the count that checks
    # the page number (a page past the end is a 404)
    [("/", 0), ("/articles/", 1), ("/topics/injuries/", 2), ("/tags/calves/", 2)],
)
def test_home_and_lists_are_kept_and_show_a_new_article_at_once(
    site,  # noqa: F811
    commit,
    url,
    queries,
    django_assert_num_queries,
):
    assert "Calf pain" in miss(url)
    warm_page_cache()
    with django_assert_num_queries(queries):
        html = Client().get(url).content.decode()
    assert "Calf pain" in html
    with commit():
        article = ArticleFactory(
            title="Shin splints", slug="shin-splints", topic=site.topic, featured=True
        )
        article.tags.add(site.tags.get())
        admin_save(article)
    assert "Shin splints" in miss(url)
    with commit():
        article_services.articles_unpublish(queryset=Article.objects.filter(slug="calf-pain"))
    html = miss(url)
    assert "Shin splints" in html and 'href="/articles/calf-pain/"' not in html


def test_a_renamed_topic_and_author_show_on_kept_lists(site, commit):  # noqa: F811
    name = site.topic.name
    assert name in miss("/topics/injuries/") and name in miss("/")
    with commit():
        site.topic.name = "Aches and pains"
        admin_save(site.topic)
    assert "Aches and pains" in miss("/topics/injuries/") and "Aches and pains" in miss("/")
    with commit():
        site.author.display_name = "Ada Runner"
        admin_save(site.author)
    assert "Ada Runner" in miss("/articles/")


def test_a_scheduled_article_goes_live_on_home_and_lists(site):  # noqa: F811
    soon = timezone.now() + timedelta(seconds=2)
    ArticleFactory(title="Taper week", topic=site.topic, publish_at=soon)
    assert "Taper week" not in miss("/") and "Taper week" not in miss("/topics/injuries/")
    time.sleep(max(0.0, (soon - timezone.now()).total_seconds()) + 0.05)
    assert "Taper week" in miss("/") and "Taper week" in miss("/topics/injuries/")


def test_a_page_past_the_end_of_a_kept_list_is_still_not_found(site):  # noqa: F811
    assert "Calf pain" in miss("/topics/injuries/")
    warm_page_cache()
    assert Client().get("/topics/injuries/?page=9").status_code == 404


def test_a_kept_list_keeps_its_own_empty_text(site, commit):  # noqa: F811
    TagFactory(slug="hills", name="hills")
    assert "Nothing published with this tag yet." in miss("/tags/hills/")
    with commit():
        article_services.articles_unpublish(queryset=Article.objects.all())
    assert f"Nothing published in {site.topic.name} yet." in miss("/topics/injuries/")


# The article's row (kept_data) ------------------------------------------------------------


def row_keys() -> list[str]:
    return [key.split(":", 2)[2] for key in cache._cache if ":data:article-row:" in key]


@pytest.fixture
def kept_row(page, django_assert_num_queries):
    """The article page with its row kept: a miss needs no query."""
    miss()
    warm_page_cache()
    with django_assert_num_queries(0):
        assert "Calf pain" in Client().get(URL).content.decode()
    return page


def test_a_row_is_kept_only_once_its_article_was_known_before_it_was_read(site):  # noqa: F811
    fragments._remembered.clear()  # a process's first render: which article, it cannot know
    assert "Calf pain" in miss()
    assert row_keys() == []
    assert "Calf pain" in miss()  # its scopes were read first this time
    assert len(row_keys()) == 1


def test_a_change_committed_while_the_row_is_read_is_not_taken_for_seen(
    site,  # noqa: F811
    monkeypatch,
):
    fragments._remembered.clear()
    miss()  # not kept (see above), but its article is known from now on
    real, reads = articles_views._row_for_page, []

    def read_then_changed(query, slug):
        found = real(query, slug)
        if not reads:
            fragments.new_versions([article_scope(site.pk)])  # committed meanwhile
        reads.append(slug)
        return found

    monkeypatch.setattr(articles_views, "_row_for_page", read_then_changed)
    miss()  # kept, with the versions read before it
    assert len(row_keys()) == 1 and len(reads) == 1
    miss()  # so not used: read again, and kept
    assert len(reads) == 2
    miss()
    assert len(reads) == 2


def test_a_kept_row_follows_an_admin_edit_and_a_new_slug(kept_row, commit):
    kept_row.title = "Calf pain, answered"
    with commit():
        admin_save(kept_row)
    assert "Calf pain, answered" in miss()
    kept_row.slug = "calf-pain-answered"
    with commit():
        admin_save(kept_row)
    warm_page_cache()
    response = Client().get(URL)
    assert response.status_code == 301 and response["Location"].endswith("/calf-pain-answered/")


@pytest.mark.parametrize("change", ["unpublish", "schedule"])
def test_a_kept_row_is_not_public_once_taken_down(kept_row, commit, change):
    with commit():
        if change == "unpublish":  # names only the "articles" scope
            article_services.articles_unpublish(queryset=Article.objects.filter(pk=kept_row.pk))
        else:
            kept_row.publish_at = timezone.now() + timedelta(days=1)
            admin_save(kept_row)
    warm_page_cache()
    assert Client().get(URL).status_code == (410 if change == "unpublish" else 404)


def test_a_kept_row_ends_at_its_unpublish_time(site, monkeypatch):  # noqa: F811
    Article.objects.filter(pk=site.pk).update(unpublish_at=timezone.now() + timedelta(hours=1))
    miss()
    miss()
    assert len(row_keys()) == 1
    later = timezone.now() + timedelta(hours=2)
    monkeypatch.setattr(timezone, "now", lambda: later)
    warm_page_cache()
    assert Client().get(URL).status_code == 410


def test_a_kept_row_shows_renamed_topics_tags_people_and_settings(kept_row, commit):
    with commit():
        kept_row.topic.name = "Aches and pains"
        admin_save(kept_row.topic)
    assert "Aches and pains" in miss()
    tag = kept_row.tags.get()
    with commit():
        tag.name = "soleus"
        admin_save(tag)
    assert "#soleus" in miss()
    with commit():
        kept_row.author.display_name = "Ada Runner"
        admin_save(kept_row.author)
    assert "Ada Runner" in miss()
    settings_row = SiteSettings.load()
    settings_row.medical_disclaimer = "Ask your physio first."
    Article.objects.filter(pk=kept_row.pk).update(show_disclaimer=True)
    with commit():
        admin_save(settings_row)
    assert "Ask your physio first." in miss()


# The page chrome and the release ----------------------------------------------------------

HOSTILE = '"><script>alert(1)</script>'
CHROME = ("site-head", "site-header", "site-footer")


def without_render_times(html: str) -> str:
    """A page without its time trap tokens (signed at each render, kept fragments or not)."""
    return re.sub(r'name="rendered" value="[^"]*"', 'name="rendered" value=""', html)


@pytest.mark.parametrize(
    "url",
    ["/", URL, "/topics/injuries/", f"/search/?{urlencode({'q': HOSTILE})}", "/topics/none/"],
)
def test_the_kept_chrome_gives_the_same_page_to_the_byte(site, url):  # noqa: F811
    def get() -> tuple[int, str]:
        warm_page_cache()
        response = Client().get(url)
        return response.status_code, without_render_times(response.content.decode())

    with override_settings(FRAGMENT_CACHE_SECONDS=0):
        rendered = get()
    assert fragment_keys() == []
    cold = get()
    kept = {key.split(":")[1] for key in fragment_keys()}
    warm = get()
    assert rendered == cold == warm
    status, html = rendered
    assert kept >= (set(CHROME) if status == 200 else set())
    assert 'class="site-footer"' in html and 'rel="icon"' in html and "forms.js" in html
    if "search" in url:
        assert 'value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in html
        assert "<script>alert" not in html
        # The query is in no kept HTML (a slot in the header's) nor in any key, and the next
        # reader's search shows theirs.
        assert all("alert" not in key + kept_html(key) for key in fragment_keys())
        assert 'name="q" placeholder="Search advice…" maxlength="200" value="calf"' in miss(
            "/search/?q=calf"
        )


def test_a_fragment_tags_slots_are_filled_in_escaped_and_are_no_part_of_its_key(rf):
    kept = Template(
        '{% load runnerhub_tags %}{% fragment "probe" "all" q=q %}<i>{% slot "q" %}</i>'
        "{% endfragment %}"
    )
    pages = []
    for query in ("<b>", "calf"):
        request = rf.get("/")
        request.public_page = True
        pages.append(kept.render(Context({"request": request, "q": query})))
        fragments.flush(request)
    assert pages == ["<i>&lt;b&gt;</i>", "<i>calf</i>"]
    (key,) = fragment_keys()
    assert kept_html(key) == f"<i>{fragments.slot('q')}</i>"
    with pytest.raises(TemplateSyntaxError):
        Template('{% load runnerhub_tags %}{% fragment "probe" q=q %}{% endfragment %}')


def test_the_menu_marks_the_current_page_from_the_kept_header(site):  # noqa: F811
    def menu(url: str) -> str:
        return miss(url).split('class="site-nav"')[1].split("</nav>")[0]

    other = TopicFactory(slug="shoes", name="Shoes")
    for _ in range(2):  # rendered, then kept
        topic = menu("/topics/injuries/")
        assert 'href="/topics/injuries/" aria-current="page"' in topic
        assert f'href="{other.get_absolute_url()}">' in topic
        assert topic.count("aria-current") == 1
        listing = menu("/articles/")
        assert 'href="/articles/" aria-current="page"' in listing
        assert listing.count("aria-current") == 1
        assert "aria-current" not in menu(URL)


def test_pages_that_are_no_menu_item_share_one_kept_header(site):  # noqa: F811
    def headers() -> set[str]:
        return {key for key in fragment_keys() if key.split(":")[1] == "site-header"}

    ArticleFactory(slug="hill-repeats", title="Hill repeats", topic=site.topic)
    for url in ("/", URL, "/articles/hill-repeats/", "/search/?q=calf"):
        miss(url)
    # Home, two articles and a search: the one header, no menu item current.
    (shared,) = headers()
    assert "aria-current" not in kept_html(shared)
    miss("/articles/")
    miss("/topics/injuries/")
    assert len(headers()) == 3


def test_a_not_found_page_keeps_no_fragment(site):  # noqa: F811
    # Its address is a stranger's choice: a menu kept per made-up topic would have no end.
    for slug in ("nothing-1", "nothing-2"):
        assert Client().get(f"/topics/{slug}/").status_code == 404
    assert fragment_keys() == []


@pytest.fixture
def fresh_release():
    fragments.release.cache_clear()
    yield lambda: (fragments.release.cache_clear(), fragments.release())[1]
    fragments.release.cache_clear()


def test_the_release_changes_with_a_template_a_static_name_code_and_a_setting(
    fresh_release, tmp_path, monkeypatch
):
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "extra.html").write_text("<p>One</p>")
    static = tmp_path / "static"
    static.mkdir()
    manifest = static / "staticfiles.json"
    manifest.write_text('{"version": "1.1", "paths": {"a.css": "a.1.css"}}')
    engine = {**django_settings.TEMPLATES[0], "DIRS": [templates]}
    storages = {
        **django_settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    code = tmp_path / "app"
    code.mkdir()
    (code / "forms.py").write_text("FIELDS = ['email']")
    monkeypatch.setattr(fragments, "_project_apps", lambda: [("app", code)])
    with override_settings(TEMPLATES=[engine], STORAGES=storages, STATIC_ROOT=static):
        first = fresh_release()
        assert fresh_release() == first  # the same sources, the same release
        (templates / "extra.html").write_text("<p>Two</p>")
        after_template = fresh_release()
        manifest.write_text('{"version": "1.1", "paths": {"a.css": "a.2.css"}}')
        after_static = fresh_release()
        (code / "forms.py").write_text("FIELDS = ['email', 'name']")
        after_code = fresh_release()
        with override_settings(SITE_NAME="TrailHub"):
            after_setting = fresh_release()
    assert len({first, after_template, after_static, after_code, after_setting}) == 5


def test_the_release_changes_with_the_time_zone_and_where_media_are_served(fresh_release):
    first = fresh_release()
    with override_settings(TIME_ZONE="America/New_York"):
        assert fresh_release() != first  # kept dates are shown in the site's zone
    storages = {
        **django_settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"base_url": "https://media.example.com/"},
        },
    }
    with override_settings(STORAGES=storages):
        assert fresh_release() != first  # kept image addresses (a bucket, a CDN's domain)
    assert fresh_release() == first


def test_the_release_reads_the_projects_own_code_not_its_libraries():
    labels = {label for label, _folder in fragments._project_apps()}
    assert {"runnerhub", "articles", "comments", "shop", "newsletter"} <= labels
    assert not labels & {"admin", "auth", "reversion", "otp_totp"}


def test_the_release_is_worked_out_once_per_process(fresh_release, monkeypatch):
    fresh_release()
    monkeypatch.setattr(fragments.engines, "all", lambda: pytest.fail("read again"))
    fragments.release()


# Nothing of one reader ----------------------------------------------------------------------


def test_staff_and_previews_never_use_nor_keep_fragments(site, client):  # noqa: F811
    signed_in(client, "Editors")
    draft = ArticleFactory(slug="draft", status=Article.Status.DRAFT, topic=site.topic)
    assert client.get(URL).status_code == 200
    assert client.get(draft.get_absolute_url()).status_code == 200
    assert fragment_keys() == []


def test_a_readers_own_pending_comment_is_never_kept(site, post_data):  # noqa: F811
    reader = Client()
    form = reader.get("/forms/token/").json()
    response = reader.post(
        "/comments/post/",
        post_data(article=str(site.pk), text="My own pending question", submission_key="")
        | {"csrfmiddlewaretoken": form["csrfToken"]},
    )
    assert response.status_code == 302
    assert "My own pending question" in reader.get(URL).content.decode()
    assert "My own pending question" not in miss()
    assert all("pending" not in kept_html(key) for key in fragment_keys())


def test_fragments_never_hold_a_token_nor_a_nonce(page):
    for key in fragment_keys():
        html = kept_html(key)
        assert "nonce" not in html
        # Forms: a blank CSRF field, double-post key and render time (forms.js fills them in).
        assert 'name="csrfmiddlewaretoken" value=""' in html or "csrfmiddlewaretoken" not in html
        assert 'name="rendered"' not in html or 'name="rendered" value=""' in html
        assert fragments.slot("rendered") not in html
        assert blank_keys(html) or 'name="submission_key"' not in html


def form_values(html: str, name: str) -> list[str]:
    return re.findall(rf'<input type="hidden" name="{name}" value="([^"]*)"', html)


def blank_keys(html: str) -> bool:
    """Every double-post key field of the page is blank (forms.js fills it in)."""
    keys = re.findall(r'<input type="hidden" name="submission_key"[^>]*>', html)
    return bool(keys) and all("value=" not in key for key in keys)


def test_kept_forms_carry_no_readers_values_to_another(page):
    first, second = miss(), miss()
    assert len(fragment_keys()) == KEPT  # the second miss rendered no form again
    for html in (first, second):
        assert "\ue000" not in html
        assert form_values(html, "csrfmiddlewaretoken") == ["", "", ""]
        assert blank_keys(html)
        assert form_values(html, "article") == [str(page.pk)]
        assert form_values(html, "source") == [URL, URL]
        # No render time either: one kept with the page would be as old as the copy a
        # reader gets (forms.js fetches a fresh one, runnerhub/antispam.py).
        assert form_values(html, "rendered") == ["", "", ""]


def test_one_kept_form_serves_every_article_and_page(page):
    other = ArticleFactory(slug="shin-splints", title="Shin splints", topic=page.topic)
    html = miss(other.get_absolute_url())
    # The new article's meta, header, body, gear box, footer, thread and related; the site's
    # header is the one every article shares
    assert len(fragment_keys()) == KEPT + 7
    assert form_values(html, "article") == [str(other.pk)]
    assert form_values(html, "source") == ["/articles/shin-splints/"] * 2


def test_slots_are_filled_in_escaped_and_never_from_a_value():
    html = f'<input value="{fragments.slot("source")}"><i>{fragments.slot("rendered")}</i>'
    filled = fragments.fill(html, {"source": '"><b>' + fragments.slot("rendered")})
    assert filled == '<input value="&quot;&gt;&lt;b&gt;\ue000rendered\ue000"><i></i>'


def test_kept_forms_work_when_posted(page, post_data):
    html = miss()
    reader = Client()
    token = reader.get("/forms/token/").json()
    data = post_data(article=form_values(html, "article")[0], text="From a kept form")
    data |= {
        "rendered": token["rendered"],
        "submission_key": token["formKey"],
        "csrfmiddlewaretoken": token["csrfToken"],
    }
    with override_settings(ANTISPAM_MIN_SECONDS=0):
        response = reader.post("/comments/post/", data)
    assert response.status_code == 302
    comment = Comment.objects.get(text="From a kept form")
    assert comment.article == page and comment.state != Comment.State.SPAM


def test_a_new_release_never_serves_a_fragment_of_the_one_before(page, monkeypatch):
    monkeypatch.setattr(fragments, "release", lambda: "another release")
    assert "Ask a question" in miss()
    assert len(fragment_keys()) == 2 * KEPT  # every fragment rendered again, under a new key


def test_staff_get_the_form_rendered_with_their_own_values(site, client):  # noqa: F811
    signed_in(client, "Moderators")
    html = client.get(URL).content.decode()
    assert "Posting as" in html
    assert all(form_values(html, "csrfmiddlewaretoken"))
    assert all(form_values(html, "submission_key"))
    assert fragment_keys() == []


def test_with_the_cache_away_fragments_are_rendered(site, redis_away):  # noqa: F811
    for _ in range(2):
        response = Client().get(URL)
        assert response.status_code == 200
        assert "Foam roller" in response.content.decode()


def test_a_real_redis_keeps_fragments_and_renews_them_on_a_change(site, commit):  # noqa: F811
    import secrets

    import redis
    from django.test import override_settings

    url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/11")
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=0.5)
        client.ping()
    except redis.RedisError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    prefix = f"runnerhub-fragments-test-{secrets.token_hex(4)}"
    caches = {
        "default": {
            "BACKEND": "runnerhub.cache.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": prefix,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1},
        }
    }
    try:
        with override_settings(CACHES=caches):
            assert "Foam roller" in miss()
            assert client.keys(f"{prefix}:1:fragment:gear-box:*")
            product = Product.objects.get(slug="roller")
            product.name = "Redis roller"
            with commit():
                admin_save(product)
            assert "Redis roller" in miss()
    finally:
        for key in client.scan_iter(f"{prefix}:*"):
            client.delete(key)

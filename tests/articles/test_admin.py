import io
from datetime import timedelta
from html import escape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from articles.models import Article
from tests.admin_paths import ADMIN
from tests.articles.factories import ArticleFactory, TagFactory, TopicFactory
from tests.runnerhub.factories import StaffFactory, signed_in

pytestmark = pytest.mark.django_db

ADD_URL = f"{ADMIN}articles/article/add/"
LIST_URL = f"{ADMIN}articles/article/"


@pytest.fixture
def editor(client):
    return signed_in(client, "Editors", username="eddie")


def jpeg(size=(1600, 900)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (30, 90, 160)).save(buffer, "JPEG")
    return SimpleUploadedFile("hero.jpg", buffer.getvalue(), content_type="image/jpeg")


def form_data(topic, author, **overrides) -> dict:
    now = timezone.localtime()
    data = {
        "title": "Strides for beginners",
        "slug": "strides-for-beginners",
        "lead": "Short, relaxed accelerations that make you faster.",
        "body": "<h2>What are strides?</h2><p>Twenty-second pick-ups.</p>",
        "video_url": "",
        "hero_alt": "",
        "status": "published",
        "publish_at_0": now.strftime("%d/%m/%Y"),
        "publish_at_1": now.strftime("%H:%M:%S"),
        "author": author.pk,
        "topic": topic.pk,
        "tags": [],
        "reviewed_by": "",
        "last_reviewed": "",
        "show_disclaimer": "on",
        "seo_title": "",
        "seo_description": "",
        "faqs-TOTAL_FORMS": "2",
        "faqs-INITIAL_FORMS": "0",
        "faqs-MIN_NUM_FORMS": "0",
        "faqs-MAX_NUM_FORMS": "1000",
        "faqs-0-question": "How many?",
        "faqs-0-answer": "Four to six.",
        "faqs-0-order": "1",
        "faqs-1-question": "When?",
        "faqs-1-answer": "After an easy run.",
        "faqs-1-order": "0",
        # The shop app adds its "gear in this article" inline to this admin page.
        "shop_products-TOTAL_FORMS": "0",
        "shop_products-INITIAL_FORMS": "0",
        "shop_products-MIN_NUM_FORMS": "0",
        "shop_products-MAX_NUM_FORMS": "1000",
    }
    data.update(overrides)
    return data


def test_editor_adds_an_article_with_image_faqs_and_sanitized_body(client, editor):
    topic = TopicFactory()
    tag = TagFactory()
    data = form_data(
        topic,
        editor,
        hero_image=jpeg(),
        hero_alt="A runner doing strides on a track",
        tags=[tag.pk],
        body='<p>Go <script>alert(1)</script><a href="javascript:x()" onclick="y()">fast</a></p>',
    )
    response = client.post(ADD_URL, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    article = Article.objects.get(slug="strides-for-beginners")
    assert article.body == '<p>Go <a rel="noopener">fast</a></p>'
    assert [r["w"] for r in article.hero_renditions] == [480, 800, 1200, 1600]
    assert [f.question for f in article.faqs.all()] == ["When?", "How many?"]
    assert list(article.tags.all()) == [tag]
    assert article.is_public
    page = client.get(article.get_absolute_url()).content.decode()
    assert "alert(1)" not in page and "javascript:" not in page and "onclick" not in page


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("x.jpg", b"GIF89a nope"), "not an image"),
        (SimpleUploadedFile("x.jpg", jpeg().read()[:-700]), "damaged or incomplete"),
    ],
    ids=["not-an-image", "truncated"],
)
def test_bad_images_get_a_clear_error_and_keep_the_rest(client, editor, upload, message):
    topic = TopicFactory()
    response = client.post(
        ADD_URL, form_data(topic, editor, hero_image=upload, hero_alt="Alt text")
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    # What the editor typed is still there.
    assert "Short, relaxed accelerations that make you faster." in html
    assert "Four to six." in html
    assert not Article.objects.exists()


@pytest.mark.parametrize(
    ("opener", "message"),
    [
        ("<style>", "The text has an unclosed <style> tag: everything after it would be lost."),
        ("<noscript>", "unclosed <noscript> tag: everything after it would be lost."),
        ("<textarea>", "unclosed <textarea> tag: everything after it would show as code."),
    ],
)
def test_a_pasted_body_the_sanitizer_would_cut_short_is_refused_and_kept(
    client, editor, opener, message
):
    body = f"<h2>Strides</h2>{opener}<p>Twenty-second pick-ups, four to six of them.</p>"
    response = client.post(ADD_URL, form_data(TopicFactory(), editor, body=body))
    assert response.status_code == 200
    html = response.content.decode()
    assert escape(message) in html
    assert escape(body) in html  # the editor's text, as typed
    assert not Article.objects.exists()
    fixed = body.replace(opener, "")  # the editor removes it, as the message says
    response = client.post(ADD_URL, form_data(TopicFactory(), editor, body=fixed))
    assert response.status_code == 302
    assert "Twenty-second pick-ups" in Article.objects.get().body


def test_image_without_alt_text_is_refused(client, editor):
    response = client.post(ADD_URL, form_data(TopicFactory(), editor, hero_image=jpeg()))
    assert response.status_code == 200
    assert "Describe the hero image" in response.content.decode()


def test_add_form_helps_the_editor(client, editor):
    html = client.get(ADD_URL).content.decode()
    assert "data-prepopulated-fields" in html and "#id_slug" in html
    # The body is our CKEditor widget: a textarea the script finds by its data attributes
    # (uploads through our own view), and our build of CKEditor, with no inline script.
    assert 'data-rich-text=""' in html and 'data-upload-url="/editor/upload/"' in html
    assert '<script src="/static/runnerhub/editor/ckeditor.js">' in html
    assert '<script src="/static/runnerhub/js/editor.js">' in html
    assert "django_ckeditor_5" not in html
    # The author defaults to the editor, listed by public name.
    assert f'<option value="{editor.pk}" selected>{editor.public_name}</option>' in html
    assert "/articles/this-part/" in html
    assert 'class="admin-autocomplete' in html  # topic and tags


def test_autocomplete_works_for_editors(client, editor):
    TopicFactory(name="Injuries", slug="injuries")
    response = client.get(
        f"{ADMIN}autocomplete/",
        {"app_label": "articles", "model_name": "article", "field_name": "topic", "term": "inj"},
    )
    assert response.status_code == 200
    assert response.json()["results"][0]["text"] == "Injuries"


def test_state_filter_and_publish_actions(client, editor):
    now = timezone.now()
    live = ArticleFactory(title="Live one")
    scheduled = ArticleFactory(title="Scheduled one", publish_at=now + timedelta(days=3))
    draft = ArticleFactory(title="Draft one", status=Article.Status.DRAFT, publish_at=None)
    listing = client.get(LIST_URL, {"state": "scheduled"}).content.decode()
    assert "Scheduled one" in listing and "Live one" not in listing and "Draft one" not in listing
    assert "Scheduled</span>" in listing

    response = client.post(
        LIST_URL,
        {"action": "publish_now", "_selected_action": [scheduled.pk, draft.pk, live.pk]},
        follow=True,
    )
    assert "2 articles are now live." in response.content.decode()
    for article in (scheduled, draft):
        article.refresh_from_db()
        assert article.is_public
    live_before = live.publish_at
    live.refresh_from_db()
    assert live.publish_at == live_before  # already live: its date is kept

    response = client.post(
        LIST_URL, {"action": "unpublish", "_selected_action": [draft.pk]}, follow=True
    )
    assert "1 article is back to draft." in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == Article.Status.DRAFT
    assert client.get(draft.get_absolute_url()).status_code == 200  # editors still preview it


def test_change_form_links_to_the_site(client, editor):
    article = ArticleFactory(status=Article.Status.DRAFT, publish_at=None)
    html = client.get(f"{ADMIN}articles/article/{article.pk}/change/").content.decode()
    assert f'href="{article.get_absolute_url()}"' in html
    assert "Preview ↗" in html
    assert "View on site" in html


def test_changelist_query_count_does_not_grow(client, editor, django_assert_max_num_queries):
    ArticleFactory.create_batch(3)
    with django_assert_max_num_queries(12) as first:
        client.get(LIST_URL)
    ArticleFactory.create_batch(20)
    with django_assert_max_num_queries(len(first)):
        client.get(LIST_URL)


def test_search_in_admin(client, editor):
    ArticleFactory(title="Fuelling long runs")
    ArticleFactory(title="Cadence")
    html = client.get(LIST_URL, {"q": "fuelling"}).content.decode()
    assert "Fuelling long runs" in html and "Cadence</a>" not in html


def test_the_list_shows_authors_by_their_public_name(client, editor):
    dipika = StaffFactory(username="zz-dipika", display_name="Dipika Raman")
    tom = StaffFactory(username="aa-tom", display_name="", first_name="Tom", last_name="Archer")
    ArticleFactory(title="Calf strains", author=dipika)
    ArticleFactory(title="Gait analysis", author=tom)
    html = client.get(LIST_URL).content.decode()
    assert '<td class="field-author_name">Dipika Raman</td>' in html
    assert '<td class="field-author_name">Tom Archer</td>' in html
    assert "zz-dipika" not in html and "aa-tom" not in html
    # The author filter names them the same way.
    assert f'href="?author__id__exact={dipika.pk}"' in html
    assert "Dipika Raman</a>" in html and "Tom Archer</a>" in html
    # Sorting the column sorts by the name shown.
    ordered = client.get(LIST_URL, {"o": "5"}).content.decode()
    assert ordered.index("Dipika Raman</td>") < ordered.index("Tom Archer</td>")
    reverse = client.get(LIST_URL, {"o": "-5"}).content.decode()
    assert reverse.index("Tom Archer</td>") < reverse.index("Dipika Raman</td>")


def test_a_video_block_without_a_video_address_is_refused(client, editor):
    topic = TopicFactory()
    body = "<p>Watch this first.</p><p>[video]</p>"
    response = client.post(ADD_URL, form_data(topic, editor, body=body))
    assert response.status_code == 200
    assert "[video] places the article&#x27;s video, and this article has none" in (
        response.content.decode()
    )
    assert not Article.objects.exists()
    # With the address in the same form it saves, and shows the video where the line is.
    video = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
    response = client.post(ADD_URL, form_data(topic, editor, body=body, video_url=video))
    assert response.status_code == 302
    article = Article.objects.get()
    page = client.get(article.get_absolute_url()).content.decode()
    assert "dQw4w9WgXcQ" in page
    # Removing the address later is refused while the line is there.
    change = f"{ADMIN}articles/article/{article.pk}/change/"
    response = client.post(change, form_data(topic, editor, body=body, video_url=""))
    assert "[video] places the article&#x27;s video" in response.content.decode()
    article.refresh_from_db()
    assert article.video_url == video


def test_body_images_without_alt_text_are_saved_with_a_warning(client, editor):
    topic = TopicFactory()
    body = (
        "<p>Two drills.</p>"
        '<figure class="image"><img src="/media/editor/2026/12/0123456789abcdef-1000x600.jpg">'
        "</figure>"
        '<figure class="image"><img src="https://images.example.com/drill.jpg" alt="  ">'
        "</figure>"
        '<figure class="image"><img src="https://images.example.com/ok.jpg" alt="A drill">'
        "</figure>"
    )
    response = client.post(ADD_URL, form_data(topic, editor, body=body), follow=True)
    html = response.content.decode()
    assert "was added successfully" in html
    assert (
        "Saved, but 2 images in the body have no description (alt text): "
        "0123456789abcdef-1000x600.jpg, drill.jpg." in html
    )
    assert 'class="warning"' in html
    article = Article.objects.get()
    # Described, the warning goes.
    described = body.replace('1000x600.jpg">', '1000x600.jpg" alt="Hip swings">').replace(
        'alt="  "', 'alt="Skips"'
    )
    data = form_data(topic, editor, body=described, **{"faqs-TOTAL_FORMS": "0"})
    response = client.post(f"{ADMIN}articles/article/{article.pk}/change/", data, follow=True)
    html = response.content.decode()
    assert "was changed successfully" in html and "no description" not in html
    one = body.split('<figure class="image"><img src="https://images')[0]
    response = client.post(
        f"{ADMIN}articles/article/{article.pk}/change/",
        form_data(topic, editor, body=one, **{"faqs-TOTAL_FORMS": "0"}),
        follow=True,
    )
    assert "Saved, but 1 image in the body has no description (alt text): " in (
        response.content.decode()
    )

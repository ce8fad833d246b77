"""Author pages (/authors/<slug>/): the profile, the articles, the answers, the links to them
from bylines and staff badges, their structured data, and the profile's admin."""

import json
import re
from datetime import timedelta
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from PIL import Image

from articles.models import Article
from comments.models import Comment
from runnerhub.models import User
from tests.admin_paths import ADMIN
from tests.articles.factories import ArticleFactory, TopicFactory
from tests.comments.factories import CommentFactory
from tests.hostile import HOSTILE, SCRIPT, wire
from tests.runnerhub.factories import StaffFactory, UserFactory, cold_fragments, signed_in

pytestmark = pytest.mark.django_db

LD_JSON = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


def structured_data(html: str) -> list[dict]:
    return [json.loads(block) for block in LD_JSON.findall(html)]


def answer(staff, question, **fields) -> Comment:
    reply = Comment(
        article=question.article,
        parent=question,
        name=staff.public_name,
        email=staff.email,
        text=fields.pop("text", "Try the calf raises first."),
        state=Comment.State.PUBLISHED,
        user=staff,
        is_staff_reply=True,
        staff_title=staff.public_title,
        **fields,
    )
    reply.save()
    return reply


def make_author(n: int) -> User:
    author = StaffFactory(display_name="Ana Runner", public_title="Physio", bio="Runs a lot.")
    topic = TopicFactory(slug="injuries", name="Injuries")
    start = timezone.now() - timedelta(days=40)
    for i in range(n):
        article = ArticleFactory(author=author, topic=topic, publish_at=start + timedelta(days=i))
        question = CommentFactory(article=article, created_at=start + timedelta(days=i))
        answer(author, question, created_at=start + timedelta(days=i, hours=2))
    ArticleFactory(topic=topic)  # someone else's
    return author


def test_staff_get_an_author_page_address_from_their_name():
    first = StaffFactory(display_name="Ana Runner")
    second = StaffFactory(display_name="Ana Runner")
    reader = UserFactory()
    assert (first.slug, second.slug) == ("ana-runner", "ana-runner-2")
    assert first.get_absolute_url() == "/authors/ana-runner/"
    assert reader.slug is None and reader.get_absolute_url() == ""


def test_the_author_page_shows_profile_articles_and_answers_newest_first():
    author = make_author(3)
    response = Client().get("/authors/ana-runner/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Ana Runner</h1>" in html and "Physio" in html and "Runs a lot." in html
    titles = [a.title for a in Article.objects.filter(author=author).order_by("-publish_at")]
    positions = [html.index(t) for t in titles]
    assert positions == sorted(positions)  # newest article first
    answers = list(Comment.objects.filter(user=author).order_by("-created_at"))
    links = re.findall(r'href="([^"]*#comment-\d+)"', html)
    assert links == [a.get_absolute_url() for a in answers]  # newest answer first
    assert Article.objects.exclude(author=author).get().title not in html


def test_the_author_page_paginates_articles_and_has_a_canonical_address():
    make_author(14)
    second = Client().get("/authors/ana-runner/?page=2").content.decode()
    assert second.count('class="card') >= 2
    assert '<link rel="canonical" href="http://testserver/authors/ana-runner/?page=2">' in second


def test_answers_awaiting_moderation_or_on_drafts_are_not_shown():
    author = StaffFactory(display_name="Ana Runner")
    question = CommentFactory(text="A question on a draft?")
    question.article.status = Article.Status.DRAFT
    question.article.save()
    answer(author, question)
    pending = CommentFactory(text="A question not yet approved?", state=Comment.State.PENDING)
    answer(author, pending)
    html = Client().get(author.get_absolute_url()).content.decode()
    assert "A question on a draft" not in html and "not yet approved" not in html


def test_readers_accounts_have_no_author_page():
    reader = UserFactory()
    reader.slug = "a-reader"
    reader.save()
    assert Client().get("/authors/a-reader/").status_code == 404
    assert Client().get("/authors/nobody/").status_code == 404


def test_bylines_link_to_the_author_page():
    author = make_author(1)
    article = Article.objects.filter(author=author).get()
    url = author.get_absolute_url()
    for page in ("/", "/articles/", article.get_absolute_url(), "/topics/injuries/"):
        assert f'href="{url}"' in Client().get(page).content.decode(), page


def test_staff_badges_link_to_the_author_page():
    author = make_author(1)
    article = Article.objects.filter(author=author).get()
    html = Client().get(article.get_absolute_url()).content.decode()
    assert re.search(rf'<a class="badge badge--staff" href="{author.get_absolute_url()}"', html)


def test_a_former_staff_members_badge_links_nowhere():
    author = make_author(1)
    article = Article.objects.filter(author=author).get()
    author.is_staff = False
    author.save()
    html = Client().get(article.get_absolute_url()).content.decode()
    assert '<span class="badge badge--staff">Staff · Physio</span>' in html
    assert 'class="badge badge--staff" href' not in html
    assert Client().get(author.get_absolute_url()).status_code == 200  # their article is public


def test_structured_data_is_a_person_a_collection_page_and_breadcrumbs():
    author = make_author(2)
    html = Client().get(author.get_absolute_url()).content.decode()
    data = {item["@type"]: item for item in structured_data(html)}
    assert set(data) == {"Person", "CollectionPage", "BreadcrumbList"}
    assert data["Person"]["name"] == "Ana Runner"
    assert data["Person"]["jobTitle"] == "Physio"
    assert data["Person"]["url"].endswith("/authors/ana-runner/")
    article = Article.objects.filter(author=author).first()
    page = Client().get(article.get_absolute_url()).content.decode()
    (article_data,) = [d for d in structured_data(page) if d["@type"] == "Article"]
    assert article_data["author"]["url"].endswith("/authors/ana-runner/")


@pytest.mark.parametrize("value", [*SCRIPT[:6], "</script><script>alert(1)</script>"])
def test_hostile_profiles_render_escaped_and_json_ld_stays_json(value):
    author = StaffFactory(display_name=value[:80], public_title=value[:60], bio=value[:600])
    ArticleFactory(author=author)
    html = Client().get(author.get_absolute_url()).content.decode()
    assert "<script>alert" not in html
    for block in LD_JSON.findall(html):
        assert "</script" not in block.lower()
    people = [d for d in structured_data(html) if d["@type"] == "Person"]
    assert people[0]["name"] == value[:80]


@pytest.mark.parametrize("value", HOSTILE[::5])
def test_author_urls_never_500(value):
    StaffFactory(display_name="Ana Runner")
    assert Client().get(f"/authors/{wire(value)}/").status_code == 404
    status = Client().get(f"/authors/ana-runner/?page={wire(value)}").status_code
    assert status in (200, 301, 404)  # 301: a number spelled otherwise ("１２３")


@pytest.mark.parametrize("page", ["x", "-1", "99999999999999999999", "0", "2"])
def test_author_page_numbers_never_500(page):
    make_author(1)
    assert Client().get("/authors/ana-runner/", {"page": page}).status_code == 404


@pytest.mark.parametrize("n", [2, 30])
def test_author_page_queries_are_pinned_whatever_the_size(django_assert_num_queries, n):
    author = make_author(n)
    cold_fragments()
    # 1 the author; 2 the number of their articles; 3 the page's articles; 4 the topic menu;
    # 5 the answers with their questions and articles.
    with django_assert_num_queries(5):
        response = Client().get(author.get_absolute_url())
    assert response.status_code == 200


# The profile's admin ------------------------------------------------------------------------


def png() -> SimpleUploadedFile:
    buffer = BytesIO()
    Image.new("RGB", (900, 900), "orange").save(buffer, "PNG")
    return SimpleUploadedFile("me.png", buffer.getvalue(), content_type="image/png")


def profile_url(user) -> str:
    return f"{ADMIN}runnerhub/authorprofile/{user.pk}/change/"


def test_a_staff_member_edits_their_own_profile_without_managing_users(client, settings):
    settings.MEDIA_ROOT = settings.MEDIA_ROOT  # tests write uploads under the test media root
    me = signed_in(client, "Moderators", display_name="Ana Runner")
    assert client.get(f"{ADMIN}runnerhub/authorprofile/").url == profile_url(me)
    response = client.post(
        profile_url(me),
        {
            "display_name": "Ana R.",
            "public_title": "Shoe fitter",
            "bio": "Twenty marathons.",
            "slug": "ana-r",
            "photo": png(),
        },
    )
    assert response.status_code == 302, response.content[:2000]
    me.refresh_from_db()
    assert (me.display_name, me.public_title, me.bio, me.slug) == (
        "Ana R.",
        "Shoe fitter",
        "Twenty marathons.",
        "ana-r",
    )
    assert me.photo_renditions and me.photo_renditions[0]["w"] == 480
    assert not me.is_superuser
    html = Client().get("/authors/ana-r/").content.decode()
    assert 'class="author__photo"' in html and "Twenty marathons." in html
    # No user management: neither the users' list nor their own account page.
    assert client.get(f"{ADMIN}runnerhub/user/").status_code == 403
    assert client.get(f"{ADMIN}runnerhub/user/{me.pk}/change/").status_code == 403


def test_a_staff_member_cannot_see_or_edit_anothers_profile(client):
    other = StaffFactory(display_name="Ben Coach")
    signed_in(client, "Editors")
    assert client.get(profile_url(other)).status_code in (302, 403, 404)
    response = client.post(profile_url(other), {"display_name": "Hacked", "slug": "x"})
    assert response.status_code in (302, 403, 404)
    other.refresh_from_db()
    assert other.display_name == "Ben Coach"


def test_the_profile_form_cannot_grant_rights(client):
    me = signed_in(client, "Moderators", display_name="Ana Runner")
    client.post(
        profile_url(me),
        {"display_name": "Ana", "slug": me.slug, "is_superuser": "on", "is_staff": "on"},
    )
    me.refresh_from_db()
    assert me.display_name == "Ana" and not me.is_superuser


def test_a_photo_that_is_not_an_image_is_refused_and_the_text_kept(client):
    me = signed_in(client, "Moderators", display_name="Ana Runner")
    bad = SimpleUploadedFile("me.png", b"not an image", content_type="image/png")
    response = client.post(
        profile_url(me),
        {"display_name": "Ana New", "slug": me.slug, "bio": "My bio.", "photo": bad},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "not an image" in html and "My bio." in html and "Ana New" in html


def test_a_superuser_sees_every_profile(admin_client):
    StaffFactory(display_name="Ben Coach")
    html = admin_client.get(f"{ADMIN}runnerhub/authorprofile/").content.decode()
    assert "Ben Coach" in html


def test_a_profile_saved_in_admin_shows_at_once_on_cached_pages(
    client, django_capture_on_commit_callbacks
):
    me = signed_in(client, "Moderators", display_name="Ana Runner")
    article = ArticleFactory(author=me)
    reader = Client()
    for page in (me.get_absolute_url(), article.get_absolute_url()):
        assert "Ana Runner" in reader.get(page).content.decode()  # now cached
    with django_capture_on_commit_callbacks(execute=True):
        client.post(profile_url(me), {"display_name": "Ana Swift", "slug": me.slug})
    for page in (me.get_absolute_url(), article.get_absolute_url()):
        html = reader.get(page).content.decode()
        assert "Ana Swift" in html and "Ana Runner" not in html, page

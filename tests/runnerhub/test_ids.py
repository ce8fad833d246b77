"""Every place that reads an id from a request goes through runnerhub.ids: hostile ids are
a 400 or a 404 (or simply ignored), never a 500."""

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.urls import NoReverseMatch, reverse

from articles.models import parse_video_url
from comments.models import Comment
from newsletter.emails import fit_images
from runnerhub.ids import MAX_ID, IdConverter, parse_id
from runnerhub.images import enhance_images
from shop.models import ClickCount
from tests.admin_paths import ADMIN
from tests.comments.factories import CommentFactory
from tests.newsletter.factories import IssueFactory, sent_issue
from tests.shop.factories import ProductFactory

# What readers' and bots' requests really carried (issue 8), and their relatives.
HOSTILE_IDS = [
    "²",
    "①",
    "¹²³",
    "١٢",  # Arabic-Indic digits: int() reads them, the database never made such an id
    "𝟏",
    "1" * 4300,
    "1" * 4301,
    str(MAX_ID + 1),
    "9" * 25,
    "0",
    "-1",
    "+1",
    " 1",
    "1 ",
    "1_000",
    "0x10",
    "1e3",
    "",
    "\x00",
]


@pytest.mark.parametrize("value", HOSTILE_IDS)
def test_parse_id_refuses_anything_but_a_bigint_in_ascii_digits(value):
    assert parse_id(value) is None


@pytest.mark.parametrize(
    ("value", "number"), [("1", 1), ("42", 42), ("007", 7), (str(MAX_ID), MAX_ID)]
)
def test_parse_id_reads_ids(value, number):
    assert parse_id(value) == number


@pytest.mark.parametrize("value", [None, 1, 1.0, b"1", ["1"]])
def test_parse_id_refuses_what_is_not_a_string(value):
    assert parse_id(value) is None


def test_the_url_converter_uses_the_same_rule():
    converter = IdConverter()
    assert converter.to_python("12") == 12
    for value in ("0", str(MAX_ID + 1), "012", "0000000000000000012"):
        with pytest.raises(ValueError):
            converter.to_python(value)


def test_reverse_writes_the_one_spelling_the_converter_takes():
    assert reverse("newsletter:issue", args=["012"]) == "/newsletter/12/"
    assert reverse("newsletter:issue", args=[12]) == "/newsletter/12/"
    for value in ("x1", "-1", str(MAX_ID + 1), 0, -1, MAX_ID + 1, True):
        with pytest.raises(NoReverseMatch):
            reverse("newsletter:issue", args=[value])


@pytest.mark.django_db
def test_an_id_with_leading_zeros_is_no_second_address_of_a_page(client):
    issue = sent_issue()
    assert client.get(f"/newsletter/{issue.pk}/").status_code == 200
    for spelling in (f"0{issue.pk}", f"{issue.pk:019d}"):
        assert client.get(f"/newsletter/{spelling}/").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["²", "1" * 4301, str(MAX_ID + 1), "9" * 5000])
def test_reply_page_with_a_hostile_id_is_a_404(client, value):
    CommentFactory()
    assert client.get(f"/comments/reply/{value}/").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        f"{ADMIN}comments/comment/{{id}}/reply/",
        f"{ADMIN}newsletter/issue/{{id}}/preview/",
        f"{ADMIN}newsletter/issue/{{id}}/failures/",
        f"{ADMIN}newsletter/issue/{{id}}/send/",
    ],
)
@pytest.mark.parametrize("value", [str(MAX_ID + 1), "1" * 4301, "0"])
def test_admin_views_with_a_hostile_id_find_nothing(client, url, value):
    IssueFactory()
    client.force_login(get_user_model().objects.create_superuser("boss", "b@example.com", "x"))
    # The pattern does not match, so admin's catch-all answers: "no such object".
    for method in (client.get, client.post):
        response = method(url.format(id=value), follow=True)
        assert response.status_code in (200, 404)
        assert response.redirect_chain == [] or "doesn’t exist" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["1" * 4301, "²", "١", str(MAX_ID + 1)])
def test_a_hostile_article_id_on_a_shop_link_is_ignored(client, value):
    # SQLite gives the product the id of the previous case's (rolled back), so the reader
    # would still count as seen for it in the shared cache: start with an empty cache.
    cache.clear()
    ProductFactory(slug="roller")
    response = client.get(f"/go/roller/?a={value}", HTTP_USER_AGENT="Mozilla/5.0 Firefox/140.0")
    assert response.status_code == 302
    assert "utm_campaign" not in response["Location"]
    assert ClickCount.objects.get().article is None


def test_hand_edited_image_sizes_never_break_a_page():
    src = "/media/editor/2025/01/0123456789abcdef-" + "9" * 5000 + "x1.jpg"
    html = enhance_images(f'<img src="{src}" alt="">')
    assert "srcset" not in html
    tag = '<img src="https://example.com/a.jpg" width="' + "9" * 5000 + '" height="1">'
    assert fit_images(tag) == tag


def test_a_vimeo_id_is_ascii_digits():
    assert parse_video_url("https://vimeo.com/123456") == ("vimeo", "123456")
    assert parse_video_url("https://vimeo.com/١٢٣٤٥٦") is None


@pytest.mark.django_db
def test_a_comment_id_at_the_bigint_limit_is_simply_not_found(client):
    assert not Comment.objects.filter(pk=MAX_ID).exists()
    assert client.get(f"/comments/reply/{MAX_ID}/").status_code == 404

"""A state is shown as one badge in every app's admin (runnerhub/badges.py): one template,
one colour per tone in one stylesheet linked from every admin page."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.utils import timezone

from articles.models import Article
from comments.models import Comment
from runnerhub.badges import Tone
from tests.admin_paths import ADMIN
from tests.articles.factories import ArticleFactory
from tests.comments.factories import CommentFactory
from tests.shop.factories import ProductFactory

pytestmark = pytest.mark.django_db


def badge(tone: str, label: str) -> str:
    return f'<span class="rh-badge rh-badge--{tone}">{label}</span>'


def test_every_tone_has_its_colour_in_the_shared_stylesheet():
    css = Path(finders.find("runnerhub/css/admin-site.css")).read_text()
    for tone in Tone:
        assert re.search(rf"\.rh-badge--{tone.value}\s*\{{\s*background: #[0-9a-f]{{6}}", css)


def test_article_states_are_badges_of_their_tone(admin_client):
    ArticleFactory(title="Live one")
    ArticleFactory(title="Later one", publish_at=timezone.now() + timedelta(days=2))
    ArticleFactory(title="Draft one", status=Article.Status.DRAFT, publish_at=None)
    listed = admin_client.get(f"{ADMIN}articles/article/").content.decode()
    for tone, label in [("good", "Live"), ("info", "Scheduled"), ("quiet", "Draft")]:
        assert badge(tone, label) in listed
    assert "runnerhub/css/admin-site.css" in listed
    assert "padding:2px 8px" not in listed  # no badge styled in its own attribute


def test_comment_states_are_badges_of_their_tone(admin_client):
    for state in Comment.State.values:
        CommentFactory(state=state)
    listed = admin_client.get(f"{ADMIN}comments/comment/").content.decode()
    for tone, label in [
        ("waiting", "Awaiting moderation"),
        ("good", "Published"),
        ("bad", "Spam"),
        ("quiet", "Removed"),
    ]:
        assert badge(tone, label) in listed
    assert "padding:2px 8px" not in listed


def test_shop_link_states_are_badges_of_their_tone(admin_client):
    now = timezone.now()
    ProductFactory(link_checked_at=now, link_broken=True, link_status="HTTP 404")
    ProductFactory(link_checked_at=now, link_broken=False, link_status="HTTP 200")
    listed = admin_client.get(f"{ADMIN}shop/product/").content.decode()
    assert '<span class="rh-badge rh-badge--bad" title="checked ' in listed
    assert "✗ HTTP 404</span>" in listed and "✓ HTTP 200</span>" in listed
    assert "font-weight:600" not in listed

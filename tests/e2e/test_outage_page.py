"""A reader's question sent while the database is away comes back on the 503 page, and
Send again posts it once the database is back (runnerhub/outages.py)."""

from unittest import mock

import pytest
from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
from playwright.sync_api import expect

from comments.models import Comment
from tests.articles.factories import ArticleFactory
from tests.e2e.conftest import PHONE, shot
from tests.e2e.test_comments import ask

pytestmark = pytest.mark.usefixtures("transactional_db")


@pytest.fixture(autouse=True)
def _quick_forms(settings):
    settings.ANTISPAM_MIN_SECONDS = 1  # as in test_comments.py: people type faster in tests


def test_a_question_sent_during_an_outage_is_kept_and_sent_again(new_context, screenshot_dir):
    article = ArticleFactory(title="Calf strains", slug="calf-strains")
    page = new_context(viewport=PHONE).new_page()
    page.goto(article.get_absolute_url())
    question = 'Is a calf sleeve worth it after a strain? "Asking" for a <friend> & me'
    away = mock.patch.object(
        BaseDatabaseWrapper, "cursor", side_effect=OperationalError("connection refused")
    )
    with away:
        ask(page, "Jo Runner", "jo@example.com", question)
        expect(page.get_by_role("heading", name="We are back in a moment")).to_be_visible()
        expect(page.get_by_text("Nothing is lost")).to_be_visible()
        shot(page, screenshot_dir, "outage-503-kept-question.png", load_lazy=False)
    assert not Comment.objects.exists()

    page.get_by_role("button", name="Send again").click()  # the database is back
    expect(page.locator(".message")).to_contain_text("awaiting moderation")
    assert Comment.objects.get().text == question
    shot(page, screenshot_dir, "outage-sent-again.png", load_lazy=False)

"""The time trap on forms of cached pages (runnerhub/antispam.py): it counts from when the
reader got a form they can send (the token fetch, or the restore page without JavaScript),
never from when the cached copy was rendered."""

import re
import time

import pytest
from django.core import signing
from django.core.cache import cache
from django.test import Client

from comments.models import Comment
from newsletter.models import Subscriber
from runnerhub import antispam
from runnerhub.models import SiteSettings
from tests.articles.factories import ArticleFactory

pytestmark = pytest.mark.django_db

KEY = "2c1f1b8e-4c5a-4a4e-9d7e-6a1f0b1c2d3e"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()


@pytest.fixture
def article():
    SiteSettings.load()
    return ArticleFactory(slug="calf-pain", title="Calf pain", body="<p>Run easy.</p>")


@pytest.fixture
def clock(monkeypatch):
    """time.time(), moved on by hand."""
    now = [time.time()]
    monkeypatch.setattr(time, "time", lambda: now[0])

    def later(seconds: float) -> None:
        now[0] += seconds

    return later


def cached_form(client, url: str) -> dict[str, str]:
    """The hidden fields of the comment form on the page (after a first reader kept it)."""
    Client().get(url)
    response = client.get(url)
    assert response.get("X-Page-Cache") == "hit"
    form = re.search(r'<form id="comment-form".*?</form>', response.content.decode(), re.S)[0]
    return dict(re.findall(r'<input type="hidden" name="([^"]*)"(?: value="([^"]*)")?', form))


def comment(article, /, **fields) -> dict[str, str]:
    return {
        "article": str(article.pk),
        "parent": "",
        "name": "Jo Runner",
        "email": "jo@example.com",
        "text": "My calves hurt after hill sessions. Should I stretch first?",
        "website": "",
        "submission_key": KEY,
        **fields,
    }


def posted_state(client, article, /, **fields) -> str:
    response = client.post("/comments/post/", comment(article, **fields))
    assert response.status_code == 302
    return Comment.objects.get().state


# The endpoint ----------------------------------------------------------------------------


def test_the_token_endpoint_signs_the_time_it_is_asked_for_this_browser(clock):
    reader = Client()
    asked = time.time()
    answer = reader.get("/forms/token/").json()
    assert answer["minSeconds"] == 3 and answer["csrfToken"] and answer["formKey"]
    signed = signing.loads(answer["rendered"], salt=antispam.FETCHED_SALT)
    assert signed["t"] == asked and signed["b"]
    # Its own salt: never taken for (or made from) a page's render time.
    with pytest.raises(signing.BadSignature):
        signing.loads(answer["rendered"], salt=antispam.SALT)
    # Bound to the CSRF secret, never the secret itself.
    assert reader.cookies["csrftoken"].value not in answer["rendered"]
    assert (
        signing.loads(reader.get("/forms/token/").json()["rendered"], salt=antispam.FETCHED_SALT)[
            "b"
        ]
        == signed["b"]
    )  # the same browser: the same binding
    other = signing.loads(
        Client().get("/forms/token/").json()["rendered"], salt=antispam.FETCHED_SALT
    )
    assert other["b"] != signed["b"]


# The trap --------------------------------------------------------------------------------


def _request(secret: str | None):
    from django.test import RequestFactory

    request = RequestFactory().post("/")
    if secret is not None:
        request.META["CSRF_COOKIE"] = secret
    return request


def test_a_fetched_time_counts_only_with_the_cookie_it_was_fetched_with(clock):
    mine = _request("a" * 32)
    token = antispam.fetched_time_token(mine)
    assert antispam.shown_at(token, mine) == time.time()
    assert antispam.shown_at(token, _request("b" * 32)) is None  # another browser's
    assert antispam.shown_at(token, _request(None)) is None
    assert antispam.shown_at(token, None) is None
    # One fetched without any secret binds to nothing, so it never counts.
    assert antispam.shown_at(antispam.fetched_time_token(_request(None)), _request(None)) is None
    forged = signing.dumps({"t": time.time() - 600, "b": "x"}, salt=antispam.SALT)
    assert antispam.shown_at(forged, mine) is None


@pytest.mark.parametrize(
    "value",
    ["", None, "forged", signing.dumps(1.0, salt="other")],
    ids=["empty", "none", "forged", "other-salt"],
)
def test_no_render_time_or_one_not_ours_counts_as_too_fast(value):
    from comments.forms import CommentForm

    form = CommentForm({"rendered": value or ""})
    form.is_valid()
    assert form.looks_like_bot(_request("a" * 32))


def test_the_trap_counts_from_the_fetch(clock):
    from newsletter.forms import SignupForm

    request = _request("a" * 32)
    data = {"email": "jo@example.com", "consent": "on", "source": "/"}
    form = SignupForm(data | {"rendered": antispam.fetched_time_token(request)})
    assert form.is_valid()
    clock(2)
    assert form.looks_like_bot(request)
    clock(2)
    assert not form.looks_like_bot(request)
    assert form.looks_like_bot(_request("b" * 32))  # the same post from another browser


def test_a_cached_page_renders_no_time():
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.public_page = True
    assert antispam.render_time_token(request) == ""
    request.public_page = False
    assert antispam.shown_at(antispam.render_time_token(request), None) is not None


# The reviewer's bot and the people it must not catch --------------------------------------


def test_a_bot_posting_straight_after_a_cache_hit_and_a_token_fetch_is_spam(article, clock):
    url = article.get_absolute_url()
    Client().get(url)  # kept
    clock(60)
    bot = Client(enforce_csrf_checks=True)
    fields = cached_form(bot, url)
    assert fields["rendered"] == ""  # nothing for a bot to reuse
    answer = bot.get("/forms/token/").json()
    csrf = {"csrfmiddlewaretoken": answer["csrfToken"]}
    assert posted_state(bot, article, rendered=answer["rendered"], **csrf) == Comment.State.SPAM


def test_a_bot_posting_the_cached_forms_empty_time_with_a_token_is_spam(article, clock):
    bot = Client(enforce_csrf_checks=True)
    cached_form(bot, article.get_absolute_url())
    clock(600)  # however long it waits: there is no render time to measure
    token = bot.get("/forms/token/").json()["csrfToken"]
    state = posted_state(bot, article, rendered="", csrfmiddlewaretoken=token)
    assert state == Comment.State.SPAM


def test_a_bot_cannot_use_a_time_fetched_with_another_cookie(article, clock):
    harvester = Client()
    old = harvester.get("/forms/token/").json()["rendered"]
    clock(600)
    bot = Client(enforce_csrf_checks=True)
    token = bot.get("/forms/token/").json()["csrfToken"]
    state = posted_state(bot, article, rendered=old, csrfmiddlewaretoken=token)
    assert state == Comment.State.SPAM


def test_the_same_bot_waiting_after_the_fetch_is_pending(article, clock):
    reader = Client(enforce_csrf_checks=True)
    cached_form(reader, article.get_absolute_url())
    answer = reader.get("/forms/token/").json()
    clock(5)
    state = posted_state(
        reader, article, rendered=answer["rendered"], csrfmiddlewaretoken=answer["csrfToken"]
    )
    assert state == Comment.State.PENDING


@pytest.mark.parametrize("typing", [5, 20 * 60])
def test_a_reader_who_reads_for_twenty_minutes_then_types_is_not_flagged(article, clock, typing):
    """The page is read for 20 minutes; the fetch comes with the first focus, then the
    typing (seconds, or another 20 minutes): neither is taken for a bot."""
    reader = Client(enforce_csrf_checks=True)
    fields = cached_form(reader, article.get_absolute_url())
    clock(20 * 60)
    answer = reader.get("/forms/token/").json()  # forms.js, on the first focus
    clock(typing)
    data = fields | {"rendered": answer["rendered"], "csrfmiddlewaretoken": answer["csrfToken"]}
    state = posted_state(reader, article, **data)
    assert state == Comment.State.PENDING


def test_a_reply_from_a_cached_page_counts_from_the_fetch_too(article, clock):
    from tests.comments.factories import CommentFactory

    question = CommentFactory(article=article, state=Comment.State.PUBLISHED)
    reader = Client(enforce_csrf_checks=True)
    cached_form(reader, article.get_absolute_url())
    answer = reader.get("/forms/token/").json()
    data = comment(article, parent=str(question.pk), rendered=answer["rendered"])
    data["csrfmiddlewaretoken"] = answer["csrfToken"]
    assert reader.post("/comments/post/", data).status_code == 302
    assert Comment.objects.get(parent=question).state == Comment.State.SPAM
    Comment.objects.filter(parent=question).delete()
    clock(10)
    assert reader.post("/comments/post/", data | {"submission_key": ""}).status_code == 302
    assert Comment.objects.get(parent=question).state == Comment.State.PENDING


# Without JavaScript: the restore page ------------------------------------------------------


def test_without_javascript_the_restore_page_starts_the_clock(article, clock):
    reader = Client(enforce_csrf_checks=True)
    fields = cached_form(reader, article.get_absolute_url())
    clock(600)
    response = reader.post("/comments/post/", comment(article, **fields))
    assert response.status_code == 303 and not Comment.objects.exists()
    page = reader.get(response["Location"]).content.decode()
    shown = dict(re.findall(r'<input type="hidden" name="([^"]*)" value="([^"]*)"', page))
    assert antispam.shown_at(shown["rendered"], None) == time.time()  # fresh, not kept
    assert "My calves hurt" in page  # nothing typed is lost
    data = comment(article) | shown
    clock(1)  # a bot that posts the restored form at once
    assert reader.post("/comments/post/", data).status_code == 302
    assert Comment.objects.get().state == Comment.State.SPAM


def test_without_javascript_a_reader_who_confirms_is_pending(article, clock):
    reader = Client(enforce_csrf_checks=True)
    fields = cached_form(reader, article.get_absolute_url())
    response = reader.post("/comments/post/", comment(article, **fields))
    page = reader.get(response["Location"]).content.decode()
    shown = dict(re.findall(r'<input type="hidden" name="([^"]*)" value="([^"]*)"', page))
    clock(8)  # reads the note, presses Post
    assert posted_state(reader, article, **shown) == Comment.State.PENDING


def test_a_restored_form_keeps_the_fetched_time_for_the_browser_shown_it(article, clock):
    """JavaScript on, the CSRF check failed anyway (an old tab: the cookie is gone): the
    reader's fetched time still counts, signed again for the cookie they have now."""
    reader = Client(enforce_csrf_checks=True)
    fetched = reader.get("/forms/token/").json()["rendered"]
    clock(120)  # typing in an old tab
    del reader.cookies["csrftoken"]
    response = reader.post("/comments/post/", comment(article, rendered=fetched))
    assert response.status_code == 303
    page = reader.get(response["Location"]).content.decode()
    shown = dict(re.findall(r'<input type="hidden" name="([^"]*)" value="([^"]*)"', page))
    assert shown["rendered"] != fetched
    request = _request(None)
    request.COOKIES["csrftoken"] = reader.cookies["csrftoken"].value
    request.META["CSRF_COOKIE"] = reader.cookies["csrftoken"].value
    assert antispam.shown_at(shown["rendered"], request) == time.time() - 120
    assert posted_state(reader, article, **shown) == Comment.State.PENDING  # at once
    forged = Client(enforce_csrf_checks=True)
    response = forged.post("/comments/post/", comment(article, rendered="forged"))
    page = forged.get(response["Location"]).content.decode()
    assert "forged" not in page


# The newsletter: the banner and the box in articles ------------------------------------------


def banner_fields(client, url: str) -> list[dict[str, str]]:
    Client().get(url)
    html = client.get(url).content.decode()
    forms = re.findall(r"<form class=\"nl-form.*?</form>", html, re.S)
    return [
        dict(re.findall(r'<input type="hidden" name="([^"]*)"(?: value="([^"]*)")?', f))
        for f in forms
    ]


@pytest.mark.parametrize("wait, signed_up", [(0, False), (5, True)])
def test_a_newsletter_sign_up_from_a_cached_page_counts_from_the_fetch(
    article, clock, wait, signed_up
):
    reader = Client(enforce_csrf_checks=True)
    forms = banner_fields(reader, article.get_absolute_url())
    assert len(forms) == 2 and all(f["rendered"] == "" for f in forms)  # banner and box
    answer = reader.get("/forms/token/").json()
    clock(wait)
    response = reader.post(
        "/newsletter/",
        {
            "email": "jo@example.com",
            "consent": "on",
            "source": forms[1]["source"],
            "rendered": answer["rendered"],
            "csrfmiddlewaretoken": answer["csrfToken"],
        },
        HTTP_ACCEPT="application/json",
    )
    assert response.json()["ok"]  # a bot learns nothing
    assert Subscriber.objects.filter(email="jo@example.com").exists() is signed_up


def test_a_newsletter_sign_up_with_the_cached_empty_time_is_dropped(article, clock):
    reader = Client(enforce_csrf_checks=True)
    banner_fields(reader, "/newsletter/")
    clock(600)
    token = reader.get("/forms/token/").json()["csrfToken"]
    data = {
        "email": "jo@example.com",
        "consent": "on",
        "rendered": "",
        "csrfmiddlewaretoken": token,
    }
    assert reader.post("/newsletter/", data).status_code == 302
    assert not Subscriber.objects.exists()


@pytest.mark.parametrize("wait, signed_up", [(1, False), (8, True)])
def test_without_javascript_a_sign_up_counts_from_the_restore_page(article, clock, wait, signed_up):
    reader = Client(enforce_csrf_checks=True)
    forms = banner_fields(reader, article.get_absolute_url())
    clock(600)
    data = {"email": "nojs@example.com", "consent": "on", "source": "/", **forms[0]}
    response = reader.post("/newsletter/", data)
    assert response.status_code == 303
    page = reader.get(response["Location"]).content.decode()
    assert "nojs@example.com" in page
    shown = dict(re.findall(r'<input type="hidden" name="([^"]*)" value="([^"]*)"', page))
    assert antispam.shown_at(shown["rendered"], None) == time.time()
    clock(wait)
    reader.post("/newsletter/", data | shown)
    assert Subscriber.objects.filter(email="nojs@example.com").exists() is signed_up

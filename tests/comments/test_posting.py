import uuid
from datetime import timedelta
from html import escape

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from comments.models import Comment
from runnerhub.models import SiteSettings
from tests.articles.factories import ArticleFactory
from tests.comments.factories import CommentFactory, ReplyFactory
from tests.runnerhub.factories import StaffFactory
from tests.runnerhub.names import NAMES, TEXTS

pytestmark = pytest.mark.django_db
URL = "/comments/post/"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()


def test_first_comment_waits_and_is_shown_only_to_its_author(client, article, post_data):
    response = client.post(URL, post_data(), follow=True)
    comment = Comment.objects.get()
    assert comment.state == Comment.State.PENDING
    assert response.redirect_chain[-1][0] == f"/articles/hamstring-strains/#comment-{comment.pk}"
    html = response.content.decode()
    assert "awaiting moderation" in html
    assert f'id="comment-{comment.pk}"' in html
    assert "My calves hurt" in html
    # Nobody else sees it.
    other = Client().get(article.get_absolute_url()).content.decode()
    assert "My calves hurt" not in other


def test_knowing_a_published_address_is_not_enough(client, article, post_data):
    """The attack: posing as a past commenter (any case of their address) skips nothing,
    and the answer is the same as for a first comment."""
    CommentFactory(article=article, email="hannah.w@example.com", state=Comment.State.PUBLISHED)
    response = client.post(
        URL, post_data(name="Totally Not Hannah", email="HANNAH.W@EXAMPLE.COM"), follow=True
    )
    assert Comment.objects.get(name="Totally Not Hannah").state == Comment.State.PENDING
    assert "awaiting moderation" in response.content.decode()
    assert "Your comment is published" not in response.content.decode()


def test_staff_address_is_not_enough_either(client, article, post_data):
    staff = StaffFactory(email="physio@example.com")
    CommentFactory(article=article, email=staff.email, state=Comment.State.PUBLISHED)
    client.post(URL, post_data(name="Physio Pete", email="Physio@Example.com"))
    forged = Comment.objects.get(name="Physio Pete")
    assert forged.state == Comment.State.PENDING and not forged.is_staff_reply


def test_returning_browser_publishes_at_once_after_approval(client, article, post_data):
    client.post(URL, post_data(text="My first question"))
    first = Comment.objects.get(text="My first question")
    assert first.state == Comment.State.PENDING
    second = post_data(text="A second question, before approval")
    client.post(URL, second)
    assert Comment.objects.get(text=second["text"]).state == Comment.State.PENDING
    Comment.objects.filter(pk=first.pk).update(state=Comment.State.PUBLISHED)
    response = client.post(URL, post_data(email="JO@example.com", text="After"), follow=True)
    assert "Your comment is published" in response.content.decode()
    assert Comment.objects.get(text="After").state == Comment.State.PUBLISHED
    assert "After" in Client().get(article.get_absolute_url()).content.decode()
    # The proof is for that address: the same browser posting as someone else waits.
    client.post(URL, post_data(email="someone.else@example.com", text="Other person"))
    assert Comment.objects.get(text="Other person").state == Comment.State.PENDING


def test_the_returning_commenter_cookie_cannot_be_forged(client, article, post_data):
    from comments.views import OWN_COOKIE

    known = CommentFactory(article=article, email="jo@example.com", state="published")
    for forged in (str(known.pk), f"{known.pk}:forged-signature", "", "1.2.3", "\x00"):
        client.cookies[OWN_COOKIE] = forged
        client.post(URL, post_data(text=f"Forged {forged!r}"))
        assert Comment.objects.get(text=f"Forged {forged!r}").state == Comment.State.PENDING


def test_the_cookie_is_long_lived_http_only_and_signed(client, article, post_data):
    from comments.views import OWN_COOKIE

    response = client.post(URL, post_data())
    cookie = response.cookies[OWN_COOKIE]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert int(cookie["max-age"]) >= 300 * 24 * 3600
    assert str(Comment.objects.get().pk) in cookie.value and ":" in cookie.value


def test_signed_in_reader_with_an_approved_comment_publishes_at_once(article, post_data):
    from tests.runnerhub.factories import UserFactory

    reader = UserFactory(is_staff=False)
    CommentFactory(article=article, user=reader, email="x@example.com", state="published")
    browser = Client()
    browser.force_login(reader)
    browser.post(URL, post_data(text="Signed in"))
    assert Comment.objects.get(text="Signed in").state == Comment.State.PUBLISHED


def test_more_than_two_links_wait_even_for_known_addresses(client, article, post_data):
    CommentFactory(article=article, email="jo@example.com")
    text = "See https://a.example https://b.example and https://c.example"
    client.post(URL, post_data(text=text))
    assert Comment.objects.get(text=text).state == Comment.State.PENDING


@pytest.mark.parametrize(
    "trap",
    [{"website": "http://spam.example"}, {"rendered": "forged"}, {"rendered": ""}],
    ids=["honeypot", "forged-time", "no-time"],
)
def test_bots_are_marked_spam_and_never_shown(client, article, post_data, trap):
    CommentFactory(article=article, email="jo@example.com")  # even a trusted address
    response = client.post(URL, post_data(**trap), follow=True)
    spam = Comment.objects.get(text__startswith="My calves")
    assert spam.state == Comment.State.SPAM
    assert "awaiting moderation" in response.content.decode()  # same answer as a real post
    assert "My calves" not in Client().get(article.get_absolute_url()).content.decode()


def test_too_fast_submission_is_spam(client, article, post_data):
    from django.core import signing

    from runnerhub.antispam import SALT

    client.post(URL, post_data(rendered=signing.dumps(timezone.now().timestamp(), salt=SALT)))
    assert Comment.objects.get().state == Comment.State.SPAM


def test_reader_cannot_claim_to_be_staff(client, article, post_data):
    client.post(URL, post_data(is_staff_reply="on", staff_title="Physio", user="1"))
    comment = Comment.objects.get()
    assert not comment.is_staff_reply and comment.staff_title == "" and comment.user is None


def test_staff_answer_on_the_page(client, article, post_data):
    question = CommentFactory(article=article)
    staff = StaffFactory(display_name="Dipika Smith", public_title="Physio")
    client.force_login(staff)
    response = client.post(
        URL,
        post_data(parent=str(question.pk), name="", email="", text="Try heel drops."),
        follow=True,
    )
    reply = Comment.objects.get(parent=question)
    assert reply.is_staff_reply and reply.state == Comment.State.PUBLISHED
    assert reply.name == "Dipika Smith" and reply.staff_title == "Physio"
    assert "Dipika Smith" in response.content.decode()
    assert "Staff · Physio" in response.content.decode()


def test_staff_are_not_rate_limited(client, article, post_data):
    client.force_login(StaffFactory())
    for i in range(8):
        assert client.post(URL, post_data(text=f"Answer {i}")).status_code == 302
    assert Comment.objects.count() == 8


def test_rate_limit_gives_a_friendly_429_and_keeps_the_text(client, article, post_data):
    for i in range(5):
        assert client.post(URL, post_data(text=f"Question {i}?")).status_code == 302
    response = client.post(URL, post_data(text="The sixth question, kept intact"))
    assert response.status_code == 429
    html = response.content.decode()
    assert "wait a minute" in html
    assert "The sixth question, kept intact" in html
    assert 'value="Jo Runner"' in html and 'value="jo@example.com"' in html
    assert Comment.objects.count() == 5


def test_only_what_is_posted_counts_towards_the_rate_limit(client, article, post_data):
    for _ in range(8):
        assert client.post(URL, post_data(email="not an address")).status_code == 400
    for i in range(5):
        assert client.post(URL, post_data(text=f"Question {i}?")).status_code == 302
    assert client.post(URL, post_data(text="One too many")).status_code == 429


def test_posts_refused_as_closed_or_repeated_do_not_count_towards_the_rate_limit(
    client, article, post_data, settings
):
    old = ArticleFactory(slug="old-one", publish_at=timezone.now() - timedelta(days=400))
    site = SiteSettings.load()
    site.comments_close_after_days = 30
    site.save()
    for i in range(6):
        closed = client.post(URL, post_data(article=str(old.pk), text=f"Late {i}?"))
        assert closed.status_code == 403
    key = str(uuid.uuid4())
    for _ in range(6):  # one question, its button pressed six times
        assert client.post(URL, post_data(submission_key=key)).status_code == 302
    for i in range(4):
        assert client.post(URL, post_data(text=f"Question {i}?")).status_code == 302
    assert client.post(URL, post_data(text="One too many")).status_code == 429


def test_rate_limit_is_per_ip(article, post_data):
    one = Client(REMOTE_ADDR="10.0.0.1")
    two = Client(REMOTE_ADDR="10.0.0.2")
    for i in range(5):
        one.post(URL, post_data(text=f"q{i}"))
    assert one.post(URL, post_data(text="again")).status_code == 429
    assert two.post(URL, post_data(text="mine")).status_code == 302


def test_double_click_makes_one_comment(client, article, post_data):
    key = str(uuid.uuid4())
    first = client.post(URL, post_data(submission_key=key))
    second = client.post(URL, post_data(submission_key=key))
    assert Comment.objects.count() == 1
    assert first["Location"] == second["Location"]


def test_replies_nest_to_four_levels_then_attach_at_the_fourth(article):
    from comments.services import comment_create

    chain = [CommentFactory(article=article)]
    for _ in range(5):
        chain.append(
            comment_create(
                article=article, parent=chain[-1], text="deeper", name="A", email="a@x.io"
            )
        )
    assert [c.depth for c in chain] == [0, 1, 2, 3, 3, 3]
    assert all(c.root_id == chain[0].pk for c in chain[1:])
    assert chain[5].parent_id == chain[4].pk  # the real parent is kept for notifications


# Errors: a specific message, nothing lost ----------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("text", "", "This field is required."),
        ("text", "x" * 100_000, "at most 5000 characters"),
        ("text", "null\x00byte", "Null characters are not allowed."),
        ("name", "Jo\x00", "Null characters are not allowed."),
        ("email", "not-an-email", "Enter a valid email address."),
        ("email", "jo@example.com\r\nBcc: victim@example.com", "Enter a valid email address."),
        ("email", "jo@" + "é" * 60 + ".com", "We could not send email to this address"),
        # the email header parser raised IndexError, TypeError, AttributeError (issue 8)
        ("email", '"', "Enter a valid email address."),
        ("email", '"@', "Enter a valid email address."),
        ("email", '""', "Enter a valid email address."),
        ("email", "<>", "Enter a valid email address."),
        ("email", "a@[", "Enter a valid email address."),
        ("name", "Jo\r\nBcc: victim@example.com", "no line breaks"),
        ("email", "", "This field is required."),
        ("name", "", "This field is required."),
        ("parent", "abc", "cannot be found"),
        ("parent", "99999999999999999999999", "cannot be found"),
        ("parent", "987654321", "no longer exists"),
        ("parent", "-1", "cannot be found"),
        ("parent", "1\x00", "Null characters are not allowed."),
        ("article", "nope", "This article cannot be found."),
        # isdigit() accepts these, int() refuses them (issue 8: a 500 each)
        ("article", "²", "This article cannot be found."),
        ("article", "①", "This article cannot be found."),
        ("article", "¹²³", "This article cannot be found."),
        ("article", "1" * 4301, "This article cannot be found."),
        ("article", "١", "This article cannot be found."),
        ("parent", "²", "cannot be found"),
        ("parent", "①", "cannot be found"),
        ("parent", "¹²³", "cannot be found"),
        ("parent", "1" * 4300, "cannot be found"),
        ("parent", "1" * 4301, "cannot be found"),
        ("parent", "١", "cannot be found"),
        ("parent", str(2**63), "cannot be found"),
        ("article", "", "This field is required."),
    ],
)
def test_bad_input_gets_a_specific_message_and_keeps_the_rest(
    client, article, post_data, field, value, message
):
    data = post_data(**{field: value})
    response = client.post(URL, data)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    for kept in ("name", "email", "text"):
        if kept != field:
            assert data[kept] in html or data[kept].replace("'", "&#x27;") in html
    assert not Comment.objects.exists()


# Every script and emoji people write with (issue 8.6) -------------------------------------


@pytest.mark.parametrize(
    ("name", "text"), [(n, TEXTS[i % len(TEXTS)]) for i, n in enumerate(NAMES)]
)
def test_real_names_and_texts_are_stored_and_shown_as_typed(client, article, post_data, name, text):
    response = client.post(URL, post_data(name=name, text=text), follow=True)
    assert response.status_code == 200
    comment = Comment.objects.get()
    assert (comment.name, comment.text) == (name, text)
    html = response.content.decode()
    assert f'<span class="comment__name">{escape(name)}</span>' in html
    for line in text.splitlines():
        assert escape(line.strip()) in html


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("text", "Calves\x00", "NUL character (U+0000)"),
        ("name", "Jo\tRunner", "invisible control character (U+0009"),
        ("name", "Jo\u2028Runner", "no line breaks"),
    ],
)
def test_what_cannot_be_stored_is_named_and_the_rest_kept(
    client, article, post_data, field, value, message
):
    data = post_data(**{field: value})
    response = client.post(URL, data)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    kept = "name" if field == "text" else "text"
    assert escape(data[kept]) in html
    assert not Comment.objects.exists()


def test_a_lone_surrogate_is_refused_with_a_message(article, post_data):
    # It cannot travel in a request (its bytes arrive as U+FFFD); the form refuses it anyway.
    from comments.forms import CommentForm

    form = CommentForm(post_data(name="Jo\ud800", text="Zoë 🏃‍♀️\udfff"))
    assert not form.is_valid()
    assert "broken character (U+D800" in form.errors["name"][0]
    assert "broken character (U+DFFF" in form.errors["text"][0]
    assert form.cleaned_data["email"] == "jo@example.com"


@pytest.mark.parametrize("raw", ["%ED%A0%80", "%F0%28%8C%28", "%00"])
def test_lone_surrogates_and_invalid_utf8_in_any_field(client, article, post_data, raw):
    from urllib.parse import urlencode

    data = post_data()
    for field in ("name", "text", "email", "parent", "article"):
        body = urlencode({k: v for k, v in data.items() if k != field}) + f"&{field}=x{raw}y"
        response = client.post(URL, body, content_type="application/x-www-form-urlencoded")
        assert response.status_code in (302, 400), (field, response.status_code)


@pytest.mark.parametrize(
    ("remote", "stored"), [("fe80::1%eth0", "fe80::1"), ("unix:/run/gunicorn.sock", None)]
)
def test_an_odd_remote_address_is_stored_clean_or_not_at_all(article, post_data, remote, stored):
    response = Client(REMOTE_ADDR=remote).post(URL, post_data())
    assert response.status_code == 302
    assert Comment.objects.get().ip_address == stored


def test_removed_parent_is_a_clear_error(client, article, post_data):
    parent = CommentFactory(article=article, state=Comment.State.REMOVED)
    response = client.post(URL, post_data(parent=str(parent.pk)))
    assert response.status_code == 400
    assert "no longer exists" in response.content.decode()


def test_parent_from_another_article_is_a_clear_error(client, article, post_data):
    elsewhere = CommentFactory(article=ArticleFactory())
    response = client.post(URL, post_data(parent=str(elsewhere.pk)))
    assert response.status_code == 400
    assert "belongs to another article" in response.content.decode()
    assert Comment.objects.count() == 1


def test_draft_article_cannot_be_commented(client, post_data):
    draft = ArticleFactory(status="draft", publish_at=None)
    response = client.post(URL, post_data(article=str(draft.pk)))
    assert response.status_code == 400
    assert "This article cannot be found." in response.content.decode()


def test_get_is_not_allowed(client):
    assert client.get(URL).status_code == 405


# Closing --------------------------------------------------------------------------------


def test_comments_close_after_the_site_default(client, post_data):
    SiteSettings.objects.update_or_create(singleton=1, defaults={"comments_close_after_days": 30})
    old = ArticleFactory(publish_at=timezone.now() - timedelta(days=31))
    html = client.get(old.get_absolute_url()).content.decode()
    assert "Comments are closed on this article" in html
    assert 'id="comment-form"' not in html
    response = client.post(URL, post_data(article=str(old.pk)))
    assert response.status_code == 403
    assert "Comments are closed" in response.content.decode()


def test_per_article_override(client):
    SiteSettings.objects.update_or_create(singleton=1, defaults={"comments_close_after_days": 30})
    longer = ArticleFactory(publish_at=timezone.now() - timedelta(days=31), comments_open_days=60)
    off = ArticleFactory(comments_open_days=0)
    assert 'id="comment-form"' in client.get(longer.get_absolute_url()).content.decode()
    assert "Comments are closed" in client.get(off.get_absolute_url()).content.decode()


# Display --------------------------------------------------------------------------------


def test_text_is_escaped_paragraphs_kept_links_nofollow(client, article):
    CommentFactory(
        article=article,
        name="<b>Eve</b>",
        text="<script>alert(1)</script>\n\nSecond para https://example.com/shoes",
    )
    html = client.get(article.get_absolute_url()).content.decode()
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;b&gt;Eve&lt;/b&gt;" in html
    assert '<p>Second para <a href="https://example.com/shoes" rel="nofollow ugc noopener">' in html


def test_emails_are_never_shown(client, article):
    CommentFactory(article=article, email="secret.person@example.com")
    for url in (article.get_absolute_url(), "/feed/", "/feed/atom/", "/sitemap-articles.xml"):
        assert "secret.person" not in client.get(url).content.decode()


def test_dates_read_naturally_in_the_site_time_zone(client, article, settings):
    settings.TIME_ZONE = "Europe/London"
    from datetime import datetime
    from zoneinfo import ZoneInfo

    CommentFactory(article=article, created_at=datetime(2013, 5, 18, 5, 7, tzinfo=ZoneInfo("UTC")))
    html = client.get(article.get_absolute_url()).content.decode()
    assert "May 18, 2013 at 6:07am" in html  # 05:07 UTC is 06:07 in London's summer


def test_initials_avatars_without_third_parties(client, article):
    CommentFactory(article=article, name="Dipika Smith")
    html = client.get(article.get_absolute_url()).content.decode()
    assert ">DS</span>" in html
    assert "gravatar" not in html


def test_accepted_answer_is_highlighted(client, article):
    question = CommentFactory(article=article)
    staff = StaffFactory()
    from comments.services import comment_accept, comment_reply_as_staff

    answer = comment_reply_as_staff(parent=question, user=staff, text="Rest two days.")
    comment_accept(reply=answer)
    html = client.get(article.get_absolute_url()).content.decode()
    assert "comment--accepted" in html and "Accepted answer" in html


def test_reply_page_without_javascript(client, article):
    parent = CommentFactory(article=article, name="Sam")
    response = client.get(f"/comments/reply/{parent.pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Reply to Sam" in html
    assert f'name="parent" value="{parent.pk}"' in html
    assert client.get("/comments/reply/99999999/").status_code == 404
    assert client.get("/comments/reply/99999999999999999999999/").status_code == 404
    removed = ReplyFactory(parent=parent, state=Comment.State.REMOVED)
    assert client.get(f"/comments/reply/{removed.pk}/").status_code == 404


def test_no_mail_is_sent_inside_the_request(client, article, post_data):
    SiteSettings.objects.update_or_create(
        singleton=1, defaults={"staff_notification_email": "staff@shop.example"}
    )
    client.post(URL, post_data())
    assert mail.outbox == []  # queued for after the commit, which a worker then sends

"""A request that failed the CSRF check can never be completed by a click on a page we
render from it; a reader's text still comes back, in a form we render ourselves."""

import html as html_module
import re
import time

import pytest
from django.core import signing
from django.core.cache import cache
from django.test import Client

from comments.models import Comment
from newsletter.models import Subscriber
from runnerhub.antispam import SALT
from tests.admin_paths import ADMIN
from tests.articles.factories import ArticleFactory
from tests.comments.factories import CommentFactory
from tests.runnerhub.factories import StaffFactory, UserFactory, form_token

pytestmark = pytest.mark.django_db
TYPED = "Typed with care <b>kept</b> with care & never lost"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()


@pytest.fixture
def article():
    return ArticleFactory(title="Hamstring strains", slug="hamstring-strains")


def rendered(seconds_ago: float = 30) -> str:
    return signing.dumps(time.time() - seconds_ago, salt=SALT)


def comment_data(article, **overrides):
    return {
        "article": str(article.pk),
        "parent": "",
        "name": "Jo Runner",
        "email": "jo@example.com",
        "text": TYPED,
        "notify": "on",
        "website": "",
        "rendered": rendered(),
        "is_staff_reply": "on",
        **overrides,
    }


def stale_browser(**kwargs) -> Client:
    """A browser whose page holds a token that no longer matches its cookie."""
    browser = Client(enforce_csrf_checks=True, **kwargs)
    browser.cookies["csrftoken"] = "x" * 32
    return browser


def posts_anything(html: str) -> bool:
    """Whether the page holds a form that would send something with a click."""
    return re.search(r'<form[^>]*method="post"', html, re.I) is not None


def page_token(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def test_an_old_tab_gets_its_comment_back_in_a_form_we_render(article):
    browser = stale_browser()
    response = browser.post("/comments/post/", comment_data(article, csrfmiddlewaretoken="y" * 32))
    assert response.status_code == 303
    restore_url = response["Location"]
    assert restore_url.startswith("/comments/restore/")
    assert not Comment.objects.exists()
    page = browser.get(restore_url)
    html = page.content.decode()
    assert page.status_code == 200
    assert "Typed with care &lt;b&gt;kept&lt;/b&gt; with care &amp; never lost" in html
    assert 'value="Jo Runner"' in html and 'value="jo@example.com"' in html
    assert "Send again" not in html and 'name="is_staff_reply"' not in html
    assert f'name="article" value="{article.pk}"' in html
    # The reader reads it and posts it from our page, with the page's own token.
    data = comment_data(article, csrfmiddlewaretoken=page_token(html))
    form = html.split('id="comment-form"', 1)[1]
    data["rendered"] = re.search(r'name="rendered" value="([^"]+)"', form).group(1)
    del data["is_staff_reply"]
    assert browser.post("/comments/post/", data).status_code == 302
    comment = Comment.objects.get()
    assert comment.text == TYPED and not comment.is_staff_reply
    assert comment.state == Comment.State.PENDING  # moderation as ever
    # The kept text is gone once shown.
    assert browser.get(restore_url).status_code == 403


def test_the_restored_form_keeps_the_original_render_time(article):
    """Pressing Post at once on the restored form is not taken for a bot."""
    original = rendered(seconds_ago=60)
    browser = stale_browser()
    response = browser.post("/comments/post/", comment_data(article, rendered=original))
    html = browser.get(response["Location"]).content.decode()
    assert f'name="rendered" value="{original}"' in html
    forged = stale_browser()
    response = forged.post("/comments/post/", comment_data(article, rendered="forged"))
    assert "forged" not in forged.get(response["Location"]).content.decode()


def test_a_reply_comes_back_as_a_reply(article):
    question = CommentFactory(article=article, state=Comment.State.PUBLISHED, name="Sam")
    browser = stale_browser()
    response = browser.post("/comments/post/", comment_data(article, parent=str(question.pk)))
    html = browser.get(response["Location"]).content.decode()
    assert "Reply to Sam" in html and f'name="parent" value="{question.pk}"' in html


def test_a_signed_in_person_never_gets_the_posted_data_back(article):
    """The attack: a foreign page posts a staff reply; the browser sends no session cookie
    with it (SameSite=Lax), so the request looks anonymous. The follow-up GET carries the
    session: nothing comes back, so there is nothing to click."""
    attacker = Client(enforce_csrf_checks=True)  # the cross-site POST: no cookies at all
    response = attacker.post("/comments/post/", comment_data(article, text="Attacker text"))
    staff = Client(enforce_csrf_checks=True)
    staff.force_login(StaffFactory())
    page = staff.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 403
    assert "Attacker text" not in html and not posts_anything(html)
    assert not Comment.objects.exists()


@pytest.mark.parametrize("who", ["staff", "reader"])
def test_a_signed_in_same_site_post_shows_nothing_posted(article, who):
    browser = stale_browser()
    browser.force_login(StaffFactory() if who == "staff" else UserFactory())
    response = browser.post("/comments/post/", comment_data(article, text="Secret reply"))
    html = response.content.decode()
    assert response.status_code == 403
    assert "Secret reply" not in html and not posts_anything(html)


def test_kept_text_is_only_for_the_browser_that_sent_it(article):
    """An attacker who keeps a form from their own browser cannot have it shown to anyone
    else, even on the same address (one office, one mobile network, one load balancer)."""
    attacker = stale_browser(REMOTE_ADDR="198.51.100.7")
    response = attacker.post("/comments/post/", comment_data(article))
    victim = Client(REMOTE_ADDR="198.51.100.7")
    other = victim.get(response["Location"])
    assert other.status_code == 403 and "Typed with care" not in other.content.decode()
    assert attacker.get(response["Location"]).status_code == 403  # used up, once


def approved_reader(article) -> Client:
    """A browser whose earlier comment a moderator approved: it holds the signed proof."""
    from comments.views import OWN_COOKIE

    reader = Client(enforce_csrf_checks=True)
    assert reader.get(article.get_absolute_url()).status_code == 200
    data = comment_data(article, text="My first question", email="hannah.w@example.com")
    data.pop("is_staff_reply")
    data["csrfmiddlewaretoken"] = form_token(reader)  # as forms.js gets it on a cached page
    reader.post("/comments/post/", data)
    Comment.objects.filter(text="My first question").update(state=Comment.State.PUBLISHED)
    assert OWN_COOKIE in reader.cookies
    return reader


def restored_form_data(html: str) -> dict[str, str]:
    form = html.split('id="comment-form"', 1)[1].split("</form>", 1)[0]
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form))
    fields["text"] = re.search(r"<textarea[^>]*>\n?(.*?)</textarea>", form, re.S).group(1)
    for name in ("name", "email"):
        fields[name] = re.search(rf'name="{name}" value="([^"]*)"', form).group(1)
    return {k: html_module.unescape(v) for k, v in fields.items()}


def test_a_kept_form_never_skips_moderation(article):
    """The review's attack: another site posts under a returning reader's address; she
    lands on our page with the text filled in and presses Post. It waits for a moderator."""
    reader = approved_reader(article)
    reader.cookies["csrftoken"] = "x" * 32  # what a cross-site POST meets: no valid token
    forged = comment_data(article, email="HANNAH.W@example.com", text="Cheap pills here")
    forged.pop("is_staff_reply")
    response = reader.post("/comments/post/", forged)
    page = reader.get(response["Location"])
    html = page.content.decode()
    assert "If you did not write this, leave this page" in html
    data = restored_form_data(html)
    assert data["restored"] == "1" and data["text"] == "Cheap pills here"
    fresh = reader.get(article.get_absolute_url()).content.decode()
    data["csrfmiddlewaretoken"] = page_token(fresh)
    assert reader.post("/comments/post/", {**data, "email": "not an address"}).status_code == 400
    refused = reader.post("/comments/post/", {**data, "email": "not an address"})
    assert 'name="restored" value="1"' in refused.content.decode()  # kept on the error page
    reader.post("/comments/post/", data)
    assert Comment.objects.get(text="Cheap pills here").state == Comment.State.PENDING
    # Her own next comment, from a form of ours, still publishes at once.
    own = {**data, "text": "A real follow-up", "submission_key": ""}
    own.pop("restored")
    reader.post("/comments/post/", own)
    assert Comment.objects.get(text="A real follow-up").state == Comment.State.PUBLISHED


def test_a_kept_form_is_refused_from_someone_signed_in_since(article):
    browser = stale_browser()
    response = browser.post("/comments/post/", comment_data(article, text="Kept"))
    data = restored_form_data(browser.get(response["Location"]).content.decode())
    browser.force_login(StaffFactory())
    fresh = browser.get(article.get_absolute_url()).content.decode()
    data["csrfmiddlewaretoken"] = page_token(fresh)
    response = browser.post("/comments/post/", data)
    assert response.status_code == 403 and "You are signed in" in response.content.decode()
    assert not Comment.objects.exists()


@pytest.mark.parametrize("who", ["staff", "reader"])
def test_signed_in_people_get_no_returning_commenter_cookie(article, who):
    """A shop's shared computer: after they sign out, the next person in that browser must
    not be taken for them."""
    from comments.views import OWN_COOKIE

    browser = Client()
    browser.force_login(StaffFactory() if who == "staff" else UserFactory())
    data = comment_data(article)
    data.pop("is_staff_reply")
    response = browser.post("/comments/post/", data)
    assert response.status_code == 302 and OWN_COOKIE not in response.cookies


@pytest.mark.parametrize("key", ["nope", "a" * 200, "%00" * 24, "é" * 30])
def test_unknown_or_hostile_keys_are_a_clear_403(client, key):
    response = client.get(f"/comments/restore/{key}/")
    assert response.status_code == 403
    assert "has expired or was already used" in response.content.decode()


def test_admin_posts_show_nothing_posted():
    """The password-change reproduction, and a login CSRF."""
    admin = UserFactory(is_staff=True, is_superuser=True)
    attacker = Client(enforce_csrf_checks=True)
    fields = {
        "usable_password": "true",
        "password1": "attacker-chosen-9731",
        "password2": "attacker-chosen-9731",
        "set-password": "",
    }
    response = attacker.post(f"{ADMIN}runnerhub/user/{admin.pk}/password/", fields)
    html = response.content.decode()
    assert response.status_code == 403
    assert "attacker-chosen-9731" not in html and "password1" not in html
    assert not posts_anything(html)
    response = attacker.post(f"{ADMIN}login/", {"username": "evil", "password": "evil-pass-77"})
    assert response.status_code == 403 and "evil-pass-77" not in response.content.decode()
    admin.refresh_from_db()
    assert admin.check_password("pass-word-123")


def test_scripts_get_a_403_and_no_kept_copy(article):
    response = stale_browser().post(
        "/newsletter/", {"email": "a@example.com"}, headers={"Accept": "application/json"}
    )
    assert response.status_code == 403
    assert not [k for k in cache._cache if "csrf-restore" in k]


def test_other_public_posts_are_refused_without_a_form(article):
    subscriber = Subscriber.objects.create(email="s@example.com", consent_text="yes")
    from newsletter.services import confirm_token

    response = stale_browser().post(f"/newsletter/confirm/{confirm_token(subscriber)}/")
    assert response.status_code == 403 and not posts_anything(response.content.decode())


def test_a_signup_comes_back_without_the_consent_ticked(article):
    browser = stale_browser()
    response = browser.post(
        "/newsletter/",
        {
            "email": "zoe@example.com",
            "first_name": "Zoë",
            "consent": "on",
            "source": "/articles/hamstring-strains/",
            "rendered": rendered(),
        },
    )
    assert response.status_code == 303
    page = browser.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200
    assert 'value="zoe@example.com"' in html and 'value="Zoë"' in html
    assert 'value="/articles/hamstring-strains/"' in html
    assert re.search(r'<input type="checkbox" name="consent"[^>]*checked', html) is None
    assert "tick the box and press Join" in html
    assert not Subscriber.objects.exists()


def test_stashing_is_rate_limited_per_address(article):
    from runnerhub.csrf import STASHES_PER_WINDOW

    browser = stale_browser(REMOTE_ADDR="198.51.100.8")
    codes = [
        browser.post("/comments/post/", comment_data(article)).status_code
        for _ in range(STASHES_PER_WINDOW + 2)
    ]
    assert codes[:STASHES_PER_WINDOW] == [303] * STASHES_PER_WINDOW
    assert codes[-1] == 403


def test_huge_fields_are_cut_not_crashed(article):
    browser = stale_browser()
    response = browser.post("/comments/post/", comment_data(article, text="x" * 200_000))
    page = browser.get(response["Location"])
    assert page.status_code == 200
    assert "x" * 10_000 in page.content.decode() and "x" * 10_001 not in page.content.decode()


def test_with_the_cache_down_a_csrf_failure_is_a_403_never_a_500(article, monkeypatch):
    from django.core.cache.backends.locmem import LocMemCache

    def down(*args, **kwargs):
        raise ConnectionError("the shared cache is away")

    for method in ("add", "set", "get", "incr", "delete"):
        monkeypatch.setattr(LocMemCache, method, down)
    response = stale_browser().post("/comments/post/", comment_data(article))
    assert response.status_code == 403
    assert Client().get("/comments/restore/" + "k" * 32 + "/").status_code == 403

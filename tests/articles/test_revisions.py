"""Revisions of articles (runnerhub/revisions.py): kept on every admin save, listed, diffed
against the current text, restored through the admin's form, and a save over someone else's
newer save refused with the editor's text kept."""

import json
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from reversion.models import Version

from articles.models import Article
from newsletter.models import Issue
from runnerhub.revisions import diff_words
from runnerhub.sanitize import sanitize_html
from shop.models import ArticleProduct
from tests.admin_paths import ADMIN
from tests.articles.factories import TopicFactory
from tests.articles.test_admin import ADD_URL, form_data
from tests.hostile import HOSTILE, XSS, corpus_for
from tests.newsletter.test_admin import form_data as issue_form
from tests.runnerhub.factories import StaffFactory, signed_in
from tests.shop.factories import ProductFactory

pytestmark = pytest.mark.django_db

HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE)
JS_ATTRIBUTE = re.compile(r"=\s*[\"']?\s*javascript:", re.IGNORECASE)
# Django leaves out an empty value ("no revision yet").
TOKEN = re.compile(r'name="revision_token"(?: value="(\d*)")?')


@pytest.fixture
def editor(client):
    return signed_in(client, "Editors", username="eddie")


def change_url(article) -> str:
    return f"{ADMIN}articles/article/{article.pk}/change/"


def revisions_url(article) -> str:
    return f"{ADMIN}articles/article/{article.pk}/revisions/"


def token(client, article) -> str:
    return TOKEN.search(client.get(change_url(article)).content.decode()).group(1) or ""


def save(client, article, topic, author, **fields):
    data = form_data(topic, author, revision_token=token(client, article), **fields)
    data.update({"faqs-TOTAL_FORMS": "0"})
    return client.post(change_url(article), data)


@pytest.fixture
def written(client, editor):
    """An article added in admin and then changed once: two revisions."""
    topic = TopicFactory()
    client.post(ADD_URL, form_data(topic, editor, body="<p>Run easy on Mondays.</p>"))
    article = Article.objects.get()
    response = save(client, article, topic, editor, body="<p>Run hard on Mondays.</p>")
    assert response.status_code == 302
    return article, topic


def versions(article):
    return list(Version.objects.get_for_object(article).select_related("revision__user"))


def test_every_save_keeps_a_revision_with_its_author_and_content(client, editor, written):
    article, _topic = written
    newest, first = versions(article)
    assert first.revision.user == editor == newest.revision.user
    assert first.field_dict["body"] == "<p>Run easy on Mondays.</p>"
    assert newest.field_dict["body"] == "<p>Run hard on Mondays.</p>"
    assert newest.revision.get_comment().startswith("Changed Body")  # as History says
    assert first.field_dict["title"] == "Strides for beginners"
    # The FAQs added with the article are in its first revision.
    kept = [v.field_dict for v in first.revision.version_set.all() if "question" in v.field_dict]
    assert sorted(f["question"] for f in kept) == ["How many?", "When?"]


def test_the_list_links_each_revision_to_its_diff(client, written):
    article, _topic = written
    response = client.get(revisions_url(article))
    html = response.content.decode()
    first = versions(article)[-1]
    assert f'href="{revisions_url(article)}{first.pk}/"' in html
    assert "Eddie" in html or "eddie" in html or html.count("<tr>") == 3
    # The change form links to the list.
    assert f'href="{revisions_url(article)}"' in client.get(change_url(article)).content.decode()


def test_the_diff_marks_changed_words_in_the_visible_text(client, written):
    article, _topic = written
    first = versions(article)[-1]
    html = client.get(f"{revisions_url(article)}{first.pk}/").content.decode()
    assert "<del>easy</del>" in html and "<ins>hard</ins>" in html
    assert "&lt;p&gt;" not in html  # words, not markup
    assert "Restore this version" in html


def test_a_rewritten_sentence_reads_as_one_deletion_then_one_insertion():
    parts = diff_words(
        "Stretch for five minutes after every run.", "Roll your calves gently after every run."
    )
    assert parts == [
        ("del", "Stretch for five minutes"),
        ("ins", "Roll your calves gently"),
        ("same", " after every run."),
    ]


def test_short_words_between_changes_join_the_run_but_longer_ones_stay():
    assert diff_words("Run easy on Mondays.", "Walk hard at Mondays.") == [
        ("del", "Run easy on"),
        ("ins", "Walk hard at"),
        ("same", " Mondays."),
    ]
    assert diff_words("a b c d", "a x c y") == [("same", "a "), ("del", "b c d"), ("ins", "x c y")]
    assert diff_words("Run easy around Mondays gently.", "Run hard around Mondays slowly.") == [
        ("same", "Run "),
        ("del", "easy"),
        ("ins", "hard"),
        ("same", " around Mondays "),
        ("del", "gently."),
        ("ins", "slowly."),
    ]


def test_diff_parts_always_rebuild_both_texts():
    pairs = [
        (old, new)
        for old in ("", "Run easy.", *HOSTILE)
        for new in ("", "Run easy.", "Run hard, then easy.", old[::-1], old + " more")
    ]
    for old, new in pairs:
        parts = diff_words(old, new)
        assert "".join(text for op, text in parts if op != "ins") == old
        assert "".join(text for op, text in parts if op != "del") == new
        assert all(text for _op, text in parts)
        # Never word by word: changes are not split by mere spaces or a short word.
        for before, (op, text), after in zip(parts, parts[1:], parts[2:], strict=False):
            if op == "same" and before[0] != "same" and after[0] != "same":
                assert re.search(r"\S{4}|\S+\s+\S", text), (old, new, parts)


def test_restore_asks_first_then_makes_a_new_revision(client, written):
    article, _topic = written
    first = versions(article)[-1]
    restore = f"{revisions_url(article)}{first.pk}/restore/"
    page = client.get(restore).content.decode()
    assert 'method="post"' in page and "csrfmiddlewaretoken" in page
    article.refresh_from_db()
    assert article.body == "<p>Run hard on Mondays.</p>"  # the question changed nothing
    response = client.post(restore)
    assert response.status_code == 302 and response.url == change_url(article)
    article.refresh_from_db()
    assert article.body == "<p>Run easy on Mondays.</p>"
    newest, *older = versions(article)
    assert len(older) == 2  # history kept, one revision more
    assert "Restored" in newest.revision.get_comment()
    assert newest.field_dict["body"] == "<p>Run easy on Mondays.</p>"


def test_restore_needs_a_csrf_token_and_the_right_to_change(written):
    article, _topic = written
    first = versions(article)[-1]
    restore = f"{revisions_url(article)}{first.pk}/restore/"
    careful = Client(enforce_csrf_checks=True)
    careful.force_login(Article.objects.get().author)
    assert careful.post(restore).status_code == 403
    stranger = Client()
    stranger.force_login(StaffFactory())  # staff, but no rights on articles
    assert stranger.post(restore).status_code == 403
    assert stranger.get(f"{revisions_url(article)}{first.pk}/").status_code == 403
    article.refresh_from_db()
    assert article.body == "<p>Run hard on Mondays.</p>"


def forge(version, **fields) -> None:
    """A revision whose stored data holds what a save would never have let through."""
    data = json.loads(version.serialized_data)
    data[0]["fields"].update(fields)
    Version.objects.filter(pk=version.pk).update(serialized_data=json.dumps(data))


@pytest.mark.parametrize("hostile", XSS)
def test_a_hostile_body_restored_comes_back_sanitized(client, written, hostile):
    article, _topic = written
    first = versions(article)[-1]
    body = f"<p>Stretch gently.</p>{hostile}"
    forge(first, body=body)
    response = client.post(f"{revisions_url(article)}{first.pk}/restore/")
    assert response.status_code in (200, 302)
    article.refresh_from_db()
    if response.status_code == 302:
        assert article.body == sanitize_html(body)  # the sanitizer ran, as on any save
    else:
        assert article.body == "<p>Run hard on Mondays.</p>"  # refused: nothing written
    # Whatever is left of the payload is text: no element or attribute that runs script.
    assert "<script" not in article.body.lower()
    assert not HANDLER.search(article.body) and not JS_ATTRIBUTE.search(article.body)
    html = client.get(f"{revisions_url(article)}{first.pk}/").content.decode()
    assert "<script" not in html.split('id="content-main"')[1]


def test_hostile_revisions_never_give_a_500(client, written):
    article, _topic = written
    first = versions(article)[-1]
    for value in corpus_for(connection.vendor):
        forge(first, title=value, body=value, lead=value, seo_title=value)
        assert client.get(f"{revisions_url(article)}{first.pk}/").status_code == 200
        assert client.get(f"{revisions_url(article)}{first.pk}/restore/").status_code == 200
        assert client.post(f"{revisions_url(article)}{first.pk}/restore/").status_code in (
            200,
            302,
        )


@pytest.mark.parametrize("bad", ["abc", "0", "99999999999999999999999", "1%00", "-1"])
def test_bad_addresses_are_not_found(client, written, bad):
    article, _topic = written
    for url in (
        f"{revisions_url(article)}{bad}/",
        f"{revisions_url(article)}{bad}/restore/",
        f"{ADMIN}articles/article/{bad}/revisions/",
    ):
        # A 404, or the admin's own "no such object" (a redirect to a page saying so).
        assert client.get(url, follow=True).status_code in (200, 404)
        assert client.post(url, follow=True).status_code in (200, 404)
    article.refresh_from_db()
    assert article.body == "<p>Run hard on Mondays.</p>"


def test_a_revision_of_another_article_is_404(client, editor, written):
    article, topic = written
    client.post(ADD_URL, form_data(topic, editor, slug="another", title="Another"))
    other = Article.objects.get(slug="another")
    theirs = versions(other)[0]
    assert client.get(f"{revisions_url(article)}{theirs.pk}/").status_code == 404
    assert client.post(f"{revisions_url(article)}{theirs.pk}/restore/").status_code == 404


def test_a_save_over_a_newer_save_is_refused_and_keeps_the_text(client, editor, written):
    article, topic = written
    loaded = token(client, article)  # the first editor opens the form
    other = Client()
    other.force_login(signed_in(other, "Editors", username="olga"))
    assert save(other, article, topic, editor, body="<p>Olga's text.</p>").status_code == 302
    mine = "<p>My own careful rewrite.</p>"
    data = form_data(topic, editor, body=mine, revision_token=loaded, **{"faqs-TOTAL_FORMS": "0"})
    response = client.post(change_url(article), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Someone else saved this meanwhile" in html
    # In a new tab, so that looking does not leave this form.
    assert f'href="{revisions_url(article)}{loaded}/" target="_blank" rel="noopener"' in html
    assert "My own careful rewrite." in html  # still in the form
    article.refresh_from_db()
    assert article.body == "<p>Olga's text.</p>"
    # Saving again, after looking, is meant: the form now carries the newer revision.
    data["revision_token"] = TOKEN.search(html).group(1)
    assert data["revision_token"] != loaded
    assert client.post(change_url(article), data).status_code == 302
    article.refresh_from_db()
    assert article.body == mine


def test_the_revision_list_takes_the_same_queries_for_2_and_30(client, written):
    article, topic = written
    with CaptureQueriesContext(connection) as few:
        assert client.get(revisions_url(article)).status_code == 200
    editor = article.author
    for n in range(28):
        article.refresh_from_db()
        save(client, article, topic, editor, body=f"<p>Version {n}.</p>")
    assert len(versions(article)) == 30
    with CaptureQueriesContext(connection) as many:
        assert client.get(revisions_url(article)).status_code == 200
    assert len(many) == len(few)


def test_a_save_from_an_untouched_form_is_never_refused(client, editor, written):
    article, topic = written
    # Two saves in a row from freshly loaded forms: no conflict.
    assert save(client, article, topic, editor, body="<p>One.</p>").status_code == 302
    assert save(client, article, topic, editor, body="<p>Two.</p>").status_code == 302
    # A post without the field (a script) is not checked.
    data = form_data(topic, editor, body="<p>Three.</p>", **{"faqs-TOTAL_FORMS": "0"})
    assert client.post(change_url(article), data).status_code == 302


def test_the_gear_list_and_faqs_are_kept_and_diffed(client, editor, written):
    article, topic = written
    ArticleProduct.objects.create(article=article, product=ProductFactory(name="Massage ball"))
    assert save(client, article, topic, editor, body="<p>Roll it out.</p>").status_code == 302
    before, after = versions(article)[1], versions(article)[0]
    html = client.get(f"{revisions_url(article)}{before.pk}/").content.decode()
    assert "<ins>Massage ball</ins>" in html
    assert "Gear in this article" in html and "Frequently asked questions" in html
    kept = [v.object_repr for v in after.revision.version_set.all()]
    assert any("Massage ball" in r for r in kept)


def test_newsletter_drafts_keep_revisions_and_products_list_theirs(client):
    user = signed_in(client, "Editors", username="ed")
    issue = Issue.objects.create(subject="Week 1", body="<p>Hello runners.</p>")
    change = f"{ADMIN}newsletter/issue/{issue.pk}/change/"
    page = client.get(change).content.decode()
    assert f'href="{ADMIN}newsletter/issue/{issue.pk}/revisions/"' in page
    token = TOKEN.search(page).group(1) or ""
    data = issue_form(issue, body="<p>Hello, hill runners.</p>", revision_token=token)
    assert client.post(change, data).status_code == 302
    (version,) = Version.objects.get_for_object(issue)
    assert version.revision.user == user and "hill runners" in version.field_dict["body"]
    product = ProductFactory()
    assert client.get(f"{ADMIN}shop/product/{product.pk}/revisions/").status_code == 200


def test_restore_brings_back_the_faqs_and_gear_list(client, editor, written):
    article, topic = written
    first = versions(article)[-1]  # two FAQs, no gear
    article.faqs.all().delete()
    ArticleProduct.objects.create(article=article, product=ProductFactory(name="Massage ball"))
    assert save(client, article, topic, editor, body="<p>Roll it out.</p>").status_code == 302
    response = client.post(f"{revisions_url(article)}{first.pk}/restore/")
    assert response.status_code == 302
    assert sorted(article.faqs.values_list("question", flat=True)) == ["How many?", "When?"]
    assert not article.shop_products.exists()
    newest = versions(article)[0]
    kept = [v.object_repr for v in newest.revision.version_set.all()]
    assert "How many?" in kept and not any("Massage ball" in r for r in kept)


def test_a_gear_row_whose_product_is_gone_is_named_and_nothing_restored(client, editor, written):
    article, topic = written
    ball = ProductFactory(name="Massage ball")
    ArticleProduct.objects.create(article=article, product=ball)
    assert save(client, article, topic, editor, body="<p>Roll it out.</p>").status_code == 302
    with_ball = versions(article)[0]
    assert save(client, article, topic, editor, body="<p>Later.</p>").status_code == 302
    article.shop_products.all().delete()
    ball.delete()
    response = client.post(f"{revisions_url(article)}{with_ball.pk}/restore/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Gear in this article" in html and "(deleted since)" in html
    article.refresh_from_db()
    assert article.body == "<p>Later.</p>"

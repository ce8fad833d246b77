"""Medical review: who reviewed an article (staff or outside the team), when its next review
is due, the admin's filter, column, dashboard panel and "Mark reviewed", and what the page
and its JSON-LD say."""

import json
import re
from datetime import UTC, date, datetime, timedelta
from unittest import mock

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article, ReviewState
from articles.services import articles_mark_reviewed
from runnerhub.dates import AddMonths, add_months
from runnerhub.models import SiteSettings
from runnerhub.permissions import MEDICAL_REVIEWERS
from runnerhub.revisions import versions_of
from tests.admin_paths import ADMIN
from tests.articles.factories import ArticleFactory, TopicFactory
from tests.articles.test_admin import form_data
from tests.hostile import corpus_for, form_body
from tests.runnerhub.factories import (
    StaffFactory,
    UserFactory,
    cold_fragments,
    form_token,
    signed_in,
)

pytestmark = pytest.mark.django_db

LIST_URL = f"{ADMIN}articles/article/"
FORM_CONTENT = "application/x-www-form-urlencoded"


def ld_page(html: str) -> dict:
    """The Article's page (WebPage or MedicalWebPage), which carries the review."""
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return json.loads(blocks[0])["mainEntityOfPage"]


def reviewed(days_ago: int | None, **kwargs) -> Article:
    """A health-advice article (outside reviewer unless a reviewer is given), last reviewed
    `days_ago` days ago (None: never)."""
    if "reviewer" not in kwargs:
        kwargs.setdefault("reviewed_by", "Sam Patel, physiotherapist")
    last = None if days_ago is None else timezone.localdate() - timedelta(days=days_ago)
    kwargs.setdefault("last_reviewed", last)
    return ArticleFactory(**kwargs)


@pytest.fixture
def editor(client):
    return signed_in(client, "Editors", username="eddie", display_name="Eddie Fox")


# The due date -----------------------------------------------------------------------------

MONTH_ENDS = [
    (date(2025, 1, 31), 1, date(2025, 2, 28)),
    (date(2024, 1, 31), 1, date(2024, 2, 29)),
    (date(2024, 2, 29), 12, date(2025, 2, 28)),
    (date(2025, 3, 31), 6, date(2025, 9, 30)),
    (date(2025, 11, 15), 2, date(2026, 1, 15)),
    (date(2025, 12, 31), 12, date(2026, 12, 31)),
    (date(2025, 5, 1), 120, date(2035, 5, 1)),
]


@pytest.mark.parametrize(("day", "months", "expected"), MONTH_ENDS)
def test_add_months_in_python_and_in_sql_agree(day, months, expected):
    assert add_months(day, months) == expected
    article = ArticleFactory(last_reviewed=day, review_interval_months=months)
    in_sql = (
        Article.objects.filter(pk=article.pk)
        .annotate(due=AddMonths("last_reviewed", "review_interval_months"))
        .values_list("due", flat=True)
        .get()
    )
    assert in_sql == expected


def test_the_due_date_takes_the_article_interval_or_the_site_default():
    site = SiteSettings.load()
    assert site.review_interval_months == 12
    own = reviewed(0, review_interval_months=3)
    default = reviewed(0)
    never = reviewed(None)
    plain = ArticleFactory(last_reviewed=date(2025, 1, 1))  # no reviewer: not health advice
    today = timezone.localdate()
    assert own.next_review_due(12) == add_months(today, 3)
    assert default.next_review_due(12) == add_months(today, 12)
    assert never.next_review_due(12) is None and never.needs_review
    assert plain.next_review_due(12) is None and not plain.needs_review

    SiteSettings.objects.update(review_interval_months=6)
    due = dict(Article.objects.with_review_due().values_list("pk", "review_due_on"))
    assert due[own.pk] == add_months(today, 3)  # its own interval wins
    assert due[default.pk] == add_months(today, 6)  # the site's, read in the same query
    assert due[never.pk] is None


def test_review_states_split_the_articles():
    overdue = reviewed(400)
    due_today = reviewed(0, review_interval_months=1, last_reviewed=None)
    due_today.last_reviewed = add_months(timezone.localdate(), -1)
    due_today.save()
    never = reviewed(None, reviewer=StaffFactory())
    soon = reviewed(350)
    fresh = reviewed(10)
    plain = ArticleFactory()

    def state(name):
        return set(Article.objects.review_state(name).values_list("pk", flat=True))

    assert state(ReviewState.OVERDUE) == {overdue.pk, due_today.pk, never.pk}
    assert state(ReviewState.SOON) == {soon.pk}
    assert state(ReviewState.UP_TO_DATE) == {fresh.pk}
    assert state(ReviewState.NONE) == {plain.pk}


def test_a_staff_reviewer_and_an_outside_one_cannot_both_be_set():
    article = ArticleFactory(reviewer=StaffFactory())
    article.reviewed_by = "Sam Patel"
    with pytest.raises(ValidationError) as error:
        article.full_clean()
    assert "reviewed_by" in error.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        article.save()


@pytest.mark.parametrize("months", [0, 121])
def test_a_review_interval_out_of_range_is_refused(months):
    article = ArticleFactory()
    article.review_interval_months = months
    with pytest.raises(ValidationError):
        article.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        article.save()


# The admin list ---------------------------------------------------------------------------


def test_the_review_due_filter_and_column(client, editor):
    overdue, soon, fresh, plain = reviewed(400), reviewed(350), reviewed(10), ArticleFactory()
    expected = {
        "overdue": [overdue],
        "soon": [soon],
        "ok": [fresh],
        "none": [plain],
    }
    for value, articles in expected.items():
        response = client.get(LIST_URL, {"review": value})
        assert response.status_code == 200
        assert list(response.context["cl"].result_list) == articles, value
    html = client.get(LIST_URL).content.decode()
    assert "Overdue since" in html and "Review due" in html
    # Sorting by the column: never reviewed and oldest due first (column 8 of list_display).
    never = reviewed(None)
    column = list(response.context["cl"].list_display).index("review_due")
    response = client.get(LIST_URL, {"o": str(column)})
    shown = [a.pk for a in response.context["cl"].result_list]
    assert shown.index(never.pk) < shown.index(overdue.pk) < shown.index(soon.pk)
    assert shown.index(soon.pk) < shown.index(fresh.pk)
    assert client.get(LIST_URL, {"review": "<script>"}).status_code == 200  # ignored


def test_the_reviewer_picker_offers_active_staff_by_public_name(client, editor):
    StaffFactory(display_name="Dipika Raman", public_title="Physio", username="dipika")
    StaffFactory(display_name="Dipika Gone", is_active=False)
    UserFactory(first_name="Dipika", last_name="Reader")  # not staff
    response = client.get(f"{LIST_URL}reviewers/", {"term": "dipika"})
    assert response.status_code == 200
    assert [r["text"] for r in response.json()["results"]] == ["Dipika Raman, Physio"]
    change = client.get(f"{LIST_URL}{ArticleFactory().pk}/change/").content.decode()
    assert f'data-ajax--url="{LIST_URL}reviewers/"' in change
    assert "Reviewed by (outside the team)" in change


def test_the_reviewer_picker_is_for_those_who_may_change_articles(client):
    viewer = StaffFactory()
    viewer.user_permissions.add(Permission.objects.get(codename="view_article"))
    client.force_login(viewer)
    assert client.get(f"{LIST_URL}reviewers/", {"term": "a"}).status_code == 403


# The dashboard ----------------------------------------------------------------------------


def test_the_dashboard_lists_reviews_due_by_topic_oldest_first(client, editor):
    injuries = TopicFactory(name="Injuries", slug="injuries", order=0)
    training = TopicFactory(name="Training", slug="training", order=1)
    late = reviewed(500, topic=training, title="Taper guide")
    later = reviewed(400, topic=training, title="First 5k")
    never = reviewed(None, topic=injuries, title="Shin splints")
    soon = reviewed(350, topic=injuries, title="Calf strains")
    reviewed(10, topic=injuries, title="Fresh advice")  # up to date: not listed
    reviewed(500, topic=injuries, title="Old draft", status=Article.Status.DRAFT)
    ArticleFactory(topic=injuries, title="No reviewer")

    response = client.get(ADMIN)
    html = response.content.decode()
    panel = html[html.index('id="medical-reviews-due"') :]
    panel = panel[: panel.index("</section>")]
    titles = re.findall(r'<a href="[^"]+/change/">([^<]+)</a>', panel)
    assert titles == ["Shin splints", "Calf strains", "Taper guide", "First 5k"]
    assert panel.index("Injuries") < panel.index("Shin splints") < panel.index("Training")
    assert f'href="{LIST_URL}{late.pk}/change/"' in panel
    assert "Never reviewed: due now" in panel and "Overdue since" in panel and "Due " in panel
    counter = re.search(
        r'rh-dashboard__item--urgent" href="[^"]*#medical-reviews-due">\s*'
        r'<span class="rh-dashboard__count">(\d+)</span>',
        html,
    )
    assert counter and counter.group(1) == "4"
    assert {later.pk, never.pk, soon.pk}  # listed above


def test_the_dashboard_shows_the_10_most_overdue_and_links_to_all(client, editor):
    overdue = [reviewed(400 + i, title=f"Overdue {i:02}") for i in range(12)]
    reviewed(10, title="Fresh")  # up to date: not due
    html = client.get(ADMIN).content.decode()
    panel = html[html.index('id="medical-reviews-due"') :]
    panel = panel[: panel.index("</section>")]
    titles = set(re.findall(r'<a href="[^"]+/change/">([^<]+)</a>', panel))
    assert titles == {f"Overdue {i:02}" for i in range(2, 12)}  # the 10 most overdue
    link = re.search(r'<a href="([^"]+)">See all 12 in the article list</a>', panel)
    assert link and link.group(1) == f"{LIST_URL}?review=due"
    response = client.get(link.group(1).replace("&amp;", "&"))
    assert {a.pk for a in response.context["cl"].result_list} == {a.pk for a in overdue}


def test_no_panel_for_those_who_may_not_change_articles(client):
    reviewed(400)
    viewer = StaffFactory()
    viewer.user_permissions.add(Permission.objects.get(codename="view_article"))
    client.force_login(viewer)
    html = client.get(ADMIN).content.decode()
    assert "medical-reviews-due" not in html and "Medical reviews due" not in html


@pytest.mark.parametrize("n", [5, 50])
def test_the_dashboard_costs_the_same_at_5_and_50_articles_due(
    client, editor, django_assert_max_num_queries, n
):
    topics = [TopicFactory() for _ in range(5)]
    staff = StaffFactory()
    for i in range(n):
        if i % 2:
            reviewed(400 + i, topic=topics[i % 5], reviewer=staff)
        else:
            reviewed(400 + i, topic=topics[i % 5])
    client.get(ADMIN)  # the session and the permission cache of this user warmed once
    # The whole index: session, user, permissions, the apps' counters and the one query of
    # the reviews panel (its articles, their topics and the site's interval together).
    with django_assert_max_num_queries(10) as queries:
        response = client.get(ADMIN)
    html = response.content.decode()
    panel = html[html.index('id="medical-reviews-due"') :]
    panel = panel[: panel.index("</section>")]
    assert panel.count("/change/") == min(n, 10)  # the most overdue; the rest one click away
    reviews = [q for q in queries.captured_queries if '"articles_article"' in q["sql"]]
    assert len(reviews) == 1


# Mark reviewed ----------------------------------------------------------------------------


def test_the_action_marks_reviewed_with_the_acting_staff_as_reviewer(client, medical_reviewer):
    staff_reviewed = reviewed(400, reviewer=StaffFactory())
    outside = reviewed(400)
    response = client.post(
        LIST_URL,
        {"action": "mark_reviewed", "_selected_action": [staff_reviewed.pk, outside.pk]},
        follow=True,
    )
    assert "2 articles are marked medically reviewed today." in response.content.decode()
    today = timezone.localdate()
    staff_reviewed.refresh_from_db()
    outside.refresh_from_db()
    assert staff_reviewed.last_reviewed == today and staff_reviewed.reviewer == medical_reviewer
    # Someone outside the team is named: their name stays, no staff reviewer is added.
    assert outside.last_reviewed == today and outside.reviewer is None
    assert outside.reviewed_by == "Sam Patel, physiotherapist"
    for article in (staff_reviewed, outside):
        revision = versions_of(article).select_related("revision__user").first().revision
        assert revision.get_comment() == "Marked medically reviewed"
        assert revision.user == medical_reviewer


def test_the_button_posts_with_csrf_and_keeps_a_revision(medical_reviewer):
    article = reviewed(400)
    client = Client(enforce_csrf_checks=True)
    client.force_login(medical_reviewer)
    change = client.get(f"{LIST_URL}{article.pk}/change/").content.decode()
    url = f"{LIST_URL}{article.pk}/mark-reviewed/"
    assert f'<form id="mark-reviewed-form" method="post" action="{url}" hidden>' in change
    assert 'form="mark-reviewed-form"' in change

    assert client.post(url).status_code == 403  # no CSRF token
    article.refresh_from_db()
    assert article.last_reviewed != timezone.localdate()
    assert client.get(url).status_code == 405

    before = versions_of(article).count()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', change).group(1)
    response = client.post(url, {"csrfmiddlewaretoken": token}, follow=True)
    assert response.redirect_chain[-1][0] == f"{LIST_URL}{article.pk}/change/"
    assert "is marked medically reviewed today" in response.content.decode()
    article.refresh_from_db()
    assert article.last_reviewed == timezone.localdate()
    assert versions_of(article).count() == before + 1
    assert versions_of(article).first().revision.get_comment() == "Marked medically reviewed"
    assert versions_of(article).first().field_dict["last_reviewed"] == timezone.localdate()


def test_a_user_who_may_not_change_articles_cannot_mark_one_reviewed(client):
    article = reviewed(400)
    viewer = StaffFactory()
    viewer.user_permissions.add(Permission.objects.get(codename="view_article"))
    client.force_login(viewer)
    change = client.get(f"{LIST_URL}{article.pk}/change/").content.decode()
    assert "mark-reviewed-form" not in change
    assert client.post(f"{LIST_URL}{article.pk}/mark-reviewed/").status_code == 403
    response = client.post(LIST_URL, {"action": "mark_reviewed", "_selected_action": [article.pk]})
    article.refresh_from_db()
    assert article.last_reviewed != timezone.localdate()
    assert response.status_code in (200, 302, 403)


@pytest.mark.parametrize("object_id", ["0", "99999999", "abc", "1%00", "-1"])
def test_marking_an_unknown_article_is_never_a_500(client, medical_reviewer, object_id):
    # Not an id at all: the admin's own "not found" redirect; an id of no article: 404.
    expected = 404 if object_id.isdigit() and object_id != "0" else 302
    assert client.post(f"{LIST_URL}{object_id}/mark-reviewed/").status_code == expected


def test_marking_reviewed_uses_the_site_day():
    article = reviewed(400)
    user = StaffFactory()
    # 23:30 UTC on June 30 is already July 1 in London (BST).
    moment = datetime(2026, 6, 30, 23, 30, tzinfo=UTC)
    with (
        override_settings(TIME_ZONE="Europe/London"),
        mock.patch("django.utils.timezone.now", return_value=moment),
    ):
        articles_mark_reviewed(articles=[article], user=user)
    article.refresh_from_db()
    assert article.last_reviewed == date(2026, 7, 1)


# The page ---------------------------------------------------------------------------------


def test_the_page_names_a_staff_reviewer_with_a_link_and_the_date():
    reviewer = StaffFactory(display_name="Dipika Raman", slug="dipika-raman")
    article = reviewed(0, reviewer=reviewer, last_reviewed=date(2026, 3, 9))
    html = Client().get(article.get_absolute_url()).content.decode()
    assert (
        'Medically reviewed by <a href="/authors/dipika-raman/" class="author-link">Dipika '
        'Raman</a>, <time datetime="2026-03-09">March 9, 2026</time>' in html
    )
    data = ld_page(html)
    assert data["reviewedBy"] == {
        "@type": "Person",
        "name": "Dipika Raman",
        "url": "http://testserver/authors/dipika-raman/",
    }
    assert data["lastReviewed"] == "2026-03-09"


def test_a_reviewer_without_a_review_yet_is_not_claimed():
    article = reviewed(None, reviewer=StaffFactory())
    html = Client().get(article.get_absolute_url()).content.decode()
    assert "Medically reviewed" not in html
    assert "reviewedBy" not in ld_page(html) and "lastReviewed" not in ld_page(html)


def test_a_former_staff_reviewer_keeps_an_author_page():
    reviewer = StaffFactory(slug="left-us")
    reviewed(5, reviewer=reviewer)
    reviewer.is_staff = False
    reviewer.save()
    assert Client().get("/authors/left-us/").status_code == 200


def test_the_article_page_query_count_does_not_grow_with_a_staff_reviewer():
    SiteSettings.load()
    counts = []
    for reviewer in (None, StaffFactory()):
        article = reviewed(5, reviewer=reviewer) if reviewer else ArticleFactory()
        cold_fragments()
        with CaptureQueriesContext(connection) as queries:
            response = Client().get(article.get_absolute_url())
        assert response.status_code == 200
        counts.append(len(queries))
    assert "Medically reviewed by" in response.content.decode()
    assert counts[0] == counts[1]  # the reviewer comes with the article's own query


def test_marking_reviewed_shows_at_once_with_the_page_cache_on(
    medical_reviewer, client, django_capture_on_commit_callbacks
):
    article = reviewed(400)
    reader = Client()
    old = reader.get(article.get_absolute_url())
    assert old["Cache-Control"].startswith("public")
    assert reader.get(article.get_absolute_url()).content == old.content  # kept
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"{LIST_URL}{article.pk}/mark-reviewed/")
    html = reader.get(article.get_absolute_url()).content.decode()
    today = timezone.localdate()
    assert f'<time datetime="{today.isoformat()}">' in html
    assert ld_page(html)["lastReviewed"] == today.isoformat()


def test_hostile_outside_reviewers_are_escaped_on_the_page_and_in_json_ld(
    client, editor, django_capture_on_commit_callbacks
):
    topic = TopicFactory()
    article = ArticleFactory(slug="strides-for-beginners", topic=topic, author=editor)
    url = f"{LIST_URL}{article.pk}/change/"
    reader = Client()
    token = form_token(client)
    saved = 0
    for value in corpus_for(connection.vendor):
        data = form_data(
            topic,
            editor,
            reviewed_by=value,
            last_reviewed=timezone.localdate().strftime("%d/%m/%Y"),
            csrfmiddlewaretoken=token,
        )
        data.pop("tags")
        data["faqs-TOTAL_FORMS"] = "0"
        data = {name: str(value) for name, value in data.items()}
        with django_capture_on_commit_callbacks(execute=True):  # the page cache purged
            response = client.post(
                url, form_body(data), content_type="application/x-www-form-urlencoded"
            )
        assert response.status_code in (200, 302), (value, response.status_code)
        if response.status_code != 302:
            continue
        saved += 1
        article.refresh_from_db()
        html = reader.get(article.get_absolute_url()).content.decode()
        stored = article.reviewed_by
        if stored.strip():
            assert ld_page(html)["reviewedBy"]["name"] == stored
        # Nothing in the JSON-LD closes its script: every "<" in it is escaped.
        for block in re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S):
            assert "<" not in block
        if "<" in stored:
            assert stored not in html
    assert saved > 50


# Review defects found in audit ------------------------------------------------------------


@pytest.fixture
def medical_reviewer(client):
    """An editor who is also in the Medical reviewers group (made by migration 0009)."""
    user = signed_in(client, "Editors", username="dipika", display_name="Dipika Raman")
    user.groups.add(Group.objects.get(name=MEDICAL_REVIEWERS))
    return user


def change_form_post(client, article, **overrides) -> dict:
    """What the change form posts as it was loaded (hidden initials and revision token
    included), with `overrides`."""
    html = client.get(f"{LIST_URL}{article.pk}/change/").content.decode()
    data = form_data(article.topic, article.author, slug=article.slug, **overrides)
    data.pop("tags")
    data["faqs-TOTAL_FORMS"] = "0"
    for name in ("revision_token", "initial-reviewer", "initial-last_reviewed"):
        data[name] = loaded_value(html, name)
    for name in ("reviewer", "last_reviewed", "review_interval_months"):
        if name not in overrides:
            data[name] = loaded_value(html, name)
    return data


def loaded_value(html: str, name: str) -> str:
    """The value the visible field `name` was loaded with."""
    if name == "reviewer":
        found = re.search(r'name="reviewer"[^>]*>.*?<option value="(\d+)" selected', html, re.S)
    else:
        # An empty value is rendered without the attribute.
        found = re.search(rf'name="{name}"(?: value="([^"]*)")?', html)
    return (found.group(1) or "") if found else ""


def test_a_reviewer_who_leaves_the_staff_stays_on_their_articles(client, editor):
    former = StaffFactory(display_name="Former Physio")
    article = reviewed(100, reviewer=former, author=editor)
    former.is_staff = False
    former.save()
    data = change_form_post(client, article, title="Strides, revised")
    assert data["reviewer"] == str(former.pk)  # still offered, and chosen
    response = client.post(f"{LIST_URL}{article.pk}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    article.refresh_from_db()
    assert article.title == "Strides, revised" and article.reviewer == former


def test_a_user_outside_the_staff_cannot_newly_be_made_reviewer(client, editor):
    article = reviewed(100, reviewer=StaffFactory(), author=editor)
    outsider = UserFactory()
    data = change_form_post(client, article, reviewer=str(outsider.pk))
    response = client.post(f"{LIST_URL}{article.pk}/change/", data)
    assert response.status_code == 200
    assert "Choose a member of the staff as reviewer" in response.content.decode()
    article.refresh_from_db()
    assert article.reviewer != outsider


@pytest.mark.parametrize("months", ["9223372036854775808", "121", str(10**40), "-1"])
def test_a_review_interval_out_of_range_is_a_form_error_not_a_500(client, editor, months):
    article = reviewed(100, author=editor)
    data = change_form_post(client, article, review_interval_months=months)
    response = client.post(f"{LIST_URL}{article.pk}/change/", data)
    assert response.status_code == 200
    assert "review_interval_months" in response.context["adminform"].form.errors
    # Refused by the form field itself: the value never reaches the article the page shows.
    assert response.context["adminform"].form.instance.review_interval_months != int(months)


def test_the_due_date_is_clamped_to_the_last_day_a_date_holds():
    assert add_months(date(2025, 1, 31), 2**63) == date.max
    assert add_months(date(9999, 12, 31), 12) == date.max
    article = ArticleFactory(reviewed_by="Sam Patel", last_reviewed=date(2025, 1, 1))
    assert article.next_review_due(2**63) == date.max


def test_a_review_later_than_today_is_refused(client, editor):
    article = reviewed(100, author=editor)
    article.last_reviewed = timezone.localdate() + timedelta(days=1)
    with pytest.raises(ValidationError) as error:
        article.full_clean()
    assert error.value.message_dict["last_reviewed"] == [
        "The last review cannot be later than today."
    ]
    article.refresh_from_db()
    for day in ("31/12/9999", (timezone.localdate() + timedelta(days=1)).strftime("%d/%m/%Y")):
        data = change_form_post(client, article, last_reviewed=day)
        response = client.post(f"{LIST_URL}{article.pk}/change/", data)
        assert response.status_code == 200
        assert "The last review cannot be later than today." in response.content.decode()
    today = timezone.localdate().strftime("%d/%m/%Y")
    data = change_form_post(client, article, last_reviewed=today)
    assert client.post(f"{LIST_URL}{article.pk}/change/", data).status_code == 302


def test_the_site_day_decides_what_today_is_for_a_review():
    # 23:30 UTC on June 30 is already July 1 in London (BST): July 1 is today, not later.
    article = reviewed(100, last_reviewed=date(2026, 7, 1))
    moment = datetime(2026, 6, 30, 23, 30, tzinfo=UTC)
    with mock.patch("django.utils.timezone.now", return_value=moment):
        with override_settings(TIME_ZONE="Europe/London"):
            article.full_clean()
        with override_settings(TIME_ZONE="UTC"), pytest.raises(ValidationError):
            article.full_clean()


def test_a_review_date_at_the_end_of_time_never_breaks_the_admin(client, editor):
    article = reviewed(100, author=editor)
    Article.objects.filter(pk=article.pk).update(last_reviewed=date.max)  # set in the database
    for value in ("ok", "soon", "overdue", "none"):
        assert client.get(LIST_URL, {"review": value}).status_code == 200
    response = client.get(LIST_URL, {"review": "ok"})
    assert list(response.context["cl"].result_list) == [Article.objects.get(pk=article.pk)]
    assert client.get(LIST_URL, {"o": "8"}).status_code == 200
    assert client.get(f"{LIST_URL}{article.pk}/change/").status_code == 200
    assert client.get(ADMIN).status_code == 200
    in_sql = Article.objects.with_review_due().get(pk=article.pk).review_due_on
    assert in_sql == date.max


def test_hostile_review_dates_and_intervals_are_form_errors_or_saved(client, editor):
    article = reviewed(100, author=editor)
    url = f"{LIST_URL}{article.pk}/change/"
    loaded = change_form_post(client, article)
    for value in corpus_for(connection.vendor):
        for name in ("last_reviewed", "review_interval_months"):
            data = {key: str(v) for key, v in {**loaded, name: value}.items()}
            response = client.post(url, form_body(data), content_type=FORM_CONTENT)
            assert response.status_code in (200, 302), (name, value, response.status_code)
            if response.status_code == 302:
                loaded = change_form_post(client, article)
    article.refresh_from_db()
    assert article.last_reviewed is None or article.last_reviewed <= timezone.localdate()
    assert article.review_interval_months is None or 1 <= article.review_interval_months <= 120


def test_a_review_recorded_while_an_editor_edits_survives_their_conflicting_save(client, editor):
    """Editor A opens the form; reviewer B marks it reviewed; A saves, is told someone else
    saved meanwhile, and saves again: B's review stays, A's text is saved."""
    old_reviewer = StaffFactory(display_name="Old Reviewer")
    article = reviewed(400, reviewer=old_reviewer, author=editor)
    stale = change_form_post(client, article, title="Strides, by A")  # A opens the form

    b = StaffFactory(display_name="Reviewer B")
    b.groups.add(Group.objects.get(name=MEDICAL_REVIEWERS))
    b_client = Client()
    b_client.force_login(b)
    assert b_client.post(f"{LIST_URL}{article.pk}/mark-reviewed/").status_code == 302

    url = f"{LIST_URL}{article.pk}/change/"
    first = client.post(url, stale)
    assert first.status_code == 200
    assert "Someone else saved this meanwhile." in first.content.decode()
    # A saves again what the form came back with (its token moved on).
    again = {**stale, "revision_token": first.context["adminform"].form["revision_token"].value()}
    again["initial-reviewer"] = loaded_value_of(first, "initial-reviewer")
    again["initial-last_reviewed"] = loaded_value_of(first, "initial-last_reviewed")
    assert client.post(url, again).status_code == 302
    article.refresh_from_db()
    assert article.title == "Strides, by A"
    assert article.last_reviewed == timezone.localdate() and article.reviewer == b

    # A review A changes on purpose is saved.
    day = (timezone.localdate() - timedelta(days=3)).strftime("%d/%m/%Y")
    data = change_form_post(client, article, last_reviewed=day)
    assert client.post(url, data).status_code == 302
    article.refresh_from_db()
    assert article.last_reviewed == timezone.localdate() - timedelta(days=3)


def loaded_value_of(response, name: str) -> str:
    return loaded_value(response.content.decode(), name)


def test_only_medical_reviewers_may_mark_an_article_reviewed(client, editor):
    article = reviewed(400)
    change = client.get(f"{LIST_URL}{article.pk}/change/").content.decode()
    assert '<form id="mark-reviewed-form"' not in change and 'id="mark-reviewed"' not in change
    assert client.post(f"{LIST_URL}{article.pk}/mark-reviewed/").status_code == 403
    listing = client.get(LIST_URL).content.decode()
    assert 'value="mark_reviewed"' not in listing
    client.post(LIST_URL, {"action": "mark_reviewed", "_selected_action": [article.pk]})
    article.refresh_from_db()
    assert article.last_reviewed != timezone.localdate()
    assert Permission.objects.get(codename="review_article").name == (
        "Can mark articles medically reviewed"
    )
    group = Group.objects.get(name=MEDICAL_REVIEWERS)
    assert set(group.permissions.values_list("codename", flat=True)) == {
        "view_article",
        "review_article",
    }
    assert not Group.objects.filter(name="Editors", permissions__codename="review_article")


def test_a_medical_reviewer_sees_the_button_and_the_action(client, medical_reviewer):
    article = reviewed(400)
    change = client.get(f"{LIST_URL}{article.pk}/change/").content.decode()
    assert "mark-reviewed-form" in change
    assert 'value="mark_reviewed"' in client.get(LIST_URL).content.decode()
    assert client.post(f"{LIST_URL}{article.pk}/mark-reviewed/").status_code == 302


def test_a_reviewer_only_in_the_group_marks_reviewed_without_editing(client):
    article = reviewed(400, reviewer=StaffFactory())
    reviewer = signed_in(client, MEDICAL_REVIEWERS)
    change = client.get(f"{LIST_URL}{article.pk}/change/")
    assert change.status_code == 200 and "mark-reviewed-form" in change.content.decode()
    response = client.post(
        LIST_URL, {"action": "mark_reviewed", "_selected_action": [article.pk]}, follow=True
    )
    assert "1 article is marked medically reviewed today." in response.content.decode()
    article.refresh_from_db()
    assert article.reviewer == reviewer and article.last_reviewed == timezone.localdate()


def test_the_action_writes_the_admin_history_of_each_article(client, medical_reviewer):
    first, second = reviewed(400), reviewed(300)
    client.post(LIST_URL, {"action": "mark_reviewed", "_selected_action": [first.pk, second.pk]})
    for article in (first, second):
        entries = LogEntry.objects.filter(object_id=str(article.pk))
        assert [(e.user, e.get_change_message()) for e in entries] == [
            (medical_reviewer, "Marked medically reviewed")
        ]

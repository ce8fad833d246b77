import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import CommandError, call_command
from django.test import RequestFactory

from articles.models import Article, FAQItem, Tag, Topic
from comments.models import Comment
from tests.admin_paths import ADMIN

pytestmark = [pytest.mark.django_db, pytest.mark.demo]


def test_demo_refuses_to_load_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="only with DEBUG on"):
        call_command("load_demo")
    assert not Article.objects.exists()


def test_demo_loads_once_and_is_idempotent(settings, capsys):
    settings.DEBUG = True
    call_command("load_demo")
    out = capsys.readouterr().out
    assert "[1/9]" in out and "added" in out
    assert "user 'admin'  password 'runnerhub-admin'" in out
    counts = (
        Article.objects.count(),
        Topic.objects.count(),
        Tag.objects.count(),
        FAQItem.objects.count(),
        get_user_model().objects.count(),
    )
    comments_before_second_run = Comment.objects.count()
    call_command("load_demo")
    assert "already there" in capsys.readouterr().out
    again = (
        Article.objects.count(),
        Topic.objects.count(),
        Tag.objects.count(),
        FAQItem.objects.count(),
        get_user_model().objects.count(),
    )
    assert counts == again

    # The shape of the page the site grew from: one long article and shorter ones across topics.
    long_one = Article.objects.get(slug__startswith="hamstring")
    assert len(long_one.body_text.split()) > 1200
    assert long_one.faqs.count() >= 4 and long_one.video and long_one.reviewed_by
    assert "<h2>1." in long_one.body and "<h2>2." in long_one.body
    assert '<img src="/media/editor/' in long_one.body
    assert long_one.hero_renditions
    public = Article.objects.public()
    assert public.count() >= 6
    assert public.values("topic").distinct().count() >= 3
    assert Article.objects.filter(status=Article.Status.DRAFT).exists()
    assert Article.objects.scheduled().exists()
    # Medical review: one staff reviewer, and an overdue review on the dashboard.
    assert Article.objects.filter(reviewer__username="dipika").count() == 1
    assert get_user_model().objects.get(username="dipika").has_perm("articles.review_article")
    assert Article.objects.reviews_due().filter(reviewer__isnull=False).exists()

    # A thread like the original page's: a reader question and a nested staff answer.
    thread = Comment.objects.filter(article=long_one)
    question = thread.get(parent__isnull=True, text__contains="calves")
    answer = thread.get(parent=question)
    assert answer.is_staff_reply and answer.staff_title and answer.is_accepted
    assert "drop-in" in answer.text
    assert thread.count() == comments_before_second_run


def test_demo_logins_work_only_with_debug(settings, client):
    settings.DEBUG = True
    call_command("load_demo")
    editor = get_user_model().objects.get(username="editor")
    assert not editor.is_superuser and editor.groups.filter(name="Editors").exists()
    assert editor.has_perm("articles.review_article")  # the demo login tries Mark reviewed
    logins = (("admin", "runnerhub-admin"), ("editor", "runnerhub-editor"))
    # Through admin's sign-in form, as printed: straight in, no second step in the demo.
    for username, password in logins:
        fields = {"username": username, "password": password, "next": ADMIN}
        assert client.post(f"{ADMIN}login/", fields)["Location"] == ADMIN
        assert client.get(ADMIN).status_code == 200
        client.post(f"{ADMIN}logout/")
    settings.DEBUG = False
    for username, password in logins:
        request = RequestFactory().post(f"{ADMIN}login/")  # axes asks for the request
        assert authenticate(request, username=username, password=password) is None

"""A comment's IP address is kept for abuse control only: 30 days, then cleared."""

from datetime import timedelta
from io import StringIO
from unittest import mock

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.utils import timezone

from comments import tasks
from comments.models import Comment
from tests.comments.factories import CommentFactory

pytestmark = pytest.mark.django_db
IP = "203.0.113.5"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()  # rate limits and the once-a-day marker


def posted(days_ago: float, ip: str | None = IP) -> Comment:
    return CommentFactory(created_at=timezone.now() - timedelta(days=days_ago), ip_address=ip)


def purge(*args) -> str:
    out = StringIO()
    call_command("purge_comment_ips", *args, stdout=out)
    return out.getvalue()


def test_old_addresses_are_cleared_and_recent_ones_kept():
    old, older, recent, new = posted(30.01), posted(400), posted(29.9), posted(0)
    output = purge()
    for comment in (old, older, recent, new):
        comment.refresh_from_db()
    assert (old.ip_address, older.ip_address) == (None, None)
    assert (recent.ip_address, new.ip_address) == (IP, IP)
    assert "Clearing the IP address of 2 comments posted before" in output
    assert "(30 days ago)" in output
    assert "Done: 2 IP addresses cleared." in output
    assert old.text and old.email  # only the address goes


def test_the_command_shows_progress_batch_by_batch():
    for _ in range(5):
        posted(31)
    output = purge("--batch-size", "2")
    assert [line.strip() for line in output.splitlines()[1:-1]] == ["2 of 5", "4 of 5", "5 of 5"]
    assert not Comment.objects.exclude(ip_address=None).exists()


def test_the_retention_comes_from_the_setting_or_the_option(settings):
    week_old = posted(8)
    settings.COMMENT_IP_RETENTION_DAYS = 10
    assert "nothing to clear" in purge()
    week_old.refresh_from_db()
    assert week_old.ip_address == IP
    assert "Done: 1 IP address cleared." in purge("--days", "7")
    posted(1.5)
    output = purge("--days", "1")
    assert "Clearing the IP address of 1 comment posted before" in output
    assert "(1 day ago)…" in output
    week_old.refresh_from_db()
    assert week_old.ip_address is None


def test_nothing_to_clear_says_so_and_bad_options_are_refused():
    posted(40, ip=None)
    posted(1)
    assert "nothing to clear" in purge()
    with pytest.raises(CommandError):
        purge("--days", "-1")
    with pytest.raises(CommandError):
        purge("--batch-size", "0")


def test_a_new_comment_has_the_worker_clear_old_addresses_at_most_once_a_day(
    client, post_data, on_commit
):
    old = posted(45)
    with on_commit(execute=True):
        assert client.post("/comments/post/", post_data()).status_code == 302
    old.refresh_from_db()
    assert old.ip_address is None
    assert Comment.objects.exclude(pk=old.pk).get().ip_address == "127.0.0.1"
    with mock.patch("comments.tasks.purge_comment_ips") as task:
        enqueue = task.enqueue
        with on_commit(execute=True):
            client.post("/comments/post/", post_data(text="And a second question."))
        assert enqueue.call_count == 0  # queued already today
        cache.clear()  # a day later
        with on_commit(execute=True):
            client.post("/comments/post/", post_data(text="And a third question."))
        assert enqueue.call_count == 1


def test_the_task_uses_the_setting(settings):
    settings.COMMENT_IP_RETENTION_DAYS = 3
    four_days, two_days = posted(4), posted(2)
    assert tasks.purge_comment_ips.call() == 1
    four_days.refresh_from_db()
    two_days.refresh_from_db()
    assert (four_days.ip_address, two_days.ip_address) == (None, IP)

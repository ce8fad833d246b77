"""Writes with side effects on articles (HackSoft style: keyword-only, typed, atomic)."""

from collections.abc import Iterable

import reversion
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from runnerhub.pagecache import pages_changed

from .models import Article, ArticleQuerySet, Redirect, article_scope

REVIEWED_COMMENT = "Marked medically reviewed"


@transaction.atomic
def articles_publish_now(*, queryset: ArticleQuerySet) -> int:
    """Make the given articles live now; articles already live keep their publish time."""
    now = timezone.now()
    pages_changed("articles")  # lists and related articles; their own content is unchanged
    return queryset.exclude(pk__in=queryset.public().values("pk")).update(
        status=Article.Status.PUBLISHED, publish_at=now, updated_at=now
    )


@transaction.atomic
def articles_unpublish(*, queryset: ArticleQuerySet) -> int:
    """Take the given articles off the site (and out of any schedule) as drafts. Those that
    were live are marked taken down, so their address answers 410 Gone, not 404."""
    now = timezone.now()
    pages_changed("articles")
    queryset.public().update(withdrawn_at=now)
    return queryset.public_or_scheduled().update(status=Article.Status.DRAFT, updated_at=now)


def article_mark_withdrawn(*, article: Article, was_public: bool) -> None:
    """Before an admin save: a live article going back to draft is marked taken down."""
    if was_public and article.status == Article.Status.DRAFT:
        article.withdrawn_at = timezone.now()


@transaction.atomic
def redirects_slug_changed(*, old_paths: list[str], new_paths: list[str]) -> None:
    """Each old address answers a 301 to its new one. Redirects that went to an old address
    go straight to the new one (no chains), and a redirect from the new address goes (the
    object has it back)."""
    for old, new in zip(old_paths, new_paths, strict=True):
        if old == new:
            continue
        Redirect.objects.filter(old_path=new).delete()  # the object has that address back
        Redirect.objects.filter(new_path=old).update(new_path=new)
        Redirect.objects.update_or_create(old_path=old, defaults={"new_path": new})


def redirects_path_taken(*, paths: list[str]) -> None:
    """A live object at an old address wins over its redirect: the redirect goes."""
    Redirect.objects.filter(old_path__in=paths).delete()


@transaction.atomic
def articles_mark_reviewed(*, articles: Iterable[Article], user) -> int:
    """Each article is medically reviewed today (the site's day). A staff `user` becomes
    its reviewer unless someone outside the team is named (their review is recorded; the
    name stays). Each keeps a revision ("Marked medically reviewed", by `user`) in this
    transaction, and its page and fragments are out of date once it commits. Saved with
    save(), not update(), so that the revision holds the new values."""
    today = timezone.localdate()
    scopes = set()
    count = 0
    for article in articles:
        article.last_reviewed = today
        if user.is_staff and not article.reviewed_by:
            article.reviewer = user
        with reversion.create_revision(atomic=False):
            reversion.set_user(user)
            reversion.set_comment(gettext(REVIEWED_COMMENT))
            article.save(update_fields=["last_reviewed", "reviewer"])
        scopes.add(article_scope(article.pk))
        count += 1
    pages_changed(*sorted(scopes))
    return count

"""Writes with side effects on articles (HackSoft style: keyword-only, typed, atomic)."""

from django.db import transaction
from django.utils import timezone

from runnerhub.pagecache import pages_changed

from .models import Article, ArticleQuerySet


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
    """Take the given articles off the site (and out of any schedule) as drafts."""
    pages_changed("articles")
    return queryset.public_or_scheduled().update(
        status=Article.Status.DRAFT, updated_at=timezone.now()
    )

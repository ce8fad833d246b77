from datetime import datetime

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = _("Articles")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models import Case, F, Q, When

        from runnerhub import pagecache, revisions

        from .models import Article, FAQItem

        # Every admin save keeps a revision (runnerhub/revisions.py): the content, not what
        # save() derives from it.
        revisions.register(
            Article,
            exclude=(
                "body_html",
                "body_text",
                "search_vector",
                "hero_renditions",
                "reading_minutes",
            ),
        )
        revisions.follow(
            Article,
            revisions.Related(
                "faqs",
                _("Frequently asked questions"),
                lambda faq: f"{faq.question}: {faq.answer}",
                restore=("question", "answer", "order"),
            ),
            FAQItem,
        )

        # A scheduled article goes live, and one with an unpublish_at leaves, with no job
        # running: no cached page or fragment outlives either moment. The next `limit` of
        # them in one query, which the write starting a page generation runs: a reader
        # passing one of them finds the next in the list, with no query of its own.
        def upcoming_changes(limit: int, since: datetime):
            # A row's next moment: its publish time after `since`, else its unpublish time
            # (always after it: a constraint).
            first = Case(
                When(publish_at__gt=since, then=F("publish_at")), default=F("unpublish_at")
            )
            rows = list(
                Article.objects.public_or_scheduled()
                .filter(Q(publish_at__gt=since) | Q(unpublish_at__gt=since))
                .annotate(first=first)
                .order_by("first")
                .values_list("first", "unpublish_at")[:limit]
            )
            # (first, unpublish_at): the same moment twice for an article already live
            moments = sorted({moment for row in rows for moment in row if moment is not None})
            if len(rows) < limit:
                return moments, True  # every change to come
            # Any row left out comes after the last row's first moment: the list is whole
            # up to there (a row's unpublish time may lie beyond it, and others with it).
            return [moment for moment in moments if moment <= rows[-1][0]], False

        pagecache.change_times.append(upcoming_changes)

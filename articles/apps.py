from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = _("Articles")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models import Subquery
        from django.utils import timezone

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
        # running: no cached page or fragment outlives either moment. Both in one query, as
        # a page generation's first miss runs it.
        def next_change():
            now = timezone.now()
            articles = Article.objects.public_or_scheduled()

            def first(field: str) -> Subquery:
                after = articles.filter(**{f"{field}__gt": now}).order_by(field)
                return Subquery(after.values(field)[:1])

            # Any one row carries the two subqueries' values (no articles: no change either).
            found = (
                Article.objects.order_by()
                .annotate(publish=first("publish_at"), unpublish=first("unpublish_at"))
                .values_list("publish", "unpublish")[:1]
            )
            moments = [moment for row in found for moment in row if moment is not None]
            return min(moments, default=None)

        pagecache.change_times.append(next_change)

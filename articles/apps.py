from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = _("Articles")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
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
        # running: no cached page or fragment outlives either moment.
        pagecache.change_times.append(
            lambda: (
                Article.objects.scheduled()
                .order_by("publish_at")
                .values_list("publish_at", flat=True)
                .first()
            )
        )
        pagecache.change_times.append(
            lambda: (
                Article.objects.public_or_scheduled()
                .filter(unpublish_at__gt=timezone.now())
                .order_by("unpublish_at")
                .values_list("unpublish_at", flat=True)
                .first()
            )
        )

"""`manage.py remake_renditions`: make the resized copies of every stored image again.

Renditions are made when an image is saved. A release that changes how they are made (since
this one they are WebP) leaves the older ones as they were: this command makes them anew for
article heroes, author photos and product images, by saving each row's renditions the way an
edit in the admin would, so the pages that show them are refreshed as on any edit. Without
`--all` it passes over rows whose renditions are WebP already; run it again after a failure
and it goes on where it stopped (an image that cannot be read, or the database going away,
stops it with a message saying so). The old files stay in storage, since pages kept in a CDN
may still point at them.
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from PIL import UnidentifiedImageError

from articles.models import Article, article_scope
from runnerhub.outages import DATABASE_AWAY
from runnerhub.pagecache import pages_changed
from shop.models import Product


def _current(renditions: list[dict]) -> bool:
    return all(r["name"].endswith(".webp") for r in renditions[:-1])


class Command(BaseCommand):
    help = "Make the WebP renditions of article heroes, author photos and product images."

    def add_arguments(self, parser):
        parser.add_argument(
            "--all", action="store_true", dest="remake_all", help="remake WebP ones too"
        )

    def handle(self, *args, remake_all: bool, **options):
        try:
            failed = self._remake(remake_all)
        except DATABASE_AWAY as error:
            # What was saved before stays saved: a second run goes on from there.
            reason = (str(error).strip().splitlines() or [type(error).__name__])[0]
            raise CommandError(
                f"The database did not answer ({reason})."
                " The images listed as made are done; run the command again once it is back"
                " and it goes on from there."
            ) from error
        if failed:
            raise CommandError(f"{failed} image(s) could not be read; the rest are done.")
        self.stdout.write(self.style.SUCCESS("Every rendition is WebP."))

    def _remake(self, remake_all: bool) -> int:
        """Makes every row's renditions that need it; returns how many could not be read."""
        # Each kind with the fragments that show it, as its admin names them.
        kinds = (
            (
                "article heroes",
                Article.objects.order_by("pk"),
                "hero_image",
                "hero_renditions",
                lambda row: (article_scope(row.pk), "articles"),
            ),
            (
                "author photos",
                get_user_model().objects.order_by("pk"),
                "photo",
                "photo_renditions",
                lambda row: ("site",),
            ),
            (
                "product images",
                Product.objects.order_by("pk"),
                "image",
                "image_renditions",
                lambda row: ("shop",),
            ),
        )
        failed = 0
        for label, queryset, field, renditions, scopes in kinds:
            rows = [
                row
                for row in queryset.exclude(**{field: ""}).exclude(**{field: None})
                if remake_all or not _current(getattr(row, renditions))
            ]
            self.stdout.write(f"{label}: {len(rows)} to make")
            for done, row in enumerate(rows, 1):
                setattr(row, renditions, [])
                try:
                    row.save(update_fields=[renditions])
                except (OSError, UnidentifiedImageError) as error:
                    failed += 1
                    self.stderr.write(f"  [{done}/{len(rows)}] {row}: not made ({error})")
                    continue
                pages_changed(*scopes(row))
                self.stdout.write(
                    f"  [{done}/{len(rows)}] {row}: {len(getattr(row, renditions)) - 1} made"
                )
        return failed

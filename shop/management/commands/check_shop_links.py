from django.core.management.base import BaseCommand

from shop.services import LINK_TIMEOUT_SECONDS, links_check, links_check_message


class Command(BaseCommand):
    help = "Check every active product and shop category address and mark broken ones."

    def add_arguments(self, parser):
        parser.add_argument("--timeout", type=float, default=LINK_TIMEOUT_SECONDS)
        parser.add_argument("--workers", type=int, default=8)

    def handle(self, *args, timeout, workers, **options):
        def progress(done, total, item, broken, status):
            mark = self.style.ERROR("broken") if broken else self.style.SUCCESS("ok")
            self.stdout.write(f"[{done}/{total}] {mark} {status:<24} {item} <{item.url}>")

        summary = links_check(timeout=timeout, workers=workers, progress=progress)
        style = self.style.WARNING if summary["broken"] else self.style.SUCCESS
        self.stdout.write(style(links_check_message(summary)))

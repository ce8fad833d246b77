"""The thread's query parameters, one spelling per page (runnerhub/canonical.py): ?cpage=N
for a page past the first (page 1 has none, as Comment.get_absolute_url links it) and
?corder= for an order other than the default (which has none). Anything else a reader
sends goes to the page without it: they get the thread, not an error."""

from django.http import HttpRequest, HttpResponseRedirect

from runnerhub.canonical import address, answer_instead, page_number, page_spelling

from .thread import DEFAULT_ORDER, ORDERS, Thread

PARAMS = ("cpage", "corder")


def comment_page(value: str) -> str | None:
    return page_spelling(page_number(value) or 1)


def comment_order(value: str) -> str | None:
    return value if value in ORDERS and value != DEFAULT_ORDER else None


def asked(request: HttpRequest) -> tuple[int, str]:
    """The page and order this request asks for (as the canonical spelling reads)."""
    order = request.GET.get("corder", "")
    return page_number(request.GET.get("cpage", "1")) or 1, comment_order(order) or DEFAULT_ORDER


def redirect_past_the_end(request: HttpRequest, thread: Thread, number: int) -> None:
    """A page past the thread's last (comments went, or a made-up number) answers a 302 to
    the last page (a 302: it depends on the data), instead of the page: nothing is kept."""
    last = thread.page.paginator.num_pages if thread.page is not None else 1
    if number > last:
        url = address(request, PARAMS, {"cpage": page_spelling(last)})
        answer_instead(request, HttpResponseRedirect(url))

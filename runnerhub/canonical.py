"""One address per public page: each query parameter a page reads has one spelling per value.

The page cache and the fragments key on the raw values of a page's parameters
(runnerhub/pagecache.py), and Python's int() reads "1", "01", "+1", "1_0" and " 1" as one
number: without this, every spelling a stranger makes up would keep a page of its own (and
Redis evicts nothing). So a GET whose parameters are not spelled canonically gets a 301 to
the address that is, before anything is rendered; that redirect depends on the address
alone, so it says `Cache-Control: public` (it is never kept by the app: only 200s are).

A rule turns a parameter's value into its canonical spelling: None when the parameter is
left out (page 1, the default order, a value that means nothing), or REFUSED when the view
answers 404 to it anyway (a list's ?page=zzz: Django's paginator). Apps add theirs
(apps.py), as they do the page cache's cookies; `canonical_query(view, *names)` applies them.

A page can also find out while rendering that it should answer something else (a comment
page past the end of its thread goes to the last one): `answer_instead` notes the answer on
the request and `replaced_by_answer`, a TemplateResponse's post-render callback, returns it,
so the page's fragments are not kept (fragments.flush keeps only a 200's).
"""

import functools
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.utils.cache import patch_cache_control

REFUSED = object()  # a value the view answers 404 to: not redirected, whatever else is asked

# The rule of each parameter name, the same on every page that reads it.
RULES: dict[str, Callable[[str], object]] = {}


def page_number(value: str) -> int | None:
    """The page `value` names as Python's int() reads it ("01", "+1", "1_0", " 1" all name
    1), or None when it names none ("zzz", "0", "-1", more digits than int() reads)."""
    try:
        number = int(value)
    except ValueError:
        return None
    return number if number >= 1 else None


def page_spelling(number: int) -> str | None:
    """How links spell page `number`: without the parameter for page 1, else its digits."""
    return None if number == 1 else str(number)


def list_page(value: str) -> object:
    """A paginated list's ?page= (and the sitemap's ?p=): a number spelled otherwise goes to
    its canonical spelling, an empty one to page 1; anything else stays the paginator's 404
    (and "last", which Django's ListView reads as its last page: one more page per list)."""
    if value == "":
        return None
    number = page_number(value)
    return REFUSED if number is None else page_spelling(number)


RULES.update(page=list_page, p=list_page)


def address(request: HttpRequest, params: tuple[str, ...], changes: dict[str, str | None]):
    """This request's path with only `params` in its query string (their last value, as the
    views read them), `changes` applied (None: the parameter left out)."""
    query = request.GET.copy()
    for name in list(query):
        if name not in params:
            del query[name]
        else:
            query.setlist(name, query.getlist(name)[-1:])
    for name, value in changes.items():
        if value is None:
            query.pop(name, None)
        else:
            query[name] = value
    encoded = query.urlencode()
    return f"{request.path}?{encoded}" if encoded else request.path


def canonical_redirect(request: HttpRequest, params: tuple[str, ...]) -> HttpResponse | None:
    """The 301 to this GET's canonical address, or None when it is canonical already."""
    changes = {}
    for name in params:
        values = request.GET.getlist(name)
        if not values:
            continue
        canonical = RULES[name](values[-1])
        if canonical is REFUSED:
            return None  # a 404 whatever the rest says: nothing to send anyone to
        if len(values) > 1 or canonical != values[0]:
            changes[name] = canonical
    if not changes:
        return None
    response = HttpResponsePermanentRedirect(address(request, params, changes))
    # The same answer for every reader (it depends on the address alone), like the pages'.
    patch_cache_control(response, public=True, max_age=0, s_maxage=settings.PAGE_CACHE_SECONDS)
    return response


def canonical_query(view, *params: str):
    """`view`, whose GETs with a query parameter in `params` not spelled canonically get a
    301 to the canonical address (see the module's doc) before the view runs."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method in ("GET", "HEAD") and (response := canonical_redirect(request, params)):
            return response
        return view(request, *args, **kwargs)

    return wrapped


def answer_instead(request: HttpRequest, response: HttpResponse) -> None:
    """While rendering: this request is to be answered with `response`, not the page (the
    view's TemplateResponse has `replaced_by_answer` among its post-render callbacks)."""
    request._answer_instead = response


def replaced_by_answer(request: HttpRequest) -> Callable[[HttpResponse], HttpResponse | None]:
    """A post-render callback: the answer noted by `answer_instead`, if any, replaces the
    rendered page (Django uses what a post-render callback returns)."""
    return lambda rendered: getattr(request, "_answer_instead", None)

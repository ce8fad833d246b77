"""Full-text search over published articles.

PostgreSQL: a stored tsvector (title weighted A, lead B, body C) behind a GIN index, ranked,
with highlighted snippets from ts_headline. SQLite (the zero-setup demo): a plain
case-insensitive match on every word, title matches first, snippets cut in Python.
"""

import re

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db import connection
from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    Q,
    RowRange,
    TextField,
    Value,
    When,
    Window,
)
from django.db.models.functions import Concat, Substr
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .models import SEARCH_CONFIG, ArticleQuerySet

MAX_QUERY_LENGTH = 200
MAX_TERMS = 12
SNIPPET_CHARS = 220
MAX_OFFSET = 2**63 - 1  # SQL's OFFSET and LIMIT are bigints
# PostgreSQL's snippet is cut from the lead and the start of the body only: ts_headline parses
# all the text it is given, and the whole body costs most of the page's time on long articles.
# Matches further down are still found and ranked by the stored vector.
SNIPPET_BODY_CHARS = 600
# Highlight markers that cannot occur in stored text (html_to_text drops control characters);
# snippets are escaped first and the markers turned into <mark> afterwards, so article text can
# never inject markup through a snippet.
MARK_START, MARK_END = "\x02", "\x03"


def clean_query(raw: str) -> tuple[str, str]:
    """Return (query, problem). Drops NULs, lone surrogates and other unprintable characters."""
    text = " ".join("".join(ch if ch.isprintable() else " " for ch in raw).split())
    if len(text) > MAX_QUERY_LENGTH:
        return "", f"Search terms can be at most {MAX_QUERY_LENGTH} characters long."
    return text, ""


def highlight(raw: str) -> SafeString:
    # Escaped first; the markers are control characters that html_to_text() never leaves in
    # article text, so only the highlighter's own <mark> tags are markup.
    html = escape(raw).replace(MARK_START, "<mark>").replace(MARK_END, "</mark>")
    return mark_safe(html)  # nosec B308, B703


def search_articles(queryset: ArticleQuerySet, query: str, *, vector=None) -> ArticleQuerySet:
    """Public articles matching `query`, best first. `vector`: an expression to match
    instead of the stored column (bench/pages.py compares it with the text's vector
    computed per query)."""
    if connection.vendor == "postgresql":
        ts_query = SearchQuery(query, search_type="websearch", config=SEARCH_CONFIG)
        marks = {"start_sel": MARK_START, "stop_sel": MARK_END, "config": SEARCH_CONFIG}
        field = "search_vector"
        if vector is not None:
            queryset, field = queryset.annotate(computed_vector=vector), "computed_vector"
        return (
            # The bodies and the vector stay in the table: the headline reads the start of
            # body_text there, ts_rank the vector, and every match would otherwise carry
            # kilobytes through the count over all matches and the sort by rank (spilling
            # them to disk past work_mem).
            queryset.defer("body", "body_html", "body_text", "search_vector")
            .filter(**{field: ts_query})
            .annotate(
                rank=SearchRank(F(field), ts_query),
                title_marked=SearchHeadline("title", ts_query, highlight_all=True, **marks),
                snippet_marked=SearchHeadline(
                    Concat(
                        "lead",
                        Value("\n"),
                        Substr("body_text", 1, SNIPPET_BODY_CHARS),
                        output_field=TextField(),
                    ),
                    ts_query,
                    max_words=35,
                    min_words=15,
                    max_fragments=2,
                    fragment_delimiter=" … ",
                    **marks,
                ),
            )
            .order_by("-rank", "-publish_at")
        )
    terms = query.split()[:MAX_TERMS]
    if not terms:
        return queryset.none()
    matches = Q()
    for term in terms:
        matches &= Q(title__icontains=term) | Q(lead__icontains=term) | Q(body_text__icontains=term)
    return (
        queryset.defer("body", "body_html")  # body_text makes the snippet (attach_snippets)
        .filter(matches)
        .annotate(
            rank=Case(
                When(title__icontains=terms[0], then=Value(2)),
                When(lead__icontains=terms[0], then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            )
        )
        .order_by("-rank", "-publish_at")
    )


class SearchPaginator(Paginator):
    """One query per page: the page's rows carry the number of all matches (a COUNT(*) window
    over every match, computed before LIMIT keeps the page's rows), instead of a count query
    before them. Only a page past the end, which has no row to carry it, counts separately,
    to tell an empty page from a wrong page number."""

    total_field = "search_total"

    def page(self, number) -> Page:
        number = self._whole_number(number)
        bottom = (number - 1) * self.per_page
        # An offset past what the database can hold (bigint) has no rows: counted below.
        fits = bottom + self.per_page + self.orphans <= MAX_OFFSET
        rows = list(self.rows(bottom)) if fits else []
        if rows:
            self.count = getattr(rows[0], self.total_field)
        elif number == 1:
            self.count = 0
        number = self.validate_number(number)  # past the end: counts, raises EmptyPage
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        return self._get_page(rows[: top - bottom], number, self)

    def rows(self, bottom: int):
        """The query of the page starting at row `bottom`, each row carrying the total. With
        orphans, the last page may take up to `orphans` rows more."""
        # Ordered as the page itself, over the whole partition: the total is the same as
        # with OVER (), but PostgreSQL then sorts below the window (computing the rank from
        # the vector there) and buffers the sorted, narrow rows, instead of buffering every
        # match with its vector to rank it afterwards.
        order = self.object_list.query.order_by
        total = Window(Count("*"), order_by=list(order) or None, frame=RowRange(None, None))
        counted = self.object_list.annotate(**{self.total_field: total})
        return counted[bottom : bottom + self.per_page + self.orphans]

    def _whole_number(self, number) -> int:
        """Paginator.validate_number's checks that need no count."""
        try:
            if isinstance(number, float) and not number.is_integer():
                raise ValueError
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from None
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        return number


def _mark_terms(text: str, terms: list[str]) -> str:
    pattern = re.compile("|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True)), re.I)
    return pattern.sub(lambda m: f"{MARK_START}{m.group(0)}{MARK_END}", text)


def attach_snippets(articles, query: str) -> None:
    """Give each result `title_html` and `snippet_html` (safe, highlighted)."""
    terms = query.split()[:MAX_TERMS]
    for article in articles:
        if hasattr(article, "snippet_marked"):
            title, snippet = article.title_marked, article.snippet_marked
        else:
            text = f"{article.lead}\n{article.body_text}"
            lowered = text.lower()
            hits = [i for i in (lowered.find(t.lower()) for t in terms) if i >= 0]
            start = max(0, min(hits) - SNIPPET_CHARS // 3) if hits else 0
            snippet = text[start : start + SNIPPET_CHARS].replace("\n", " ")
            snippet = (
                ("…" if start else "")
                + snippet
                + ("…" if len(text) > start + SNIPPET_CHARS else "")
            )
            title, snippet = _mark_terms(article.title, terms), _mark_terms(snippet, terms)
        article.title_html = highlight(title)
        article.snippet_html = highlight(snippet)

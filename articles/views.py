import functools

from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.views.generic import DetailView, ListView, TemplateView

from runnerhub import fragments
from runnerhub.canonical import replaced_by_answer
from runnerhub.models import SiteSettings

from . import page_query
from .models import (
    Article,
    Tag,
    Topic,
    article_scope,
    attach_tags_and_faqs,
    people_with_author_pages,
)
from .redirects import redirect_for
from .search import SearchPaginator, attach_snippets, clean_query, search_articles

PAGE_SIZE = 12
MAX_SLUG_LENGTH = 200


def _checked_slug(slug: str) -> str:
    # The URL pattern only admits slug characters; an absurd length is simply not found.
    if len(slug) > MAX_SLUG_LENGTH:
        raise Http404("No such page.")
    return slug


class HomeLists:
    """The home page's featured and latest articles and its topics, each queried when the
    template first reads it: with the page's content kept as a fragment, none is."""

    @functools.cached_property
    def featured(self) -> list[Article]:
        return list(Article.objects.public().for_lists().filter(featured=True)[:3])

    @functools.cached_property
    def latest(self) -> list[Article]:
        public = Article.objects.public().for_lists()
        return list(public.exclude(pk__in=[a.pk for a in self.featured])[:6])

    @functools.cached_property
    def topics(self) -> list[Topic]:
        return list(
            Topic.objects.annotate(
                article_count=Count("articles", filter=Q(articles__in=Article.objects.public()))
            )
            .filter(article_count__gt=0)
            .order_by("order", "name")
        )


class HomeView(TemplateView):
    template_name = "articles/home.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(lists=HomeLists(), **kwargs)


class ArticleListView(ListView):
    template_name = "articles/article_list.html"
    paginate_by = PAGE_SIZE
    context_object_name = "articles"

    def get_queryset(self):
        return Article.objects.public().for_lists()


class TopicView(ArticleListView):
    template_name = "articles/topic.html"

    def get_queryset(self):
        self.topic = get_object_or_404(Topic, slug=_checked_slug(self.kwargs["slug"]))
        return super().get_queryset().filter(topic=self.topic)

    def get_context_data(self, **kwargs):
        return super().get_context_data(topic=self.topic, **kwargs)


class TagView(ArticleListView):
    template_name = "articles/tag.html"

    def get_queryset(self):
        self.tag = get_object_or_404(Tag, slug=_checked_slug(self.kwargs["slug"]))
        return super().get_queryset().filter(tags=self.tag)

    def get_context_data(self, **kwargs):
        return super().get_context_data(tag=self.tag, **kwargs)


class AuthorView(ArticleListView):
    """A staff member's page: their profile, their articles (paginated) and, through the
    comments app's own tag, the questions they answered."""

    template_name = "articles/author.html"

    def get_queryset(self):
        slug = _checked_slug(self.kwargs["slug"])
        self.author = get_object_or_404(people_with_author_pages(), slug=slug)
        return super().get_queryset().filter(author=self.author)

    def get_context_data(self, **kwargs):
        return super().get_context_data(author=self.author, **kwargs)


class SearchView(ListView):
    template_name = "articles/search.html"
    paginate_by = PAGE_SIZE
    paginator_class = SearchPaginator  # one query per page: the count rides on its rows
    context_object_name = "results"

    def get(self, request, *args, **kwargs):
        self.query, self.problem = clean_query(request.GET.get("q", ""))
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        if not self.query:
            return Article.objects.none()
        return search_articles(
            Article.objects.public().select_related("topic", "author"), self.query
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(query=self.query, problem=self.problem, **kwargs)
        attach_snippets(context["results"], self.query)
        return context


@functools.cache
def _page_queryset():
    """The article page's query, built once per process: its JSON annotations cost more ORM
    work than anything else on a page cache miss. Each request clones it (`.all()`, then its
    filters), so it is never evaluated itself and holds no moment (`public()` is applied per
    request)."""
    return Article.objects.for_page().annotate(site_settings_json=SiteSettings.as_json())


def _public_page_query(slug: str, now):
    """The public article page's query (articles/page_query.py keeps it compiled)."""
    return _page_queryset().public(now=now).filter(slug=slug)[:2]


def _row_for_page(query: page_query.KeptQuery, slug: str):
    """The public article's row, kept for readers' pages (runnerhub/fragments.kept_data) while
    nothing it holds changes: the article itself, and any article (publishing and taking down
    name only "articles"), its topic and tags, its people's names and the site settings it
    carries. Its unpublish time ends it."""
    row = query.row(slug, timezone.now())
    if row is None:
        return None, (), None
    pk = query.value(row, query.model._meta.pk.attname)
    scopes = (article_scope(pk), "articles", "topics", "site")
    return row, scopes, query.value(row, "unpublish_at")


class ArticleDetailView(DetailView):
    template_name = "articles/article_detail.html"
    context_object_name = "article"

    def get(self, request, *args, **kwargs):
        try:
            return super().get(request, *args, **kwargs)
        except Http404:
            # Not found: a redirect from a slug change wins; then an article readers had
            # (taken down, or past its unpublish time) is 410 Gone; else a 404. Only this
            # branch pays for the two lookups.
            if (response := redirect_for(request)) is not None:
                return response
            gone = (
                Article.objects.gone()
                .select_related("topic")
                .filter(slug=_checked_slug(self.kwargs["slug"]))
                .first()
            )
            if gone is None:
                raise
            return render(request, "articles/gone.html", {"article": gone}, status=410)

    def _previews(self) -> bool:
        # Staff with access to articles preview drafts and scheduled articles at the real URL.
        user = self.request.user
        return user.is_authenticated and user.is_staff and user.has_perm("articles.view_article")

    def get_queryset(self):
        _checked_slug(self.kwargs["slug"])
        queryset = _page_queryset().all()
        return queryset if self._previews() else queryset.public()

    def get_object(self, queryset=None):
        # Every reader's query: its SQL compiled once (articles/page_query.py).
        if (
            queryset is None
            and not self._previews()
            and (query := page_query.kept(_public_page_query)) is not None
        ):
            slug = _checked_slug(self.kwargs["slug"])
            row = fragments.kept_data(
                self.request,
                "article-row",
                vary=(slug, query.fingerprint),
                load=functools.partial(_row_for_page, query, slug),
            )
            article = None if row is None else query.instance(row)
            # A kept row was public when it was read; its unpublish time may have come since.
            if article is None or not article.is_public:
                raise Http404("No such article.")
            return attach_tags_and_faqs(article)
        return attach_tags_and_faqs(super().get_object(queryset))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        article = self.object
        context.update(
            preview=not article.is_public,
            site_settings=SiteSettings.from_json(article.site_settings_json),
        )
        return context

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        # What the page learns only while rendering may answer instead (a comment page past
        # the end of the thread: a redirect to the last one).
        response.add_post_render_callback(replaced_by_answer(self.request))
        if context["preview"]:
            add_never_cache_headers(response)
            response["X-Robots-Tag"] = "noindex"
        return response

from django import template
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from runnerhub.fragments import fragment
from runnerhub.images import img_tag
from runnerhub.templatetags.runnerhub_tags import absolute

from .. import body_blocks
from ..models import Article, Tag, article_scope

register = template.Library()

VIDEO_MARKER = "<p>[video]</p>"


@register.simple_tag(takes_context=True)
def article_body(context, article: Article) -> SafeString:
    """The stored (sanitized) body with its body blocks: the video where the editor put [video],
    and whatever other apps registered (product cards, shop buttons). A fragment: it changes
    with the article and with what its blocks show."""
    # body_html is the sanitizer's output (Article.save); the blocks are our templates.
    return fragment(
        context.get("request"),
        "article-body",
        scopes=(article_scope(article.pk), *body_blocks.scopes()),
        vary=(article.pk, article.updated_at.isoformat()),
        render=lambda: body_blocks.render_blocks(article, article.body_html),
    )


@register.filter
def page_scopes(article: Article) -> str:
    """The fragment scopes of the article page's own parts (head, byline, FAQs, tags,
    disclaimer): the article, its topic and tags, its author's name, the site settings."""
    return f"{article_scope(article.pk)} topics site"


@register.simple_tag(takes_context=True)
def related_articles(context, article: Article) -> SafeString:
    """Cards of other public articles of the topic, queried only when the fragment is not
    kept. Ends when the next scheduled article goes live (the default of the "articles"
    scope)."""
    return fragment(
        context.get("request"),
        "related",
        scopes=("articles", "topics", "site"),
        vary=(article.pk, article.topic_id),
        render=lambda: render_to_string(
            "articles/includes/_related.html",
            {
                "article": article,
                "related": Article.objects.public().for_lists().related_to(article),
            },
        ),
    )


@register.simple_tag
def video_after_body(article: Article) -> bool:
    return bool(article.video) and VIDEO_MARKER not in article.body_html


@register.simple_tag
def article_structured_data(article: Article, faqs) -> list[dict]:
    """schema.org Article and FAQPage for an article page. The Article's page is a WebPage,
    or, once the article was medically reviewed, a MedicalWebPage with reviewedBy and
    lastReviewed (schema.org defines both on the page, not on the Article)."""
    url = absolute(article.get_absolute_url())
    page = {"@type": "WebPage", "@id": url}
    if article.last_reviewed and article.needs_review:  # a review exists
        page["@type"] = "MedicalWebPage"
        if article.reviewer_id:
            page["reviewedBy"] = _person(article.reviewer)
        else:
            page["reviewedBy"] = {"@type": "Person", "name": article.reviewed_by}
        page["lastReviewed"] = article.last_reviewed.isoformat()
    data = {
        "@context": "https://schema.org",
        "@type": "Article",
        "headline": article.title,
        "description": article.meta_description,
        "mainEntityOfPage": page,
        "url": url,
        "datePublished": article.publish_at,
        "dateModified": article.updated_at,
        "author": _person(article.author),
        "articleSection": article.topic.name,
        "keywords": [tag.name for tag in article.tags.all()],
        "timeRequired": f"PT{article.reading_minutes}M",
    }
    if article.hero_renditions:
        data["image"] = absolute(
            article.hero_image.storage.url(article.hero_renditions[-1]["name"])
        )
    breadcrumbs = {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": 1, "name": "Home", "item": absolute("/")},
            {
                "@type": "ListItem",
                "position": 2,
                "name": article.topic.name,
                "item": absolute(article.topic.get_absolute_url()),
            },
            {"@type": "ListItem", "position": 3, "name": article.title, "item": url},
        ],
    }
    structured_data = [data, breadcrumbs]
    if faqs:
        structured_data.append(
            {
                "@context": "https://schema.org",
                "@type": "FAQPage",
                "mainEntity": [
                    {
                        "@type": "Question",
                        "name": faq.question,
                        "acceptedAnswer": {"@type": "Answer", "text": faq.answer},
                    }
                    for faq in faqs
                ],
            }
        )
    return structured_data


def _person(user) -> dict:
    person = {"@type": "Person", "name": user.public_name}
    if url := user.get_absolute_url():
        person["url"] = absolute(url)
    return person


def _breadcrumbs(*trail: tuple[str, str]) -> dict:
    """schema.org BreadcrumbList from Home through `trail`'s (name, path) pairs."""
    steps = [("Home", "/"), *trail]
    return {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": i, "name": name, "item": absolute(path)}
            for i, (name, path) in enumerate(steps, start=1)
        ],
    }


def _collection(name: str, path: str, page, about: dict | None = None) -> dict:
    """schema.org CollectionPage of a list page (its own page of it, as the canonical link)."""
    url = absolute(path)
    data = {
        "@context": "https://schema.org",
        "@type": "CollectionPage",
        "name": name,
        "url": url if page is None or page.number == 1 else f"{url}?page={page.number}",
        "isPartOf": {"@type": "WebSite", "name": settings.SITE_NAME, "url": absolute("/")},
    }
    if about:
        data["mainEntity"] = about
    return data


@register.simple_tag
def collection_structured_data(section, page) -> list[dict]:
    """CollectionPage and BreadcrumbList for a topic or a tag page."""
    path = section.get_absolute_url()
    if isinstance(section, Tag):
        trail = [("Articles", reverse("articles:list")), (f"#{section.name}", path)]
    else:
        trail = [(section.name, path)]
    return [_collection(section.name, path, page), _breadcrumbs(*trail)]


@register.simple_tag
def author_structured_data(author, page) -> list[dict]:
    """schema.org Person, CollectionPage (the page of their articles) and BreadcrumbList
    for an author page."""
    path = author.get_absolute_url()
    person = {"@context": "https://schema.org", **_person(author)}
    if author.public_title:
        person["jobTitle"] = author.public_title
    if author.bio:
        person["description"] = author.bio
    if author.photo_renditions:
        person["image"] = absolute(author.photo.storage.url(author.photo_renditions[-1]["name"]))
    person["worksFor"] = {"@type": "Organization", "name": settings.SITE_NAME}
    collection = _collection(f"Articles by {author.public_name}", path, page, about=_person(author))
    return [person, collection, _breadcrumbs((author.public_name, path))]


@register.simple_tag
def website_structured_data() -> dict:
    """schema.org WebSite with a SearchAction (the site search), for the home page."""
    search = absolute(reverse("articles:search"))
    return {
        "@context": "https://schema.org",
        "@type": "WebSite",
        "name": settings.SITE_NAME,
        "url": absolute("/"),
        "potentialAction": {
            "@type": "SearchAction",
            "target": {"@type": "EntryPoint", "urlTemplate": f"{search}?q={{search_term_string}}"},
            "query-input": "required name=search_term_string",
        },
    }


@register.filter
def share_image_url(article: Article) -> str:
    if not article.hero_renditions:
        return ""
    best = next((r for r in article.hero_renditions if r["w"] >= 1200), article.hero_renditions[-1])
    return absolute(article.hero_image.storage.url(best["name"]))


@register.simple_tag
def card_image(article: Article, lazy: bool = True) -> SafeString:
    # img_tag() escapes every value it puts in the tag.
    return mark_safe(  # nosec B308, B703
        img_tag(
            article.hero_renditions,
            article.hero_alt,
            sizes="(min-width: 1100px) 340px, (min-width: 700px) 45vw, 100vw",
            lazy=lazy,
            css_class="card__img",
        )
    )

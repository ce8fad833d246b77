"""Demo content for articles: topics, staff authors, tags and articles with generated images."""

from datetime import timedelta
from io import BytesIO

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.text import slugify

from articles.models import Article, FAQItem, Tag, Topic
from runnerhub.images import clean_image, save_editor_image
from runnerhub.permissions import EDITORS, MEDICAL_REVIEWERS, MODERATORS

from .content.articles import ARTICLES, AUTHORS, TOPICS
from .images import make_body_image, make_hero_image

BODY_IMAGE_MARKER = "<h2>2."


def load(stdout) -> None:
    topics = {t["slug"]: Topic.objects.get_or_create(slug=t["slug"], defaults=t)[0] for t in TOPICS}
    for order, topic in enumerate(topics.values()):
        if topic.order != order:
            Topic.objects.filter(pk=topic.pk).update(order=order)
    authors = {a["username"]: _author(a) for a in AUTHORS}
    # Staff who review the demo's health advice may mark it reviewed (README, Medical review).
    reviewers = Group.objects.filter(name=MEDICAL_REVIEWERS)
    for username in {a["reviewer"] for a in ARTICLES if a.get("reviewer")}:
        authors[username].groups.add(*reviewers)
    now = timezone.now()
    total = len(ARTICLES)
    for number, data in enumerate(ARTICLES, start=1):
        if Article.objects.filter(slug=data["slug"]).exists():
            stdout.write(f"  [{number}/{total}] {data['title']}: already there")
            continue
        _article(data, topics, authors, now, with_body_image=number == 1)
        stdout.write(f"  [{number}/{total}] {data['title']}: added")


def _author(data: dict):
    User = get_user_model()
    user, created = User.objects.get_or_create(
        username=data["username"],
        defaults={**data, "is_staff": True},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
        user.groups.add(*Group.objects.filter(name__in=(EDITORS, MODERATORS)))
    return user


def _article(data: dict, topics: dict, authors: dict, now, with_body_image: bool) -> Article:
    body = data["body"]
    if with_body_image and BODY_IMAGE_MARKER in body:
        url = save_editor_image(BytesIO(make_body_image(data["hero_palette"])))
        figure = (
            f'<figure class="image"><img src="{url}" alt="Diagram of a gentle standing '
            'hamstring stretch"><figcaption>Keep the back long and hinge at the hips: the '
            "stretch should be felt in the back of the thigh, never behind the knee."
            "</figcaption></figure>"
        )
        body = body.replace(BODY_IMAGE_MARKER, figure + BODY_IMAGE_MARKER, 1)
    status = data.get("status", Article.Status.PUBLISHED)
    article = Article(
        title=data["title"],
        slug=data["slug"],
        lead=data["lead"],
        body=body,
        author=authors[data["author"]],
        topic=topics[data["topic"]],
        status=status,
        publish_at=None
        if status == Article.Status.DRAFT
        else now - timedelta(days=data["days_ago"], hours=number_of_hours(data["slug"])),
        featured=data.get("featured", False),
        reviewer=authors[data["reviewer"]] if data.get("reviewer") else None,
        reviewed_by=data.get("reviewed_by", ""),
        last_reviewed=(now - timedelta(days=data.get("reviewed_days_ago", 30))).date()
        if data.get("reviewed_by") or data.get("reviewer")
        else None,
        video_url=data.get("video_url", ""),
        hero_alt=data["hero_alt"],
    )
    image = clean_image(BytesIO(make_hero_image(data["hero_motif"], data["hero_palette"])))
    article.hero_image.save(
        f"{data['slug']}.{image.extension}", ContentFile(image.content), save=False
    )
    article.save()
    tags = [
        Tag.objects.get_or_create(slug=slugify(name), defaults={"name": name})[0]
        for name in data["tags"]
    ]
    article.tags.set(tags)
    FAQItem.objects.bulk_create(
        FAQItem(article=article, question=q, answer=a, order=i)
        for i, (q, a) in enumerate(data.get("faqs", []))
    )
    return article


def number_of_hours(slug: str) -> int:
    # A stable spread of publishing times through the morning, so dates look natural.
    return sum(map(ord, slug)) % 9

from datetime import timedelta

import factory
from django.utils import timezone

from articles.models import Article, FAQItem, Tag, Topic
from tests.runnerhub.factories import StaffFactory


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Topic {n}")
    slug = factory.Sequence(lambda n: f"topic-{n}")


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tag
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"tag {n}")
    slug = factory.Sequence(lambda n: f"tag-{n}")


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"How to run better, part {n}")
    slug = factory.Sequence(lambda n: f"run-better-{n}")
    lead = "A short lead that tells the reader what they will learn."
    body = "<h2>1. Warm up</h2><p>Start easy for ten minutes before any fast running.</p>"
    author = factory.SubFactory(StaffFactory)
    topic = factory.SubFactory(TopicFactory)
    status = Article.Status.PUBLISHED
    publish_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))

    @factory.post_generation
    def tags(self, create, extracted, **kwargs):
        if create and extracted:
            self.tags.set(extracted)


class FAQItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FAQItem

    article = factory.SubFactory(ArticleFactory)
    question = factory.Sequence(lambda n: f"Question number {n}?")
    answer = "A short, helpful answer."
    order = factory.Sequence(int)

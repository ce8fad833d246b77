import factory

from comments.models import Comment
from tests.articles.factories import ArticleFactory


class CommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Comment

    article = factory.SubFactory(ArticleFactory)
    name = factory.Faker("name")
    email = factory.Sequence(lambda n: f"reader{n}@example.com")
    text = factory.Faker("paragraph")
    state = Comment.State.PUBLISHED


class ReplyFactory(CommentFactory):
    parent = factory.SubFactory(CommentFactory)
    article = factory.LazyAttribute(lambda o: o.parent.article)

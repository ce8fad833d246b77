"""`manage.py remake_renditions`: images saved by an older release get WebP renditions, and
the pages that show them are refreshed as on an edit."""

import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import OperationalError
from django.test import Client
from PIL import Image

from articles.models import Article
from shop.models import Product
from tests.articles.factories import ArticleFactory
from tests.runnerhub.factories import StaffFactory
from tests.shop.factories import ProductFactory

pytestmark = pytest.mark.django_db


def jpeg(name: str, size=(1600, 900)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (30, 90, 160)).save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def as_an_older_release_made_them(row, field: str) -> list[dict]:
    """JPEG copies, as renditions were made before they became WebP."""
    old = []
    for rendition in getattr(row, field)[:-1]:
        name = rendition["name"].removesuffix(".webp") + ".jpg"
        old.append({**rendition, "name": default_storage.save(name, ContentFile(b"jpeg"))})
    old.append(getattr(row, field)[-1])
    type(row).objects.filter(pk=row.pk).update(**{field: old})
    return old


def run(*args) -> str:
    out = io.StringIO()
    call_command("remake_renditions", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_older_renditions_are_made_again_and_the_page_shows_them(
    django_capture_on_commit_callbacks,
):
    article = ArticleFactory(slug="hills", hero_image=jpeg("hills.jpg"), hero_alt="Hills")
    author = StaffFactory(photo=jpeg("me.jpg", (900, 900)))
    old = as_an_older_release_made_them(article, "hero_renditions")
    as_an_older_release_made_them(author, "photo_renditions")
    page = Client().get("/articles/hills/").content.decode()
    assert old[0]["name"] in page  # the page as the older release showed it, now cached

    with django_capture_on_commit_callbacks(execute=True):  # the changes are committed
        out = run()
    assert "article heroes: 1 to make" in out and "[1/1] " in out
    assert "author photos: 1 to make" in out and "product images: 0 to make" in out
    article.refresh_from_db()
    names = [r["name"] for r in article.hero_renditions]
    assert all(name.endswith(".webp") for name in names[:-1]) and names[-1].endswith(".jpg")
    assert [r["w"] for r in article.hero_renditions] == [480, 800, 1200, 1600]
    author.refresh_from_db()
    assert all(r["name"].endswith(".webp") for r in author.photo_renditions[:-1])
    # The save refreshed the cached page, and the old files stay for copies kept elsewhere.
    page = Client().get("/articles/hills/").content.decode()
    assert names[0] in page and old[0]["name"] not in page
    assert default_storage.exists(old[0]["name"])

    assert "article heroes: 0 to make" in run()  # done: nothing to do again
    assert "article heroes: 1 to make" in run("--all")


def test_an_image_that_cannot_be_read_is_named_and_the_rest_are_made():
    product = ProductFactory(image=jpeg("roller.jpg"), image_alt="A foam roller")
    as_an_older_release_made_them(product, "image_renditions")
    broken = ArticleFactory(slug="gone", hero_image=jpeg("gone.jpg"), hero_alt="Gone")
    as_an_older_release_made_them(broken, "hero_renditions")
    default_storage.delete(broken.hero_image.name)
    errors = io.StringIO()
    with pytest.raises(CommandError, match="1 image"):
        call_command("remake_renditions", stdout=io.StringIO(), stderr=errors)
    assert "not made" in errors.getvalue()
    product.refresh_from_db()
    assert product.image_renditions[0]["name"].endswith(".webp")
    assert Article.objects.get(pk=broken.pk).hero_renditions[0]["name"].endswith(".jpg")


def test_the_database_going_away_stops_it_with_a_message_and_a_second_run_goes_on(
    monkeypatch,
):
    article = ArticleFactory(slug="hills", hero_image=jpeg("hills.jpg"), hero_alt="Hills")
    as_an_older_release_made_them(article, "hero_renditions")
    product = ProductFactory(image=jpeg("roller.jpg"), image_alt="A foam roller")
    as_an_older_release_made_them(product, "image_renditions")
    real_save = Product.save

    def away(self, *args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly\n\tThis probably...")

    monkeypatch.setattr(Product, "save", away)
    out = io.StringIO()
    with pytest.raises(CommandError) as stopped:
        call_command("remake_renditions", stdout=out, stderr=io.StringIO())
    message = str(stopped.value)
    assert "database did not answer (server closed the connection unexpectedly)" in message
    assert "run the command again" in message and "\n" not in message
    assert "article heroes: 1 to make" in out.getvalue() and "[1/1] " in out.getvalue()
    article.refresh_from_db()
    assert article.hero_renditions[0]["name"].endswith(".webp")  # made before it stopped

    monkeypatch.setattr(Product, "save", real_save)  # the database is back
    out = run()
    assert "article heroes: 0 to make" in out and "product images: 1 to make" in out
    product.refresh_from_db()
    assert product.image_renditions[0]["name"].endswith(".webp")

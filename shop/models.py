import functools
import time
from typing import Self
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from articles.models import Article
from runnerhub.fields import HttpsURLField
from runnerhub.images import SafeImageField, make_renditions

from . import linkcheck

# How long a form waits for a shop address's DNS lookup.
SHOP_URL_LOOKUP_SECONDS = 2


def host_verdict(host: str) -> str:
    """ "public", "refused" (local or private) or "unknown" (could not be looked up now).

    For the forms only: a save validates the address in the form field, again in the model
    and admin asks once more for its warning, so answers are remembered for up to 30
    seconds. The link checker never uses this: it resolves every time it connects."""
    return _host_verdict(host.lower(), int(time.monotonic() // 30))


@functools.lru_cache(maxsize=256)
def _host_verdict(host: str, _window: int) -> str:
    try:
        linkcheck.public_addresses(host, timeout=SHOP_URL_LOOKUP_SECONDS)
    except linkcheck.AddressRefused:
        return "refused"
    except linkcheck.LookupFailed:
        return "unknown"
    return "public"


def shop_url_is_ambiguous(value: str) -> bool:
    """Whether browsers may read another host from `value` than Python does: a backslash
    ("https://evil.example\\@shop.example.com/" is evil.example to a browser), a user name,
    white space or a control character. The /go/ redirect refuses such a stored address
    too, so an allowlist can never be stepped around by spelling."""
    try:
        netloc = urlsplit(value).netloc
    except ValueError:
        return True
    return (
        "\\" in value or "@" in netloc or any(ch.isspace() or not ch.isprintable() for ch in value)
    )


def validate_shop_url(value: str) -> None:
    """Only http(s) addresses on the public internet, and only on the shop's own domains
    when those are set.

    A host that is, or resolves to, a loopback, private, link-local, multicast or reserved
    address is refused (the link checker would otherwise request it from inside our
    network). A name that cannot be looked up right now is accepted: the link checker
    judges every address again when it connects, so nothing is opened by accepting it, and
    an editor is not stopped by a DNS hiccup (admin warns instead)."""
    try:
        parts = urlsplit(value or "")
        scheme, host = parts.scheme, parts.hostname
        parts.port  # noqa: B018 -- raises ValueError for a port that is not a number
    except ValueError:  # "http://[", "http://host:99999"
        scheme, host = "", None
    if scheme not in ("http", "https") or not host or value.startswith("//"):
        raise ValidationError(
            _("Enter a full shop address starting with https:// (or http://)."),
            code="shop_url_scheme",
        )
    if shop_url_is_ambiguous(value):
        raise ValidationError(
            _(
                "Enter the shop address without a user name, backslash, space or control "
                "character: browsers would read another host from it than we check."
            ),
            code="shop_url_ambiguous",
        )
    allowed = [d.lower().lstrip(".") for d in settings.SHOP_ALLOWED_DOMAINS]
    host = host.lower()
    if allowed and not any(host == d or host.endswith("." + d) for d in allowed):
        raise ValidationError(
            _("%(host)s is not one of the shop's domains (%(allowed)s)."),
            code="shop_url_domain",
            params={"host": host[:100], "allowed": ", ".join(allowed)},
        )
    if host_verdict(host) == "refused":  # "unknown" is accepted: see above
        raise ValidationError(
            _(
                "%(host)s is or leads to a local or private network address. A shop "
                "address must be on the public internet."
            ),
            code="shop_url_private",
            params={"host": host[:100]},
        )


class ShopURLField(HttpsURLField):
    """A shop address: checked (scheme, allowed domains) in forms as well as on the model."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 500)
        kwargs.setdefault("validators", [validate_shop_url])
        super().__init__(*args, **kwargs)

    def formfield(self, **kwargs):
        return super().formfield(**{"validators": [validate_shop_url], **kwargs})


class LinkHealth(models.Model):
    """What the last link check found (manage.py check_shop_links or the admin action)."""

    link_checked_at = models.DateTimeField(_("link checked"), null=True, blank=True, editable=False)
    link_status = models.CharField(_("link status"), max_length=60, blank=True, editable=False)
    link_broken = models.BooleanField(_("link broken"), default=False, editable=False)

    class Meta:
        abstract = True


class ActiveQuerySet(models.QuerySet):
    def active(self) -> Self:
        """What readers may see: the rows that meet the model's active_q()."""
        return self.filter(self.model.active_q())


class ShopCategory(LinkHealth):
    name = models.CharField(_("name"), max_length=80, unique=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    cta_label = models.CharField(
        _("button text"),
        max_length=60,
        blank=True,
        help_text=_('For calls to action in articles; defaults to "Shop <name>".'),
    )
    description = models.TextField(_("description"), blank=True, max_length=600)
    url = ShopURLField(_("shop category address"))
    is_active = models.BooleanField(_("active"), default=True)

    objects = ActiveQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("shop category")
        verbose_name_plural = _("shop categories")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("shop:category", kwargs={"slug": self.slug})

    @property
    def button_text(self) -> str:
        return self.cta_label or f"Shop {self.name.lower()}"

    @staticmethod
    def active_q(prefix: str = "") -> Q:
        """The one definition of an active category, on the model `prefix` leads from
        ("category__" from a product)."""
        return Q(**{f"{prefix}is_active": True})


class ProductQuerySet(ActiveQuerySet):
    def with_active(self) -> Self:
        """Active or not, each with `active` set (for /go/, which sends the readers of an
        inactive product to its category)."""
        return self.annotate(active=ExpressionWrapper(Product.active_q(), BooleanField()))


class Product(LinkHealth):
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    brand = models.CharField(_("brand"), max_length=80, blank=True)
    category = models.ForeignKey(
        ShopCategory,
        on_delete=models.PROTECT,
        related_name="products",
        verbose_name=_("category"),
    )
    short_description = models.CharField(_("short description"), max_length=240, blank=True)
    image = SafeImageField(_("image"), upload_to="products/%Y/%m/", blank=True)
    image_alt = models.CharField(_("image description (alt text)"), max_length=200, blank=True)
    image_renditions = models.JSONField(default=list, blank=True, editable=False)
    price = models.DecimalField(_("price"), max_digits=9, decimal_places=2, null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, default="GBP")
    url = ShopURLField(_("shop product address"))
    is_active = models.BooleanField(_("active"), default=True)
    is_sponsored = models.BooleanField(
        _("sponsored"),
        default=False,
        help_text=_('Paid placement: links get rel="sponsored" and cards say so.'),
    )

    objects = ProductQuerySet.as_manager()

    class Meta:
        ordering = ["category__name", "name"]
        verbose_name = _("product")
        verbose_name_plural = _("products")
        constraints = [
            models.CheckConstraint(
                condition=Q(price__isnull=True) | Q(price__gte=0), name="product_price_positive"
            ),
            models.CheckConstraint(
                condition=Q(image="") | ~Q(image_alt=""), name="product_image_has_alt"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.brand} {self.name}".strip()

    def save(self, *args, **kwargs):
        image = self._meta.get_field("image").pre_save(self, self._state.adding)
        if not image:
            self.image_renditions = []
        elif not self.image_renditions or self.image_renditions[-1]["name"] != image.name:
            self.image_renditions = make_renditions(image.storage, image.name)
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        if self.image and not self.image_alt.strip():
            raise ValidationError(
                {"image_alt": _("Describe the image for readers who cannot see it.")}
            )

    @staticmethod
    def active_q(prefix: str = "") -> Q:
        """The one definition of an active product: switched on, in an active category; on
        the model `prefix` leads from ("product__" from an article's product)."""
        return Q(**{f"{prefix}is_active": True}) & ShopCategory.active_q(f"{prefix}category__")

    @property
    def go_path(self) -> str:
        return reverse("shop:go", kwargs={"slug": self.slug})

    @property
    def rel(self) -> str:
        return "sponsored nofollow noopener" if self.is_sponsored else "nofollow noopener"


class ArticleProduct(models.Model):
    """A product recommended by an article, shown in its "Gear in this article" box."""

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="shop_products", verbose_name=_("article")
    )
    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, related_name="in_articles", verbose_name=_("product")
    )
    note = models.CharField(
        _("note"), max_length=200, blank=True, help_text=_("e.g. “Best for tight calves”.")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("product in this article")
        verbose_name_plural = _("gear in this article")
        constraints = [
            models.UniqueConstraint(fields=["article", "product"], name="article_product_once")
        ]

    def __str__(self) -> str:
        return f"{self.product} in {self.article}"


class ClickCount(models.Model):
    """Outbound clicks, counted per target (a product or a shop category), article (if any),
    day and medium.

    Each click is one atomic upsert on the row for its own `key`, so concurrent clicks never
    lose a count and never all queue on one hot row (see services.click_record)."""

    class Medium(models.TextChoices):
        ARTICLE = "article", _("Article")
        NEWSLETTER = "newsletter", _("Newsletter")

    key = models.CharField(max_length=80, unique=True, editable=False)
    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, null=True, blank=True, related_name="clicks"
    )
    category = models.ForeignKey(
        ShopCategory, on_delete=models.CASCADE, null=True, blank=True, related_name="clicks"
    )
    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, null=True, blank=True, related_name="shop_clicks"
    )
    # The newsletter issue whose email the click came from (medium "newsletter").
    issue = models.ForeignKey(
        "newsletter.Issue",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="shop_clicks",
    )
    day = models.DateField(_("day"))
    medium = models.CharField(_("medium"), max_length=12, choices=Medium.choices)
    count = models.PositiveIntegerField(_("clicks"), default=0)
    # Of those clicks, how many were a reader's first click on anything in that issue: their
    # sum over an issue's rows is its unique clickers, and nobody's identity is stored.
    issue_readers = models.PositiveIntegerField(_("new readers of the issue"), default=0)

    class Meta:
        ordering = ["-day"]
        verbose_name = _("click count")
        verbose_name_plural = _("click counts")
        indexes = [models.Index(fields=["day"], name="click_day_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(product__isnull=False, category__isnull=True)
                | Q(product__isnull=True, category__isnull=False),
                name="click_one_target",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product or self.category} {self.day}: {self.count}"

    @staticmethod
    def make_key(*, product_id, category_id, article_id, day, medium, issue_id=None) -> str:
        target = f"p{product_id}" if product_id else f"c{category_id}"
        key = f"{target}:a{article_id or 0}:{day.isoformat()}:{medium}"
        return f"{key}:i{issue_id}" if issue_id else key

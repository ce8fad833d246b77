from axes.models import AccessAttempt
from django.contrib.auth.models import AbstractUser
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Value
from django.db.models.functions import Coalesce, Concat, JSONObject, NullIf, Trim
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from .images import SafeImageField, make_renditions


class User(AbstractUser):
    """A person who can log in. Staff carry a public name and title, shown on articles and
    answers, so that pages never need a second lookup per author."""

    display_name = models.CharField(
        _("public display name"),
        max_length=80,
        blank=True,
        help_text=_("Shown on articles and answers. Defaults to first and last name."),
    )
    public_title = models.CharField(
        _("public title"),
        max_length=60,
        blank=True,
        help_text=_('Shown beside the name on staff answers, e.g. "Physio" or "Shoe fitter".'),
    )
    bio = models.TextField(_("short bio"), blank=True, max_length=600)
    # The address of a staff member's author page (/authors/<slug>/); set from the name on
    # the first save, kept afterwards so links in feeds and search engines stay good.
    slug = models.SlugField(
        _("author page address"),
        max_length=80,
        unique=True,
        null=True,
        blank=True,
        help_text=_("The end of your author page's address. Made from your name if empty."),
    )
    photo = SafeImageField(
        _("photo"),
        upload_to="authors/%Y/",
        blank=True,
        help_text=_("A portrait for your author page, square is best (JPEG, PNG or WebP)."),
    )
    photo_renditions = models.JSONField(default=list, blank=True, editable=False)

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"

    def save(self, *args, **kwargs):
        # Derived fields only: the author page's slug and the photo's renditions.
        if not self.slug and self.is_staff:
            self.slug = self._free_slug()
        # pre_save() stores a new upload (as Model.save() would) so that it can be resized.
        photo = self._meta.get_field("photo").pre_save(self, self._state.adding)
        if not photo:
            self.photo_renditions = []
        elif not self.photo_renditions or self.photo_renditions[-1]["name"] != photo.name:
            self.photo_renditions = make_renditions(photo.storage, photo.name)
        super().save(*args, **kwargs)

    def _free_slug(self) -> str:
        base = (slugify(self.public_name) or slugify(self.username) or "author")[:70]
        taken = set(
            User.objects.filter(slug__startswith=base)
            .exclude(pk=self.pk)
            .values_list("slug", flat=True)
        )
        slug, n = base, 2
        while slug in taken:
            slug, n = f"{base}-{n}", n + 1
        return slug

    def get_absolute_url(self) -> str:
        """The author page ("" for an account without one: a link is then left out)."""
        return reverse("articles:author", kwargs={"slug": self.slug}) if self.slug else ""

    @property
    def public_name(self) -> str:
        return self.display_name or self.get_full_name() or self.username

    @staticmethod
    def public_name_sql(prefix: str = "") -> Coalesce:
        """public_name in SQL, for sorting by it; `prefix` reaches a user through a relation
        ("author__"). tests/runnerhub/test_site.py keeps the two agreeing."""
        return Coalesce(
            NullIf(f"{prefix}display_name", Value("")),
            NullIf(
                Trim(Concat(f"{prefix}first_name", Value(" "), f"{prefix}last_name")),
                Value(""),
            ),
            f"{prefix}username",
        )


class AuthorProfile(User):
    """A staff member's public profile (name, title, bio, photo, author page address): the
    same row as the account, edited in admin by its owner with the rights of this proxy,
    without the right to manage users."""

    class Meta:
        proxy = True
        verbose_name = _("author profile")
        verbose_name_plural = _("author profiles")


DEFAULT_DISCLAIMER = (
    "This article is general advice, not a diagnosis. If pain is sharp, lasts more than a "
    "few days or stops you from walking normally, see a physiotherapist or your doctor."
)


class SiteSettings(models.Model):
    """Settings editors change in admin, once for the whole site (a single row)."""

    singleton = models.PositiveSmallIntegerField(default=1, unique=True, editable=False)
    tagline = models.CharField(
        _("tagline"),
        max_length=120,
        default="Advice for every runner, from the people who fit your shoes.",
    )
    medical_disclaimer = models.TextField(
        _("medical disclaimer"),
        default=DEFAULT_DISCLAIMER,
        help_text=_("Shown in a box at the end of every article that has the disclaimer on."),
    )

    comments_close_after_days = models.PositiveSmallIntegerField(
        _("comments close after (days)"),
        default=90,
        help_text=_(
            "Readers can comment on an article for this many days after it is published. "
            "Each article can override it."
        ),
    )
    staff_notification_email = models.EmailField(
        _("staff notification address"),
        blank=True,
        help_text=_("New reader questions are emailed here. Leave empty for no emails."),
    )

    review_interval_months = models.PositiveSmallIntegerField(
        _("medical review every (months)"),
        default=12,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
        help_text=_(
            "How long a medical review holds: an article with a reviewer is due for its "
            "next review this many months after its last one. Each article can override it."
        ),
    )

    newsletter_rate_per_minute = models.PositiveIntegerField(
        _("newsletter sending rate (emails a minute, per worker)"),
        default=600,
        help_text=_("Stay under your email provider's limit. 0 means no limit."),
    )

    class Meta:
        verbose_name = _("site settings")
        verbose_name_plural = _("site settings")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(singleton=1), name="site_settings_single_row"
            ),
            models.CheckConstraint(
                condition=models.Q(review_interval_months__gte=1, review_interval_months__lte=120),
                name="site_settings_review_interval_range",
            ),
        ]

    def __str__(self) -> str:
        return str(_("Site settings"))

    @classmethod
    def load(cls) -> "SiteSettings":
        obj, _created = cls.objects.get_or_create(singleton=1)
        return obj

    @classmethod
    def as_json(cls) -> models.Subquery:
        """The settings as a JSON annotation, so a page's main query brings them along
        (`from_json` turns it back into settings): one query fewer on the article page."""
        fields = {f.attname: f.attname for f in cls._meta.concrete_fields}
        return models.Subquery(
            cls.objects.filter(singleton=1).values(json=JSONObject(**fields))[:1],
            output_field=models.JSONField(),
        )

    @classmethod
    def from_json(cls, data: dict | None) -> "SiteSettings":
        if not data:  # a fresh database: no row yet
            return cls.load()
        # JSON has no dates or decimals: each field turns its value back.
        obj = cls(**{f.attname: f.to_python(data[f.attname]) for f in cls._meta.concrete_fields})
        obj._state.adding = False
        return obj


class SignInAttempt(AccessAttempt):
    """django-axes' record of failed admin sign-ins (one row per account, address and
    browser), shown to superusers beside the accounts it locks (runnerhub/signin/lockout.py)."""

    class Meta:
        proxy = True
        verbose_name = _("sign-in attempt")
        verbose_name_plural = _("sign-in attempts")
        ordering = ["-attempt_time"]

"""The medical review desk in admin: the "Review due" filter and column of the article list,
"Mark reviewed" (an action on the list and a button on the change form), the staff reviewer
picker, and the "Medical reviews due" panel and count on the admin index.

ArticleAdmin (articles/admin.py) takes its parts from MedicalReviewAdminMixin. What is due is
the model's question (ArticleQuerySet.review_state and reviews_due); marking reviewed goes
through services.articles_mark_reviewed."""

from datetime import date
from itertools import groupby

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.contrib.admin.widgets import AutocompleteSelect
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Case, DateField, F, Q, Value, When
from django.http import Http404, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from runnerhub import dashboard, dates
from runnerhub.badges import Tone, badge
from runnerhub.models import SiteSettings

from . import services
from .models import (
    MAX_REVIEW_INTERVAL_MONTHS,
    NEEDS_REVIEW,
    REVIEW_SOON_DAYS,
    Article,
    ReviewState,
)

REVIEWERS = Q(is_staff=True)
REVIEW_PERMISSION = "articles.review_article"
# Set by "Mark reviewed"; changed by a save only when the editor changed them in the form.
REVIEW_FIELDS = ("reviewer", "last_reviewed")
REVIEWER_PICKER_URL = "articles_article_reviewer_autocomplete"
PANEL_ID = "medical-reviews-due"
# The dashboard shows the most overdue; the rest are a click away (the list's "due" filter).
PANEL_LIMIT = 10
DUE = "due"


class ReviewDueFilter(admin.SimpleListFilter):
    title = _("review due")
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [*ReviewState.choices, (DUE, _("Due (as on the dashboard)"))]

    def queryset(self, request, queryset):
        if self.value() == DUE:
            return queryset.filter(pk__in=Article.objects.reviews_due().values("pk"))
        if self.value() in ReviewState.values:
            return queryset.review_state(self.value())
        return queryset


class ReviewerPicker(AutocompleteSelect):
    """Django's autocomplete, asking the article admin's own list of staff (by public
    name), so that an editor may choose a reviewer without the right to see accounts."""

    def get_url(self):
        return reverse(f"{self.admin_site.name}:{REVIEWER_PICKER_URL}")


class ReviewerSearchView(AutocompleteJsonView):
    """Active staff whose public name or username holds the term, for ReviewerPicker."""

    model_admin = None

    def get(self, request, *args, **kwargs):
        if not self.model_admin.has_change_permission(request):
            raise PermissionDenied
        term = request.GET.get("term", "").strip()[:80]
        people = get_user_model().objects.filter(REVIEWERS, is_active=True)
        for word in term.split():
            people = people.filter(
                Q(display_name__icontains=word)
                | Q(first_name__icontains=word)
                | Q(last_name__icontains=word)
                | Q(username__icontains=word)
            )
        self.object_list = people.order_by(get_user_model().public_name_sql(), "pk")
        context = self.get_context_data()
        return JsonResponse(
            {
                "results": [
                    {"id": str(user.pk), "text": reviewer_label(user)}
                    for user in context["object_list"]
                ],
                "pagination": {"more": context["page_obj"].has_next()},
            }
        )


def reviewer_label(user) -> str:
    return f"{user.public_name}, {user.public_title}" if user.public_title else user.public_name


class MedicalReviewAdminMixin:
    """For ArticleAdmin: the reviewer field, the due column, and "Mark reviewed"."""

    def get_queryset(self, request):
        # The column sorts never-reviewed health advice first, then by due date, and articles
        # that are not health advice last.
        return (
            super()
            .get_queryset(request)
            .with_review_due()
            .annotate(
                review_order=Case(
                    When(NEEDS_REVIEW & Q(last_reviewed__isnull=True), then=Value(date.min)),
                    When(NEEDS_REVIEW, then=F("review_due_on")),
                    default=Value(date.max),
                    output_field=DateField(),
                )
            )
        )

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path(
                "<id:object_id>/mark-reviewed/",
                wrap(self.mark_reviewed_view),
                name="articles_article_mark_reviewed",
            ),
            path(
                "reviewers/",
                wrap(ReviewerSearchView.as_view(admin_site=self.admin_site, model_admin=self)),
                name=REVIEWER_PICKER_URL,
            ),
            *super().get_urls(),
        ]

    def has_review_permission(self, request, obj=None) -> bool:
        """May record a medical review, and so be published as the reviewer (the "review"
        permission of the list action asks this too)."""
        return request.user.has_perm(REVIEW_PERMISSION)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "review_interval_months":
            # Checked by the form itself: the model's validators run only after the value is
            # on the article, whose due date the page then shows.
            kwargs.update(min_value=1, max_value=MAX_REVIEW_INTERVAL_MONTHS)
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "reviewer":
            # A new choice is a member of the staff (the picker offers active staff);
            # ReviewFieldsForm keeps a former member on the articles they reviewed.
            kwargs["queryset"] = get_user_model().objects.filter(REVIEWERS)
            kwargs["widget"] = ReviewerPicker(db_field, self.admin_site)
            field = super().formfield_for_foreignkey(db_field, request, **kwargs)
            field.label_from_instance = reviewer_label
            field.error_messages["invalid_choice"] = _(
                "Choose a member of the staff as reviewer (or name someone outside the team)."
            )
            return field
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_form(self, request, obj=None, change=False, **kwargs):
        return review_fields_form(super().get_form(request, obj, change, **kwargs))

    def get_fieldsets(self, request, obj=None):
        # The button beside the due date, for those who may mark this article reviewed.
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or not self.has_review_permission(request, obj):
            return fieldsets
        row = ("review_due_on_form", "mark_reviewed_button")
        return [
            (name, {**options, "fields": [row if f == row[0] else f for f in options["fields"]]})
            for name, options in fieldsets
        ]

    def get_readonly_fields(self, request, obj=None):
        return (*super().get_readonly_fields(request, obj), "mark_reviewed_button")

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and self.has_review_permission(request, obj):
            context["mark_reviewed_url"] = reverse(
                "admin:articles_article_mark_reviewed", args=[obj.pk]
            )
        return super().render_change_form(request, context, add, change, form_url, obj)

    @admin.display(description=_("record a review"))
    def mark_reviewed_button(self, obj: Article) -> str:
        return render_to_string("admin/articles/article/_mark_reviewed_button.html")

    @admin.display(description=_("review due"), ordering="review_order")
    def review_due(self, obj: Article) -> str:
        return review_badge(obj, getattr(obj, "review_due_on", None))

    @admin.display(description=_("next review due"))
    def review_due_on_form(self, obj: Article) -> str:
        if not obj.pk:
            return "—"
        return review_badge(obj, obj.next_review_due(SiteSettings.load().review_interval_months))

    def _record_reviews(self, request, articles: list[Article]) -> int:
        """Marks `articles` reviewed by the user, each with its revision and its History."""
        count = services.articles_mark_reviewed(articles=articles, user=request.user)
        for article in articles:
            self.log_change(request, article, services.REVIEWED_COMMENT)
        return count

    @admin.action(
        description=_("Mark selected articles medically reviewed today"), permissions=["review"]
    )
    def mark_reviewed(self, request, queryset):
        count = self._record_reviews(request, list(queryset))
        self.message_user(
            request,
            ngettext(
                "%(count)d article is marked medically reviewed today.",
                "%(count)d articles are marked medically reviewed today.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )

    def mark_reviewed_view(self, request, object_id: int):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        article = self.get_object(request, str(object_id))
        if article is None:
            raise Http404
        if not self.has_review_permission(request, article):
            raise PermissionDenied
        self._record_reviews(request, [article])
        self.message_user(
            request,
            _("“%(title)s” is marked medically reviewed today (%(day)s), by %(who)s.")
            % {
                "title": article.title,
                "day": dates.day(article.last_reviewed),
                "who": article.reviewed_by or reviewer_label(request.user),
            },
            messages.SUCCESS,
        )
        return redirect("admin:articles_article_change", article.pk)


def review_fields_form(base: type[forms.ModelForm]) -> type[forms.ModelForm]:
    """The article form, where the review fields (REVIEW_FIELDS) change only on purpose.

    Each carries the value it was loaded with (show_hidden_initial); one posted as loaded
    keeps what is stored now, so a review recorded by "Mark reviewed" while an editor had the
    form open survives that editor's save, even after "someone else saved meanwhile". And the
    stored reviewer stays a valid choice when they are no longer staff (a new one must be)."""

    class ReviewFieldsForm(base):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            for name in REVIEW_FIELDS:
                if name in self.fields:
                    self.fields[name].show_hidden_initial = True
            reviewer = self.fields.get("reviewer")
            if reviewer is not None and self.instance.reviewer_id is not None:
                reviewer.queryset = get_user_model().objects.filter(
                    REVIEWERS | Q(pk=self.instance.reviewer_id)
                )

        def clean(self):
            cleaned_data = super().clean()
            if self.instance.pk:
                for name in REVIEW_FIELDS:
                    if name in cleaned_data and name not in self.changed_data:
                        cleaned_data[name] = getattr(self.instance, name)
            return cleaned_data

    return ReviewFieldsForm


def review_badge(article: Article, due_on) -> str:
    """The review state of an article whose review is due `due_on` (None: never)."""
    if not article.needs_review:
        return "—"
    if article.last_reviewed is None:
        return badge(Tone.BAD, _("Never reviewed: due now"))
    today = timezone.localdate()
    label = dates.day(due_on)
    if due_on <= today:
        return badge(Tone.BAD, _("Overdue since %s") % label)
    if (due_on - today).days <= REVIEW_SOON_DAYS:
        return badge(Tone.WAITING, _("Due %s") % label)
    return badge(Tone.GOOD, label)


# The admin index -------------------------------------------------------------------------


def _due(request) -> list[Article]:
    """The articles due for review, fetched once per request for the count and the panel."""
    if not hasattr(request, "_medical_reviews_due"):
        request._medical_reviews_due = list(
            Article.objects.reviews_due()
            .select_related("topic")
            .only("pk", "title", "last_reviewed", "reviewed_by", "reviewer", "topic")
        )
    return request._medical_reviews_due


def _may_review(request) -> bool:
    # Those who record reviews, and the editors who keep the articles up to date.
    return request.user.has_perm(REVIEW_PERMISSION) or request.user.has_perm(
        "articles.change_article"
    )


@dashboard.register
def review_counts(request) -> list[dict]:
    if not _may_review(request):
        return []
    due = _due(request)
    today = timezone.localdate()
    overdue = sum(1 for a in due if a.review_due_on is None or a.review_due_on <= today)
    return [
        {
            "label": ngettext("medical review due", "medical reviews due", len(due)),
            "count": len(due),
            "url": f"{reverse('admin:index')}#{PANEL_ID}",
            "urgent": overdue > 0,
        }
    ]


@dashboard.register_panel
def reviews_due_panel(request) -> dict | None:
    if not _may_review(request):
        return None
    due = _due(request)
    shown = sorted(due[:PANEL_LIMIT], key=lambda a: (a.topic.order, a.topic.name, a.topic_id))
    topics = [
        {
            "topic": topic,
            "rows": [
                {
                    "article": article,
                    "url": reverse("admin:articles_article_change", args=[article.pk]),
                    "state": review_badge(article, article.review_due_on),
                }
                for article in articles
            ],
        }
        for _topic_id, group in groupby(shown, key=lambda a: a.topic_id)
        for articles in [list(group)]
        for topic in [articles[0].topic]
    ]
    return {
        "template": "admin/articles/_reviews_due.html",
        "id": PANEL_ID,
        "title": _("Medical reviews due"),
        "topics": topics,
        "count": len(due),
        "more_url": (
            f"{reverse('admin:articles_article_changelist')}?review={DUE}"
            if len(due) > PANEL_LIMIT
            else ""
        ),
    }

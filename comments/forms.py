import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from articles.models import Article
from runnerhub.antispam import AntiSpamMixin
from runnerhub.fields import DeliverableEmailField
from runnerhub.ids import parse_id
from runnerhub.validators import validate_single_line_text, validate_storable_text

from .models import Comment


class CommentForm(AntiSpamMixin, forms.Form):
    article = forms.CharField(widget=forms.HiddenInput)
    parent = forms.CharField(required=False, widget=forms.HiddenInput)
    submission_key = forms.UUIDField(required=False, widget=forms.HiddenInput)
    name = forms.CharField(
        label=_("Name"),
        max_length=80,
        validators=[validate_single_line_text],
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = DeliverableEmailField(
        label=_("Email"),
        max_length=254,
        help_text=_("Never shown. We use it only to tell you about replies."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    text = forms.CharField(
        label=_("Your question or comment"),
        max_length=5000,
        validators=[validate_storable_text],
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    notify = forms.BooleanField(
        label=_("Email me when someone replies"), required=False, initial=True
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.is_staff = bool(user and user.is_authenticated and user.is_staff)
        if self.is_staff:
            # Staff post as themselves: name, title and badge come from their account.
            for field in ("name", "email"):
                self.fields[field].required = False
                self.fields[field].widget = forms.HiddenInput()

    def clean_article(self):
        pk = parse_id(self.cleaned_data["article"])
        article = Article.objects.public().filter(pk=pk).first() if pk else None
        if article is None:
            raise ValidationError(_("This article cannot be found."), code="article")
        return article

    def clean_parent(self):
        value = (self.cleaned_data.get("parent") or "").strip()
        if not value:
            return None
        pk = parse_id(value)
        if pk is None:
            raise ValidationError(
                _("The comment you are replying to cannot be found."), code="parent"
            )
        parent = Comment.objects.filter(pk=pk).select_related("article").first()
        if parent is None or parent.state != Comment.State.PUBLISHED:
            raise ValidationError(
                _(
                    "The comment you are replying to no longer exists. Post your text as a "
                    "new comment instead."
                ),
                code="parent_gone",
            )
        self._parent = parent
        return parent

    def clean(self):
        cleaned = super().clean()
        article, parent = cleaned.get("article"), cleaned.get("parent")
        if article is not None and parent is not None and parent.article_id != article.pk:
            self.add_error(
                "parent",
                ValidationError(
                    _("The comment you are replying to belongs to another article."),
                    code="parent_article",
                ),
            )
        return cleaned


def new_comment_form(article: Article | None, user, parent: Comment | None = None) -> CommentForm:
    """A blank form for an article (or a reply), with a fresh key against double posts."""
    return CommentForm(
        initial={
            "article": article.pk if article else "",
            "parent": parent.pk if parent else "",
            "submission_key": uuid.uuid4(),
            "notify": True,
        },
        user=user,
    )

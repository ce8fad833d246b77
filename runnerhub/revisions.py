"""Revisions of what editors write (articles, products, newsletter drafts), with django-reversion.

Every admin save keeps a revision: who, when and the content (the model's fields and the
related rows it follows, e.g. an article's FAQs and gear list). The revision is written in
the same transaction as the save (RevisionAdmin wraps the change form in
reversion.create_revision, whose atomic block is the outer one). Admin gets, per object:
a list of revisions, a word diff of any revision against the current text, and "Restore
this version", which goes through the admin's own ModelForm (sanitizer, rich-text and body
block checks) and so makes a new revision; history is never rewritten. The change form
carries the id of the revision it was loaded from: a save over a newer one is refused with
a link to the diff, and the editor's text stays in the form.

Apps register their models here (in AppConfig.ready), and an app may add a relation that
another app's model follows (the shop's gear list on articles) with `follow`.
"""

import difflib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass

import reversion
from django import forms
from django.contrib import messages
from django.contrib.admin.models import LogEntry
from django.contrib.admin.utils import unquote
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import transaction
from django.forms.models import modelform_factory
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _gettext
from django.utils.translation import gettext_lazy as _
from reversion.errors import RevertError
from reversion.models import Version

from .dates import when
from .sanitize import html_to_text, sanitize_html

TOKEN_FIELD = "revision_token"  # noqa: S105 - a form field's name, not a secret


@dataclass(frozen=True)
class Related:
    """Rows of another model kept with each revision of their parent (e.g. FAQs)."""

    name: str  # the parent's related name, e.g. "faqs"
    label: str  # a heading in the diff
    describe: Callable  # describe(row) -> one line of text
    # The rows' fields a restore brings back (the rows are replaced); empty: diffed only.
    restore: tuple[str, ...] = ()


_options: dict[type, dict] = {}
_related: dict[type, list[Related]] = {}


def register(model, *, exclude: tuple[str, ...] = ()) -> None:
    _options[model] = {"exclude": exclude}
    _register(model)


def follow(model, related: Related, related_model) -> None:
    """Keep `related` rows with every revision of `model` (from the app that owns them)."""
    if not reversion.is_registered(related_model):
        reversion.register(related_model)
    if related.name not in {r.name for r in _related.get(model, [])}:
        _related.setdefault(model, []).append(related)
    _register(model)


def _register(model) -> None:
    if reversion.is_registered(model):
        reversion.unregister(model)
    reversion.register(
        model,
        exclude=_options.get(model, {}).get("exclude", ()),
        follow=tuple(r.name for r in _related.get(model, [])),
    )


def versions_of(obj):
    return Version.objects.get_for_object(obj)


def latest_version_id(obj) -> int | None:
    return versions_of(obj).values_list("pk", flat=True).first()


# Text and diffs -------------------------------------------------------------------------

_WORDS = re.compile(r"\s+|[^\s]+")


def visible_text(value) -> str:
    """What a reader sees of a field: rich text as its sanitized visible words."""
    if value is None:
        return ""
    # Stored data a save let through is clean; anything else (lone surrogates, NUL) must not
    # break the page that shows it.
    text = _as_posted(str(value)).replace("\x00", "")
    if "<" in text:
        return html_to_text(sanitize_html(text))
    return text


def _as_posted(text: str) -> str:
    return text.encode("utf-8", "replace").decode("utf-8")


# An unchanged stretch this short between two changes is shown inside one change (deleted and
# inserted again), so that a rewritten sentence reads as what it was, then what it is, not
# as deleted and inserted words taking turns.
_GLUE = re.compile(r"\s*(?:[^\s]{1,3}\s*)?")


def diff_words(old: str, new: str) -> list[tuple[str, str]]:
    """(op, text) parts, op one of "same", "del", "ins": words and the spaces between.
    Consecutive changes are grouped into runs (all deleted words, then all inserted ones),
    across the spaces and the short words ("a", "on", "the") that separate them."""
    a, b = _WORDS.findall(old), _WORDS.findall(new)
    runs: list[list] = []  # ["same", text] or ["change", deleted, inserted]
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            runs.append(["same", "".join(a[i1:i2])])
        elif runs and runs[-1][0] == "change":
            runs[-1][1] += "".join(a[i1:i2])
            runs[-1][2] += "".join(b[j1:j2])
        else:
            runs.append(["change", "".join(a[i1:i2]), "".join(b[j1:j2])])
    grouped: list[list] = []
    for i, run in enumerate(runs):
        between_changes = (
            run[0] == "same"
            and 0 < i < len(runs) - 1
            and runs[i + 1][0] == "change"
            and _GLUE.fullmatch(run[1])
        )
        if run[0] == "change" and grouped and grouped[-1][0] == "change":
            grouped[-1][1] += run[1]
            grouped[-1][2] += run[2]
        elif between_changes and grouped and grouped[-1][0] == "change":
            grouped[-1][1] += run[1]
            grouped[-1][2] += run[1]
        else:
            grouped.append(list(run))
    parts: list[tuple[str, str]] = []
    for run in grouped:
        if run[0] == "same":
            parts.append(("same", run[1]))
            continue
        parts.extend((op, text) for op, text in (("del", run[1]), ("ins", run[2])) if text)
    return parts


# The admin ------------------------------------------------------------------------------


class RevisionAdmin:
    """For a ModelAdmin whose model is registered here. `revision_fields`: the content
    fields the diff shows and a restore brings back (never status, dates or the slug)."""

    revision_fields: tuple[str, ...] = ()

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method != "POST":
            return super().changeform_view(request, object_id, form_url, extra_context)
        # The outer transaction: the admin's own atomic block (save, inlines) is inside it,
        # and the revision is written before it commits.
        with reversion.create_revision():
            reversion.set_user(request.user)
            return super().changeform_view(request, object_id, form_url, extra_context)

    def log_addition(self, request, obj, message):
        self._revision_comment(message)
        return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        self._revision_comment(message)
        return super().log_change(request, obj, message)

    def _revision_comment(self, message) -> None:
        # The revision's note: what admin's History says ("Changed Body and Lead.").
        if reversion.is_active() and not reversion.get_comment():
            text = message if isinstance(message, str) else json.dumps(message)
            reversion.set_comment(LogEntry(change_message=text).get_change_message())

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "revisions_url": reverse(self._revision_url_name("list"), args=[object_id])
            if object_id and object_id.isdigit()
            else "",
        }
        return super().change_view(request, object_id, form_url, extra_context)

    @property
    def media(self):
        return super().media + forms.Media(js=["runnerhub/js/autosave.js"])

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        # Where the browser keeps this form's unsaved draft: per object and per user.
        opts = self.model._meta
        if self.has_change_permission(request, obj) if obj else self.has_add_permission(request):
            context["autosave_key"] = (
                f"runnerhub:draft:{request.user.pk}:{opts.label_lower}:{obj.pk if obj else 'new'}"
            )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            return super().get_form(request, obj, change, **kwargs)
        revisions_url = reverse(self._revision_url_name("list"), args=[obj.pk])
        base = kwargs.pop("form", self.form)

        class RevisionCheckedForm(base):
            revision_token = forms.CharField(widget=forms.HiddenInput, required=False)

            def __init__(self, *args, **kw):
                super().__init__(*args, **kw)
                if TOKEN_FIELD in self.fields and self.instance.pk:
                    self.initial[TOKEN_FIELD] = str(latest_version_id(self.instance) or "")

            def clean(self):
                cleaned = super().clean()
                # A post without the field at all (a script, a form from before this
                # existed) is not checked; the change form always sends it.
                sent = self.add_prefix(TOKEN_FIELD) in self.data
                if sent and TOKEN_FIELD in self.fields and self.instance.pk:
                    check_not_changed_meanwhile(self, revisions_url)
                return cleaned

        return super().get_form(request, obj, change, form=RevisionCheckedForm, **kwargs)

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path(
                "<id:object_id>/revisions/",
                wrap(self.revision_list_view),
                name=self._revision_url_name("list", namespaced=False),
            ),
            path(
                "<id:object_id>/revisions/<id:version_id>/",
                wrap(self.revision_diff_view),
                name=self._revision_url_name("diff", namespaced=False),
            ),
            path(
                "<id:object_id>/revisions/<id:version_id>/restore/",
                wrap(self.revision_restore_view),
                name=self._revision_url_name("restore", namespaced=False),
            ),
            *super().get_urls(),
        ]

    def _revision_url_name(self, what: str, *, namespaced: bool = True) -> str:
        opts = self.model._meta
        name = f"{opts.app_label}_{opts.model_name}_revision_{what}"
        return f"{self.admin_site.name}:{name}" if namespaced else name

    def _revision_object(self, request, object_id, *, change: bool = False):
        obj = self.get_object(request, unquote(str(object_id)))
        if obj is None:
            raise Http404
        allowed = (
            self.has_change_permission(request, obj)
            if change
            else self.has_view_or_change_permission(request, obj)
        )
        if not allowed:
            raise PermissionDenied
        return obj

    def _revision_version(self, obj, version_id):
        version = versions_of(obj).select_related("revision__user").filter(pk=version_id).first()
        if version is None:
            raise Http404
        return version

    def _revision_context(self, request, obj, **extra):
        opts = self.model._meta
        return {
            **self.admin_site.each_context(request),
            "opts": opts,
            "original": obj,
            "object": obj,
            "change_url": reverse(
                f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_change", args=[obj.pk]
            ),
            "list_url": reverse(self._revision_url_name("list"), args=[obj.pk]),
            "has_change_permission": self.has_change_permission(request, obj),
            **extra,
        }

    def revision_list_view(self, request, object_id):
        obj = self._revision_object(request, object_id)
        versions = list(
            versions_of(obj)
            .select_related("revision__user")
            .only("pk", "revision__date_created", "revision__comment", "revision__user")
        )
        rows = [
            {
                "version": v,
                "when": when(v.revision.date_created),
                "who": _who(v.revision.user),
                "comment": v.revision.get_comment(),
                "diff_url": reverse(self._revision_url_name("diff"), args=[obj.pk, v.pk]),
                "current": i == 0,
            }
            for i, v in enumerate(versions)
        ]
        context = self._revision_context(
            request, obj, title=_("Revisions of “%s”") % obj, rows=rows
        )
        return TemplateResponse(request, "admin/revisions/list.html", context)

    def revision_diff_view(self, request, object_id, version_id):
        obj = self._revision_object(request, object_id)
        version = self._revision_version(obj, version_id)
        context = self._revision_context(
            request,
            obj,
            title=_("Revision of %s against the current text")
            % when(version.revision.date_created),
            version=version,
            when=when(version.revision.date_created),
            who=_who(version.revision.user),
            fields=self._revision_diff(obj, version),
            restore_url=reverse(self._revision_url_name("restore"), args=[obj.pk, version.pk]),
        )
        return TemplateResponse(request, "admin/revisions/diff.html", context)

    def revision_restore_view(self, request, object_id, version_id):
        obj = self._revision_object(request, object_id, change=True)
        version = self._revision_version(obj, version_id)
        errors = []
        if request.method == "POST":
            form = self._revision_restore_form(obj, version)
            rows = self._revision_restore_rows(request, obj, version) if form else []
            rows_valid = all(row.is_valid() for _related, forms_ in rows for row in forms_)
            if form is None:
                errors = [_gettext("This revision can no longer be read.")]
            elif form.is_valid() and rows_valid:
                self._revision_save(request, form, rows, version)
                self.message_user(
                    request,
                    _("The revision of %s is restored, as a new revision.")
                    % when(version.revision.date_created),
                    messages.SUCCESS,
                )
                change_url = self._revision_context(request, obj)["change_url"]
                return HttpResponseRedirect(change_url)
            else:
                errors = [
                    f"{form.fields[name].label if name in form.fields else ''}: {message}"
                    for name, messages_ in form.errors.items()
                    for message in messages_
                ] + [
                    f"{related.label}: {message}"
                    for related, forms_ in rows
                    for row in forms_
                    for messages_ in row.errors.values()
                    for message in messages_
                ]
        context = self._revision_context(
            request,
            obj,
            title=_("Restore the revision of %s?") % when(version.revision.date_created),
            version=version,
            when=when(version.revision.date_created),
            who=_who(version.revision.user),
            fields=self._revision_diff(obj, version),
            errors=errors,
        )
        return TemplateResponse(request, "admin/revisions/restore.html", context)

    def _revision_restore_form(self, obj, version):
        """The admin's form for the content fields, bound to the revision's values, so that
        a restore is validated and sanitized exactly like a save typed in the form."""
        try:
            data = version.field_dict
        except RevertError:
            return None
        fields = [f for f in self.revision_fields if f in data]
        form_class = modelform_factory(self.model, form=self.form, fields=fields)
        # As a browser would post them: text that UTF-8 can carry (Django decodes a request
        # with errors replaced, so a form never sees a lone surrogate either).
        values = {
            name: "" if data[name] is None else _as_posted(str(data[name])) for name in fields
        }
        return form_class(data=values, instance=obj)

    def _revision_restore_rows(self, request, obj, version) -> list[tuple[Related, list]]:
        """For each relation a restore brings back (and the editor may add and delete rows
        of): a form per row of the revision, bound like the admin inline's would be."""
        found = []
        for related in _related.get(self.model, []):
            if not related.restore:
                continue
            model = _related_model(obj, related)
            opts = model._meta
            perms = [f"{opts.app_label}.{what}_{opts.model_name}" for what in ("add", "delete")]
            if not request.user.has_perms(perms):
                continue  # rows this editor cannot change stay as they are
            parent = next(
                f for f in opts.concrete_fields if f.is_relation and f.related_model is self.model
            )
            form_class = modelform_factory(model, fields=related.restore)
            forms_ = []
            for row in _revision_rows(obj, version, related):
                data = {}
                for name in related.restore:
                    value = getattr(row, opts.get_field(name).attname)
                    data[name] = "" if value is None else _as_posted(str(value))
                forms_.append(form_class(data=data, instance=model(**{parent.name: obj})))
            found.append((related, forms_))
        return found

    @transaction.atomic
    def _revision_save(self, request, form, rows, version) -> None:
        with reversion.create_revision(atomic=False):
            reversion.set_user(request.user)
            comment = _gettext("Restored the revision of %s.") % when(version.revision.date_created)
            reversion.set_comment(comment)
            # The rows first: the parent's revision, saved next, follows them as they are now.
            for related, forms_ in rows:
                getattr(form.instance, related.name).all().delete()
                for row in forms_:
                    row.save()
            obj = form.save(commit=False)
            self.save_model(request, obj, form, change=True)
            form.save_m2m()
            self.log_change(request, obj, [{"changed": {"fields": [comment]}}])

    def _revision_diff(self, obj, version) -> list[dict]:
        try:
            data = version.field_dict
        except RevertError:
            data = {}
        rows = []
        for name in self.revision_fields:
            if name not in data:
                continue
            old = visible_text(data[name])
            new = visible_text(getattr(obj, name))
            rows.append(_diff_row(self.model._meta.get_field(name).verbose_name, old, new))
        for related in _related.get(self.model, []):
            then = _revision_rows(obj, version, related)
            old = "\n".join(_describe(related, row) for row in then)
            new = "\n".join(_describe(related, row) for row in getattr(obj, related.name).all())
            rows.append(_diff_row(related.label, visible_text(old), visible_text(new)))
        return rows


def _related_model(obj, related: Related):
    return getattr(type(obj), related.name).rel.related_model


def _revision_rows(obj, version, related: Related) -> list:
    """The rows of `related` as `version`'s revision kept them (unsaved instances)."""
    content_type = ContentType.objects.get_for_model(_related_model(obj, related))
    rows = []
    for kept in version.revision.version_set.filter(content_type=content_type):
        try:
            row = kept._object_version.object
        except (RevertError, ObjectDoesNotExist, ValueError):
            continue  # a row the current schema cannot read
        if _belongs_to(row, obj):
            rows.append(row)
    return sorted(rows, key=_row_order)


def _describe(related: Related, row) -> str:
    try:
        return related.describe(row)
    except ObjectDoesNotExist:
        return _gettext("(deleted since)")


def _diff_row(label, old: str, new: str) -> dict:
    return {"label": label, "changed": old != new, "parts": diff_words(old, new)}


def _belongs_to(row, obj) -> bool:
    return any(
        getattr(row, f.attname, None) == obj.pk
        for f in row._meta.concrete_fields
        if f.is_relation and f.related_model is type(obj)
    )


def _row_order(row):
    return (getattr(row, "order", 0), row.pk or 0)


def _who(user) -> str:
    if user is None:
        return _gettext("(unknown)")
    return getattr(user, "public_name", "") or user.get_username()


def check_not_changed_meanwhile(form, revisions_url: str) -> None:
    """Refuse a save over a revision newer than the one the form was loaded from. The form
    (and so the editor's text) comes back with the error; its token is moved on, so saving
    again, after looking, is a deliberate overwrite."""
    model = type(form.instance)
    # Hold the row until this save commits, so two saves cannot both pass the check.
    list(model._default_manager.select_for_update().filter(pk=form.instance.pk).values("pk"))
    current = str(latest_version_id(form.instance) or "")
    sent = form.cleaned_data.get(TOKEN_FIELD) or ""
    if sent == current:
        return
    form.data = form.data.copy()
    form.data[form.add_prefix(TOKEN_FIELD)] = current
    if sent.isdigit():
        link = revisions_url + f"{sent}/"
        label = _("See what changed")
    else:
        link = revisions_url
        label = _("See its revisions")
    raise ValidationError(
        format_html(
            # A new tab: following the link must not leave the form and the text in it.
            '{} <a href="{}" target="_blank" rel="noopener">{}</a> ({}). {}',
            _("Someone else saved this meanwhile."),
            link,
            label,
            _("opens in a new tab"),
            _("Your text is still in the form below: save again to replace theirs with it."),
        ),
        code="changed_meanwhile",
    )

"""The rich-text editor of article and newsletter bodies: CKEditor 5 on a plain textarea.

The textarea is the form field; runnerhub/static/runnerhub/js/editor.js turns it into
CKEditor (our own build, runnerhub/static/runnerhub/editor/, see `make editor`) and keeps it
up to date. Everything the script needs comes from data attributes, so the page has no
inline script. Without JavaScript the textarea stays, holding HTML; either way the model
sanitizes the body on save (runnerhub/sanitize.py), so the editor is never trusted for safety.
"""

from django import forms
from django.conf import settings
from django.urls import reverse

from .images import ALLOWED_FORMATS


class RichTextEditor(forms.Textarea):
    template_name = "runnerhub/widgets/rich_text_editor.html"

    class Media:
        css = {
            "all": (
                "runnerhub/editor/ckeditor.css",
                # After CKEditor's own styles: the editing area looks like the public page.
                "runnerhub/css/admin.css",
            )
        }
        js = ("runnerhub/editor/ckeditor.js", "runnerhub/js/editor.js")

    def __init__(self, attrs=None):
        super().__init__({"class": "rich-text-editor", "rows": 20, **(attrs or {})})

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"].update(
            {
                "data-rich-text": "",
                # Uploads go through our own view: Pillow validation, renditions, staff only.
                "data-upload-url": reverse("editor_image_upload"),
                "data-image-types": " ".join(sorted(f.lower() for f in ALLOWED_FORMATS)),
                "data-csrf-cookie": settings.CSRF_COOKIE_NAME,
            }
        )
        return context

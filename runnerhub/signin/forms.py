from django import forms
from django.utils.translation import gettext_lazy as _


class CodeForm(forms.Form):
    """One code: six digits from the app, or (where `recovery` is on) a recovery code."""

    code = forms.CharField(max_length=40)

    def __init__(self, *args, recovery: bool = True, autofocus: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["code"]
        field.label = (
            _("Code from your app, or a recovery code") if recovery else _("Code from the app")
        )
        field.widget.attrs.update(
            autocomplete="one-time-code",
            autocapitalize="none",
            spellcheck="false",
            **({"autofocus": True} if autofocus else {}),
            **({} if recovery else {"inputmode": "numeric", "pattern": "[0-9 ]*"}),
        )

from django import forms
from django.db import models

from .validators import validate_deliverable_email


class HttpsURLField(models.URLField):
    """A URL field whose forms add https:// (not http://) to an address typed without one."""

    def formfield(self, **kwargs):
        return super().formfield(**{"assume_scheme": "https", **kwargs})


class DeliverableEmailField(forms.EmailField):
    """A form field for an address we will send email to: one validator checks the shape and
    then that a message can be addressed to it, so each problem gets one message."""

    default_validators = [validate_deliverable_email]

"""The newsletter admin's forms: an issue (with the scheduling rules), a subscriber, and the
CSV file of an import."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from runnerhub.validators import validate_deliverable_email, validate_rich_text
from runnerhub.widgets import RichTextEditor

from .. import csv_io
from ..models import Issue, Subscriber


class IssueAdminForm(forms.ModelForm):
    class Meta:
        model = Issue
        fields = "__all__"  # noqa: DJ007 - the admin's fieldsets choose the fields
        widgets = {"body": RichTextEditor}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "send_at" in self.fields:
            self.fields["send_at"].help_text = _(
                "When “Save and schedule” should send it (site time). Not needed to send now."
            )
        if "body" in self.fields and "_fill_week" in self.data:
            self.fields["body"].required = False  # the draft of the week fills it

    def clean_body(self):
        body = self.cleaned_data.get("body") or ""
        validate_rich_text(body)
        return body

    def moves_schedule(self) -> bool:
        """A scheduled issue saved with another "send at": its jobs must be booked again
        (unless the same save takes it back to draft or schedules it anyway)."""
        return (
            self.instance.pk is not None
            and self.instance.status == Issue.Status.SCHEDULED
            and "send_at" in self.fields
            and "send_at" in self.changed_data
            and not {"_unschedule", "_schedule"} & set(self.data)
        )

    def clean(self):
        cleaned = super().clean()
        if "send_at" not in self.fields:
            return cleaned
        send_at = cleaned.get("send_at")
        if "_schedule" in self.data:
            if not send_at:
                self.add_error("send_at", _("Choose when to send it, then schedule."))
            elif send_at <= timezone.now():
                self.add_error("send_at", self._past_error())
        elif self.moves_schedule() and "_send_now" not in self.data and "send_at" in cleaned:
            if not send_at:
                self.add_error(
                    "send_at",
                    forms.ValidationError(
                        _(
                            "This issue is scheduled, so it needs a time: choose a new one, "
                            "or take it back to draft first."
                        ),
                        code="required",
                    ),
                )
            elif send_at <= timezone.now():
                self.add_error("send_at", self._past_error())
        return cleaned

    @staticmethod
    def _past_error() -> forms.ValidationError:
        return forms.ValidationError(
            _("This time has passed: choose a time in the future, or send it now."),
            code="past",
        )


class SubscriberAdminForm(forms.ModelForm):
    class Meta:
        model = Subscriber
        fields = "__all__"  # noqa: DJ007 - the admin's fieldsets choose the fields

    def clean_email(self):
        email = self.cleaned_data["email"]
        validate_deliverable_email(email)
        return email


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("UTF-8, at most 5 MB, first line a header with at least an “email” column."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > csv_io.MAX_BYTES:
            raise forms.ValidationError(
                _("The file is too large: the limit is 5 MB. Split it into smaller files."),
                code="too_large",
            )
        data = upload.read()
        try:
            self.parsed = csv_io.parse(data)
        except csv_io.CSVFileError as error:
            raise forms.ValidationError(str(error), code="bad_file") from None
        self.data_bytes = data
        return upload

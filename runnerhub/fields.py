from django.db import models


class HttpsURLField(models.URLField):
    """A URL field whose forms add https:// (not http://) to an address typed without one."""

    def formfield(self, **kwargs):
        return super().formfield(**{"assume_scheme": "https", **kwargs})

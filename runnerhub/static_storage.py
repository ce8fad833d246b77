"""Static files in production: WhiteNoise's compressed, hashed-name storage, with each URL
looked up once per process.

Every `{% static %}` asks the storage for the file's hashed URL, and the manifest storage
works that out afresh each time (cleaning the name, splitting and unquoting it, reading the
manifest, joining the URL): a dozen of them a page cost a page-cache miss a few per cent of
its time. The manifest never changes while a process runs (collectstatic runs before it
starts), so the answer for a name never does either.
"""

from whitenoise.storage import CompressedManifestStaticFilesStorage

# Names come from our templates, so they are few; the bound only guards against a surprise.
URLS_KEPT = 2048


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._urls: dict[str, str] = {}

    def url(self, name, force=False):
        if force:
            return super().url(name, force=True)
        try:
            return self._urls[name]
        except KeyError:
            pass
        url = super().url(name)  # a name not in the manifest raises, and is not kept
        if len(self._urls) >= URLS_KEPT:
            self._urls.clear()
        self._urls[name] = url
        return url

    def load_manifest(self):
        # A manifest read again (collectstatic in this process) answers afresh.
        self._urls = {}
        return super().load_manifest()

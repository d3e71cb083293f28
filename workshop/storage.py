"""Static files as production serves them: whitenoise's hashed, compressed names, each URL worked out once."""

from whitenoise.storage import CompressedManifestStaticFilesStorage

KNOWN_URLS = 4096  # far more files than the site has; names come from templates, not requests


class ProgrammeStaticFilesStorage(CompressedManifestStaticFilesStorage):
    """The manifest is read when the process starts and changes only with a deploy, which restarts it; yet
    url() looks the name up, joins and quotes it again every time, about 30 µs for each of the five files
    every page links."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._urls = {}

    def url(self, name, force=False):
        if force:
            return super().url(name, force)
        try:
            return self._urls[name]
        except KeyError:
            url = super().url(name)
            if len(self._urls) < KNOWN_URLS:
                self._urls[name] = url
            return url

"""Links to other sites: http and https only, in the database and wherever the site prints one.

Fixtures loaded with plain loaddata skip validation, so a javascript:, data: or //host link can still be in a
row; pages and exports print a link only through http_url.
"""

from urllib.parse import urlsplit

from django.core.validators import URLValidator
from django.db import models

WEB_SCHEMES = ("http", "https")

validate_web_url = URLValidator(
    schemes=list(WEB_SCHEMES), message="Enter a valid URL. A link must start with http:// or https://."
)


class WebURLField(models.URLField):
    """A URLField that refuses every scheme but http and https (Django's also takes ftp), with one message."""

    default_validators = [validate_web_url]


def http_url(value):
    """value (trimmed) if it is an http or https URL with a host, else "".

    urlsplit drops what browsers drop too (leading spaces and controls, tabs and line breaks anywhere), so
    " JavaScript:…" and "java\\tscript:…" are read with the scheme a browser would see.
    """
    if not isinstance(value, str):
        return ""
    value = value.strip()
    try:
        parts = urlsplit(value)
    except ValueError:  # a malformed host, such as an unclosed "["
        return ""
    return value if parts.scheme in WEB_SCHEMES and parts.hostname else ""

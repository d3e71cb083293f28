"""Logging filters (LOGGING in settings.py)."""

import logging


class ClientErrorsInOneLine(logging.Filter):
    """A refused request (a CSRF failure, a permission denied: any 4xx) is logged as its one-line message.
    Django attaches the exception it turned into the response, whose traceback says only where Django caught
    it, and fifty such lines per refusal bury the server errors (5xx), which keep theirs."""

    def filter(self, record):
        if getattr(record, "status_code", 500) < 500:
            record.exc_info = None
            record.exc_text = None
        return True

"""Answers for requests that would otherwise end in a server error.

PostgreSQL refuses strings with a NUL character, so a NUL in a cookie, a header or a parameter would
otherwise surface as a server error wherever that value is stored or looked up (the session table, the
login-attempt log): such requests are answered 400 before they reach the database. And while the database
restarts or fails over, pages say so with a 503 and when to try again, instead of a 500.
"""

import logging

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseBadRequest
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)
RETRY_AFTER_SECONDS = 5

NUL = "\x00"
# Login attempts are logged with the username given; longer than any account can have, it is not one.
LONGEST_USERNAME = 150


def carries_nul(request):
    if any(NUL in key or NUL in value for key, value in request.COOKIES.items()):
        return True
    if any(NUL in str(value) for value in request.headers.values()):
        return True
    for data in (request.GET, request.POST if request.method == "POST" else {}):
        if any(NUL in key or any(NUL in value for value in data.getlist(key)) for key in data):
            return True
    return False


class RefuseMeaninglessRequestsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if carries_nul(request):
            return HttpResponseBadRequest("A NUL character has no place in a request.", content_type="text/plain")
        if request.method == "POST" and len(request.POST.get("username", "")) > LONGEST_USERNAME:
            return HttpResponseBadRequest("No account has a username that long.", content_type="text/plain")
        return self.get_response(request)


class DatabaseUnavailableMiddleware:
    """A view that cannot reach the database (refused, dropped or closed connection, a deadlock) gets a 503
    with Retry-After; load balancers and browsers know to come back. Other database errors stay 500s."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, (OperationalError, InterfaceError)):
            return None
        logger.warning("database unavailable for %s %s: %s", request.method, request.path, exception)
        response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        response["Cache-Control"] = "no-store"
        return response

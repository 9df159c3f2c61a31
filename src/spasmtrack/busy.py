"""A write the server cannot take right now is a 503 with Retry-After, never a 500.

SQLite has one writer at a time. A long import or restore holds the write lock for its whole
transaction (all or nothing); a request that wants to write meanwhile waits `busy_timeout`
(settings) and then gets `OperationalError: database is locked`. That is not a bug in the
request: it is "busy, try again", so the person (or the phone's offline queue) retries.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string

RETRY_AFTER_SECONDS = 5
MESSAGE = (
    "The diary is busy (an import or restore is writing); nothing was saved. "
    "Try again in a few seconds."
)
_BUSY = ("database is locked", "database table is locked", "database is busy")


def is_busy(exc: BaseException) -> bool:
    return isinstance(exc, OperationalError) and str(exc).startswith(_BUSY)


def busy_response(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse({"detail": MESSAGE}, status=503)
    else:
        html = render_to_string("busy.html", {"message": MESSAGE}, request=request)
        response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class DatabaseBusyMiddleware:
    """Turns "database is locked" from any view (pages and API) into a 503 with Retry-After."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exc: Exception) -> HttpResponse | None:
        return busy_response(request) if is_busy(exc) else None


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: a lock met outside a view (a middleware saving the session) is a 503 too."""
    import sys

    exc = sys.exc_info()[1]
    if exc is not None and is_busy(exc):
        return busy_response(request)
    from django.views.defaults import server_error as default

    return default(request)

from __future__ import annotations

from django.contrib.auth.models import User
from django.http import HttpRequest

from spasmtrack.accounts.models import Person


class AuthenticatedHttpRequest(HttpRequest):
    """A request that passed @login_required: `user` is a real account."""

    user: User


def person_of(request: AuthenticatedHttpRequest) -> Person:
    """The signed-in person: loaded once per request by PersonTimezoneMiddleware (which sets
    `request.person`), or looked up when a view runs without that middleware."""
    person = getattr(request, "person", None)
    return person if person is not None else Person.objects.for_user(request.user)


class ApiRequest(HttpRequest):
    """A request past the JSON API's authentication (spasmtrack.api): ninja sets `auth` to the
    Person that TokenAuth or PersonSessionAuth returned."""

    auth: Person


def is_htmx(request: HttpRequest) -> bool:
    """The request comes from htmx (`HX-Request` header): answer with a fragment, not a page."""
    return bool(request.headers.get("HX-Request"))

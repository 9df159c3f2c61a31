from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

OPEN_PREFIXES = ("/setup/", "/static/", "/healthz", "/api/")


class FirstRunMiddleware:
    """Until the first account exists, every page leads to the set-up page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.has_account = False

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not self.has_account and not request.path.startswith(OPEN_PREFIXES):
            # Cache only the positive answer: accounts are never all deleted in normal use.
            self.has_account = User.objects.exists()
            if not self.has_account:
                return redirect("accounts:setup")
        return self.get_response(request)


class PersonTimezoneMiddleware:
    """Show and read times in the signed-in person's own zone (storage stays UTC)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.utils import timezone

        from spasmtrack.accounts.models import Person

        if request.user.is_authenticated:
            person = Person.objects.for_user(request.user)
            request.person = person  # type: ignore[attr-defined]
            timezone.activate(person.zone)
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()

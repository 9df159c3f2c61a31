from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect

# The installable app's files (spasmtrack.pwa) hold nobody's data and are open to all.
PWA_FILES = ("/manifest.webmanifest", "/sw.js", "/offline/", "/favicon.ico")
# /https/: a phone must be able to trust the local CA (serve --https) before setting up.
OPEN_PREFIXES = ("/setup/", "/static/", "/healthz", "/api/", "/https/", *PWA_FILES)
# Reachable before the second factor is confirmed: the TOTP pages themselves and signing out.
SECOND_FACTOR_OPEN = ("/accounts/2fa/", "/accounts/logout/", "/static/", "/healthz", *PWA_FILES)


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


class SecondFactorMiddleware:
    """A session that needs a second factor (clinicians and admins under
    REQUIRE_TOTP_FOR_STAFF, or anyone who turned TOTP on) counts only once a TOTP code was
    confirmed (django-otp's `is_verified`). Until then pages lead to the TOTP page and session
    API calls get 403. Runs after PersonTimezoneMiddleware (it needs `request.person`).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from spasmtrack.accounts.totp import needs_second_factor

        person = getattr(request, "person", None)
        if (
            person is not None
            and needs_second_factor(request, person)
            and not request.path.startswith(SECOND_FACTOR_OPEN)
            and not request.user.is_verified()  # type: ignore[union-attr]
        ):
            if not request.path.startswith("/api/"):
                return redirect(f"/accounts/2fa/?next={request.path}")
            # Only a valid bearer token stands on its own; any other header (junk, a revoked
            # token, another scheme) would let the API fall back to this unverified session.
            if not valid_bearer(request):
                return JsonResponse({"detail": "Second factor required"}, status=403)
        return self.get_response(request)


def valid_bearer(request: HttpRequest) -> bool:
    """Whether the request carries `Authorization: Bearer <a live personal access token>`."""
    from spasmtrack.accounts.http import token_person

    scheme, _, secret = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
    return scheme.lower() == "bearer" and bool(secret) and token_person(secret) is not None

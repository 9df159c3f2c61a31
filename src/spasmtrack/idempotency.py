"""Idempotent creates: `POST /api/…` with an `Idempotency-Key` header runs at most once.

A client (the phone's outbox sends each entry's own UUID) may retry a create whose answer
it never received. The first successful (2xx) answer is stored with the key, per person,
in the same transaction as the rows the request created; the same key again returns that
answer (same status and body, plus `Idempotent-Replayed: true`) and writes nothing. The key
is scoped to the person: another person's identical key is unrelated. A key reused for a
different path or body is a 422, never a silent replay of something else. Answers that
are not 2xx are not stored (the client may fix the request and retry with the same key),
and whatever such a request wrote is rolled back.

The pages' own log forms take the same key when the phone's outbox (static/js/outbox.js)
sends them with `X-Outbox: 1`, so an entry is validated by one form whether it was saved at
once or sent later. Such a post gets a short JSON answer instead of a page: 200
`{"saved": true, "redirect": URL}` where the form would have redirected (saved), 422 with the
page's HTML where the form was shown again (refused: errors, or a question to answer), 200
`{"saved": true, "html": FRAGMENT}` from a view that marks its htmx fragment as saved, and 401
when nobody is signed in (instead of the sign-in redirect, which would lose the entry).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.timezone import now

if TYPE_CHECKING:
    from spasmtrack.accounts.models import IdempotentRequest, Person

HEADER = "Idempotency-Key"
OUTBOX_HEADER = "X-Outbox"
# Set by a view that answers htmx with a fragment whether it saved or not, when it saved.
SAVED_FRAGMENT_HEADER = "X-Outbox-Saved"
KEY_RE = re.compile(r"[\x21-\x7e]{1,100}")  # visible ASCII; a UUID is best
KEEP = timedelta(days=90)  # a retry later than this may create a second row
# Creates whose answer holds a secret shown once and stored nowhere (a share link's token):
# storing the answer for a replay would store the secret, so a key is refused there.
SECRET_ANSWERS = frozenset({"/api/sharing/links"})


def _error(msg: str) -> JsonResponse:
    detail = [{"loc": ["header", HEADER], "msg": msg, "type": "value_error"}]
    return JsonResponse({"detail": detail}, status=422)


def _person(request: HttpRequest) -> Person | None:
    """Who the API will act for: a valid bearer token's person, else the session's."""
    from spasmtrack.accounts.http import token_person

    scheme, _, secret = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
    if scheme.lower() == "bearer" and secret:
        person = token_person(secret)
        remember_token_person(request, secret, person)
        return person
    return getattr(request, "person", None)


def remember_token_person(request: HttpRequest, secret: str, person: Person | None) -> None:
    """Keep the token's person for this request, so the API's TokenAuth (which reads the
    same header a moment later) does not look it up a second time."""
    request._token_person = (secret, person)  # type: ignore[attr-defined]


def remembered_token_person(request: HttpRequest, secret: str) -> tuple[bool, Person | None]:
    """(True, person) when this request's token was already looked up, else (False, None)."""
    found = getattr(request, "_token_person", None)
    if found is not None and found[0] == secret:
        return True, found[1]
    return False, None


class IdempotencyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        key = request.headers.get(HEADER)
        get_response = self.get_response
        if request.method != "POST":
            return get_response(request)
        page = not request.path.startswith("/api/")
        if page and not request.user.is_authenticated and request.headers.get("HX-Request"):
            # htmx would put the sign-in page where the answer goes; a 401 leaves the form
            # (and what was typed) as it is, and the outbox offers to keep it.
            return JsonResponse({"detail": "Not signed in"}, status=401)
        if page and request.headers.get(OUTBOX_HEADER) == "1":
            if not request.user.is_authenticated:
                return JsonResponse({"detail": "Not signed in"}, status=401)
            get_response = self._form_answer
            if key is None:
                return get_response(request)
        elif key is None or not request.path.startswith("/api/"):
            return get_response(request)
        if not KEY_RE.fullmatch(key):
            return _error("must be 1 to 100 visible ASCII characters (a UUID is best)")
        if request.path in SECRET_ANSWERS:
            return _error(
                "not accepted here: the answer holds a secret that is never stored, so it "
                "cannot be replayed (send the request without this header)"
            )
        person = _person(request)
        if person is None:  # the API answers 401/403 itself
            return get_response(request)
        body_sha = hashlib.sha256(request.body).hexdigest()
        try:
            with transaction.atomic():
                found = self._find(person, key)
                if found is not None:
                    return self._replay(found, request.path, body_sha)
                response = get_response(request)
                if not 200 <= response.status_code < 300 or response.streaming:
                    transaction.set_rollback(True)  # nothing half-done stays behind
                    return response
                self._store(person, key, request.path, body_sha, response)
                return response
        except IntegrityError:
            # A concurrent request with the same key committed first: answer as it did.
            found = self._find(person, key)
            if found is None:
                raise
            return self._replay(found, request.path, body_sha)

    def _form_answer(self, request: HttpRequest) -> HttpResponse:
        """A log form's answer, for the outbox: saved (it redirected), refused (it showed the
        form again) or anything else as it was (403 CSRF, 404, 503 busy, …)."""
        response = self.get_response(request)
        answer: HttpResponse
        if response.status_code in (301, 302, 303):
            location = response["Location"]
            if location.startswith((str(settings.LOGIN_URL), "/accounts/2fa/")):
                answer = JsonResponse({"detail": "Not signed in"}, status=401)
            else:
                answer = JsonResponse({"saved": True, "redirect": location})
        elif response.status_code == 200 and response.has_header(SAVED_FRAGMENT_HEADER):
            answer = JsonResponse({"saved": True, "html": response.content.decode()})
        elif response.status_code == 200 and not response.streaming:
            answer = HttpResponse(
                response.content, status=422, content_type=response.get("Content-Type")
            )
        else:
            return response
        answer.cookies = response.cookies
        return answer

    @staticmethod
    def _find(person: Person, key: str) -> IdempotentRequest | None:
        from spasmtrack.accounts.models import IdempotentRequest

        return IdempotentRequest.objects.filter(person=person, key=key).first()

    @staticmethod
    def _store(person: Person, key: str, path: str, body_sha: str, response: HttpResponse) -> None:
        from spasmtrack.accounts.models import IdempotentRequest

        IdempotentRequest.objects.filter(person=person, created__lt=now() - KEEP).delete()
        IdempotentRequest.objects.create(
            person=person,
            key=key,
            path=path[:300],
            body_sha256=body_sha,
            status=response.status_code,
            content_type=response.get("Content-Type", "application/json")[:100],
            response=response.content,
            etag=response.get("ETag", "")[:40],
        )

    @staticmethod
    def _replay(found: IdempotentRequest, path: str, body_sha: str) -> HttpResponse:
        if found.path != path:
            return _error(f"this key was already used for POST {found.path}")
        if found.body_sha256 != body_sha:
            return _error("this key was already used with a different body")
        r = HttpResponse(
            bytes(found.response),
            status=found.status,
            content_type=found.content_type,
        )
        if found.etag:
            r["ETag"] = found.etag
        r["Idempotent-Replayed"] = "true"
        return r

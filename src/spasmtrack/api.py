"""The JSON API root: authentication, error shapes, and each app's router under /api/."""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from functools import wraps
from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from ninja import NinjaAPI
from ninja.openapi.docs import Swagger, _csrf_needed
from ninja.renderers import JSONRenderer
from ninja.security import HttpBearer, SessionAuth
from pydantic import ValidationError

from spasmtrack.accounts.http import token_person
from spasmtrack.accounts.models import Person
from spasmtrack.accounts.totp import needs_second_factor
from spasmtrack.diary.api import router as diary_router
from spasmtrack.diary.entries import EntryError
from spasmtrack.features import FEATURE_APPS  # each brings a `router` under /api/
from spasmtrack.idempotency import remembered_token_person


class TokenAuth(HttpBearer):
    """`Authorization: Bearer st_…` personal access token; attaches the person."""

    def authenticate(self, request: HttpRequest, token: str) -> Person | None:
        known, person = remembered_token_person(request, token)
        return person if known else token_person(token)


class PersonSessionAuth(SessionAuth):
    """The browser session (CSRF-checked on writes by ninja); attaches the person."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Person | None:
        user = super().authenticate(request, key)
        if not user:
            return None
        person = Person.objects.for_user(user)
        # Also refused by SecondFactorMiddleware; kept here so no route can skip the check.
        if needs_second_factor(request, person) and not getattr(user, "is_verified", bool)():
            return None
        return person


def docs_access(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """With PRODUCTION, the docs and the schema are for signed-in people only (a bearer token
    does not count: a browser reads the docs), unless PUBLIC_API_DOCS=true."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        closed = settings.PRODUCTION and not settings.PUBLIC_API_DOCS
        if closed and not request.user.is_authenticated:
            if request.path.endswith(".json"):
                return JsonResponse({"detail": "Sign in to read the API schema"}, status=401)
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapped


def _finite(value: Any) -> Any:
    """NaN and ±Infinity are not JSON: an undefined number goes out as null."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    return value


class FiniteJSONRenderer(JSONRenderer):
    """ninja's renderer, refusing to write NaN/Infinity (strict JSON, RFC 8259)."""

    def render(self, request: HttpRequest, data: Any, *, response_status: int) -> Any:
        try:  # almost every response has no NaN: walk the data only for those that do
            return json.dumps(data, cls=self.encoder_class, allow_nan=False)
        except ValueError:
            return json.dumps(_finite(data), cls=self.encoder_class, allow_nan=False)


ERROR_SCHEMA = {
    "type": "object",
    "properties": {
        "detail": {
            "anyOf": [
                {"type": "string"},
                {"type": "array", "items": {"type": "object", "additionalProperties": True}},
            ]
        }
    },
    "required": ["detail"],
}
# The refusals every operation can give, documented once for all (what the handlers document
# themselves, e.g. 409 on a stale PATCH, is kept).
ERRORS = {
    "400": "the body is not valid JSON",
    "401": "not signed in, or the token is unknown",
    "403": "the second factor is still owed, or the role may not do this",
    "404": "no such object of yours (another person's id looks the same)",
    "422": "invalid input: `detail` lists each field with a message; nothing was written",
    "503": "the database is busy (e.g. SQLite during a long import): retry after `Retry-After`",
}


def document_errors(doc: dict[str, Any]) -> dict[str, Any]:
    doc.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    ref = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for ops in doc.get("paths", {}).values():
        for method, op in ops.items():
            codes = ["422", "404"]
            if op.get("security"):
                codes += ["401", "403"]
            if method in ("post", "put", "patch"):
                codes += ["400", "503"]
            for code in codes:
                op["responses"].setdefault(code, {"description": ERRORS[code], "content": ref})
    return doc


class LocalSwagger(Swagger):
    """Swagger UI from the files served here (settings.NINJA_DIR), never from a CDN. Ninja
    renders its local template only when "ninja" is an installed app, which is left out so
    that `django.setup()` does not import ninja and pydantic."""

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        self.settings["url"] = self.get_openapi_url(api, kwargs)
        context = {
            "swagger_settings": json.dumps(self.settings, indent=1),
            "api": api,
            "add_csrf": _csrf_needed(api),
        }
        return render(request, self.template, context)


class SpasmtrackAPI(NinjaAPI):
    def get_openapi_schema(self, **kw: Any) -> Any:
        return document_errors(super().get_openapi_schema(**kw))


api = SpasmtrackAPI(
    title="Spasmtrack API",
    docs=LocalSwagger(),
    docs_decorator=docs_access,
    version="1",
    description="Every operation acts on the signed-in person's own data only.",
    auth=[TokenAuth(), PersonSessionAuth()],
    urls_namespace="api",
    renderer=FiniteJSONRenderer(),
)
api.add_router("/", diary_router)
for _app in FEATURE_APPS:
    api.add_router("/", import_module(f"spasmtrack.{_app}.api").router)


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    detail = [
        {"loc": ["body", *map(str, e["loc"])], "msg": e["msg"], "type": e["type"]}
        for e in exc.errors(include_url=False)
    ]
    return api.create_response(request, {"detail": detail}, status=422)


@api.exception_handler(EntryError)
def entry_error(request: HttpRequest, exc: EntryError) -> HttpResponse:
    detail: list[dict[str, Any]] = [
        {"loc": ["body", exc.field], "msg": exc.message, "type": "value_error"}
    ]
    return api.create_response(request, {"detail": detail}, status=422)

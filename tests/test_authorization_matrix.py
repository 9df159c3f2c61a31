"""Every URL pattern and every API operation, requested as six people, against stated rules.

Endpoints are enumerated from the URL resolver and /api/openapi.json, so an endpoint added
later is covered automatically. Each is classified by a rule, or the test fails listing it:

- PUBLIC (allow-list of URL names): no sign-in needed; never a 5xx.
- CLINICIAN_LIST (`clinic:patients`): anonymous → login; patients → 403; every clinician → 200,
  and only the clinician with A's grant sees A listed.
- CLINIC (the `clinic:` namespace with a `patient` parameter, and /api/clinic/patients/{patient}/…):
  anonymous → login / 401; patients A and B, a clinician without a grant and one whose grant
  was revoked → 404 (API writes: 404, or 422 when the empty test body fails validation before
  any lookup); the clinician with A's grant → 2xx.
- PERSONAL (any other page served by a `spasmtrack.*` view, and any API operation that declares
  authentication in the OpenAPI document): anonymous → redirect to login / 401; A → not
  refused (no 401/403/login redirect, no 5xx); everybody else (B, and every clinician, who acts
  as a person with an own diary here) → never sees A's marker text or A's object codes, and
  gets 404 (or 405/422 before any lookup) where the path names one of A's objects.
Anything else (a third-party page, an API operation without declared auth) is UNCLASSIFIED.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth.models import User
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from spasmtrack.accounts.models import ApiToken, Person
from spasmtrack.clinic import services
from spasmtrack.cycle.services import log_period_day, set_enabled
from spasmtrack.diary.entries import RESOURCES, create_entry
from spasmtrack.features import FEATURE_APPS
from spasmtrack.test import BaseTestCase
from tests.trials.helpers import past_trial

MARKER = "ALICE-PRIVATE-7c1e"
PUBLIC_PAGES = {
    "healthz",
    "accounts:setup",
    "interop:first_run_restore",  # like setup: open until the first account exists
    "reminders:https",  # how to trust the local CA: the phone needs it before signing in
    "reminders:ca_certificate",  # a CA certificate is public (no key in it)
    "accounts:login",
    "accounts:logout",
    "api:openapi-json",
    "api:openapi-view",
    "api:api-root",
    # The installable app's files: no one's data (spasmtrack.pwa).
    "pwa:manifest",
    "pwa:service_worker",
    "pwa:offline",
    "pwa:favicon",
    "sharing:open",  # a share link: the token in the path is the credential
    "sharing:open_report",
}
# Values for path parameters that are not one of A's object codes.
PARAM_HINTS = {"fmt": "json", "resource": "muscle-events", "kind": "spasm", "item": "x"}
# A goes last: A may delete its own object (DELETE as A), which would hide a leak to others.
ACTORS = ("anon", "B", "doc", "nodoc", "revoked", "A")


@dataclass(frozen=True)
class Endpoint:
    kind: str  # page | api
    method: str
    route: str  # the pattern, for messages
    name: str  # URL name or operation id
    module: str  # module of the view function
    params: tuple[str, ...]
    secured: bool = True


def _walk(patterns: list[Any], prefix: str = "", ns: str = "") -> Iterator[tuple[str, str, Any]]:
    for p in patterns:
        if isinstance(p, URLResolver):
            sub = f"{ns}{p.namespace}:" if p.namespace else ns
            yield from _walk(p.url_patterns, prefix + str(p.pattern), sub)
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), f"{ns}{p.name}" if p.name else "", p


def pages() -> list[Endpoint]:
    out = []
    for route, name, p in _walk(get_resolver().url_patterns):
        if (
            route.startswith("api/")
            and not name.startswith("api:openapi")
            and name != "api:api-root"
        ):
            continue  # ninja operations come from the OpenAPI document instead
        cb = p.callback
        module = getattr(cb, "__module__", "") or ""
        params = tuple(p.pattern.converters) if hasattr(p.pattern, "converters") else ()
        out.append(Endpoint("page", "GET", route, name, module, params))
    return out


def api_operations(client: Client) -> list[Endpoint]:
    doc = client.get("/api/openapi.json").json()
    out = []
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            params = tuple(p["name"] for p in op.get("parameters", []) if p["in"] == "path")
            # An app's router is tagged with the app's name: the app whose objects fill the
            # path when the path does not name the app (/api/period-days/{code}).
            tags = op.get("tags") or [""]
            out.append(
                Endpoint(
                    "api",
                    method.upper(),
                    path,
                    op.get("operationId", ""),
                    f"spasmtrack.{tags[0]}.api" if tags[0] in FEATURE_APPS else "",
                    params,
                    secured=bool(op.get("security")),
                )
            )
    return out


def classify(e: Endpoint) -> str | None:
    if e.kind == "page":
        if e.name in PUBLIC_PAGES:
            return "public"
        if e.name == "clinic:patients":
            return "clinician_list"
        if e.name.startswith("clinic:") and "patient" in e.params:
            return "clinic"
        if e.module.startswith("spasmtrack.") and e.name:
            return "personal"
        return None
    if not e.secured:
        return None
    if e.route.startswith("/api/clinic/patients/{patient}"):
        return "clinic"
    return "personal"


@pytest.mark.slow  # ~12 s: about 800 requests
class AuthorizationMatrixTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.doc = self._clinician("doc")
        self.nodoc = self._clinician("nodoc")
        self.revoked = self._clinician("revoked")
        services.give_grant(self.alice, self.doc, "record", None)
        g = services.give_grant(self.alice, self.revoked, "record", None)
        services.revoke_grant(self.alice, g.code)
        self.a_codes = self._alice_diary()
        past_trial(self.alice, self.heat)  # so experiment paths name a real object of A
        set_enabled(self.alice, True)  # Today and Settings show A's cycle
        log_period_day(self.alice, self.alice.today())  # so period-day paths name A's
        self.a_saw_marker = False
        self.tokens = {"A": self.alice_token, "B": self.charlie_token}
        self.users = {"A": self.alice_user, "B": self.charlie_user}
        for name in ("doc", "nodoc", "revoked"):
            person = getattr(self, name)
            self.tokens[name] = ApiToken.issue(person, "t")[1]
            self.users[name] = person.user

    def _clinician(self, name: str) -> Person:
        user = User.objects.create_user(name, password="password")
        return Person.objects.create(user=user, role=Person.Role.CLINICIAN)

    def _alice_diary(self) -> dict[str, str]:
        """One entry of every diary kind for A (its descriptor's sample), each carrying MARKER;
        codes by resource."""
        codes = {}
        for name, res in RESOURCES.items():
            entry = create_entry(self.alice, res, {**res.sample, "notes": MARKER})
            codes[name] = str(entry.code)
        return codes

    # --- filling paths -------------------------------------------------------------------

    def _object_of_a(self, app_label: str, hint: str) -> str | None:
        """A's object for a path: a diary resource named in the path, else any object of A in
        the view's app (models with `code` and `person`)."""
        for name, code in self.a_codes.items():
            if name in hint:
                return code
        # An app named in the path (e.g. clinic/<patient>/trials/<code>/) comes first.
        labels = [a for a in FEATURE_APPS if f"/{a}/" in f"/{hint}"] + [app_label]
        models = []
        for label in labels:
            try:
                models += list(apps.get_app_config(label).get_models())
            except LookupError:
                continue
        for model in models:
            fields = {f.name for f in model._meta.get_fields()}
            if {"code", "person"} <= fields:
                obj = model._default_manager.filter(person=self.alice).first()
                if obj is not None:
                    return str(obj.code)
        return None

    def _fill(self, e: Endpoint) -> tuple[str, bool]:
        """The concrete path, and whether it names one of A's objects."""
        app_label = e.module.split(".")[1] if e.module.startswith("spasmtrack.") else ""
        if e.kind == "api" and not e.module:
            app_label = e.route.split("/")[2] if e.route.count("/") > 1 else ""
        path = "/" + e.route if e.kind == "page" else e.route
        names_a = False
        for param in e.params:
            if param == "patient":
                value = str(self.alice.code)
                names_a = True
            elif param == "code" or self._is_uuid(e, param):
                value = self._object_of_a(app_label, e.route) or str(uuid.uuid4())
                names_a = names_a or self._owned_by_a(value)
            else:
                value = PARAM_HINTS.get(param, "x")
            path = self._substitute(path, param, value)
        return path, names_a

    def _owned_by_a(self, value: str) -> bool:
        return (
            value in self.a_codes.values()
            or value == str(self.alice.code)
            or any(
                value == str(obj.code)
                for model in apps.get_models()
                if {"code", "person"} <= {f.name for f in model._meta.get_fields()}
                for obj in model._default_manager.filter(person=self.alice, code=value)
            )
        )

    @staticmethod
    def _is_uuid(e: Endpoint, param: str) -> bool:
        return f"<uuid:{param}>" in e.route

    @staticmethod
    def _substitute(path: str, param: str, value: str) -> str:
        return re.sub(rf"<(?:\w+:)?{param}>|\{{{param}\}}", value, path)

    # --- requests --------------------------------------------------------------------------

    def _request(self, e: Endpoint, path: str, actor: str) -> Any:
        client = Client()
        extra: dict[str, str] = {}
        if e.kind == "page":
            if actor != "anon":
                client.force_login(self.users[actor])
            return client.get(path)
        if actor != "anon":
            extra["HTTP_AUTHORIZATION"] = f"Bearer {self.tokens[actor]}"
        body = json.dumps({}) if e.method in ("POST", "PUT", "PATCH") else None
        return client.generic(e.method, path, body or "", "application/json", **extra)

    def _check(self, e: Endpoint, rule: str) -> list[str]:
        path, names_a = self._fill(e)
        problems = []
        for actor in ACTORS:
            r = self._request(e, path, actor)
            status = r.status_code
            body = r.content.decode(errors="replace") if not r.streaming else ""
            login = status == 302 and r["Location"].startswith("/accounts/login/")
            where = f"{e.method} {path} as {actor}: {status}"
            if status >= 500:
                problems.append(f"{where} (server error)")
                continue
            if rule == "public":
                continue
            if actor == "anon":
                expected_anon = login if e.kind == "page" else status == 401
                if not expected_anon:
                    problems.append(f"{where} (anonymous must be sent to sign in / 401)")
                continue
            if rule == "clinician_list":
                if actor in ("A", "B"):
                    ok = status == 403
                else:  # every clinician gets a list; only the granted one lists A
                    ok = status == 200 and (("alice" in body) == (actor == "doc"))
                if not ok:
                    problems.append(f"{where} (clinician list rule)")
                continue
            if rule == "clinic":
                # A write with the empty test body is refused by validation (422) before any
                # lookup; writes with valid bodies are covered in tests/clinic/test_access.py.
                refused = (404, 422) if e.method != "GET" else (404,)
                ok = (
                    200 <= status < 300 or status in (302, 422)
                    if actor == "doc"
                    else status in refused
                )
                if not ok:
                    problems.append(f"{where} (clinic rule)")
                continue
            if actor == "A":
                self.a_saw_marker |= MARKER in body
                if status in (401, 403) or login:
                    problems.append(f"{where} (A refused on own data)")
                continue
            leaked = [m for m in (MARKER, *self.a_codes.values()) if m in body]
            if leaked:
                problems.append(f"{where} (shows A's data: {leaked[0]})")
            if names_a and status not in (404, 405, 422, 403):
                problems.append(f"{where} (A's object reachable)")
        return problems

    def test_it_covers_every_endpoint_with_a_rule(self) -> None:
        endpoints = pages() + api_operations(self.client)
        unclassified = [f"{e.method} {e.route} ({e.name})" for e in endpoints if not classify(e)]
        self.assertEqual(unclassified, [], "classify these endpoints in the matrix")
        # A path that does not name its app is filled from the app's router tag, so it names
        # one of A's objects (and B must get a 404 for it). Checked before A deletes its own.
        period = next(e for e in endpoints if e.route == "/api/period-days/{code}")
        self.assertTrue(self._fill(period)[1])
        problems: list[str] = []
        for e in endpoints:
            problems += self._check(e, classify(e) or "")
        self.assertEqual(problems, [], "\n".join(problems))
        # The rules are not vacuous: A sees the marker where B must not.
        self.assertTrue(self.a_saw_marker)
        self.assertGreater(len(endpoints), 60)

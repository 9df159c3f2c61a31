"""A session that still owes its second factor reaches no API route, whatever headers it sends.

Operations come from /api/openapi.json, so a route added later is covered automatically.
Only a valid bearer token stands on its own (it is a separate credential, see docs/deploy.md).
"""

from __future__ import annotations

import json
import re
import uuid

from django.test import Client, override_settings
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.clinic.base import ClinicTestCase

# None: no header at all. The rest: junk, another scheme, a token that does not exist.
JUNK_HEADERS = (None, "x", "Bearer", "Bearer ", "Bearer st_not_a_token", "Basic YTpi", "Token t")


@override_settings(REQUIRE_TOTP_FOR_STAFF=True)
class SecondFactorApiTestCase(ClinicTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.grant()  # doc may read alice's diary: the bypass would show it

    def _operations(self) -> list[tuple[str, str]]:
        doc = Client().get("/api/openapi.json").json()
        out = []
        for path, ops in doc["paths"].items():
            for method, op in ops.items():
                if not op.get("security"):
                    continue
                concrete = re.sub(r"\{patient\}", str(self.alice.code), path)
                concrete = re.sub(r"\{\w+\}", str(uuid.uuid4()), concrete)
                out.append((method.upper(), concrete))
        return out

    def _refusals(self, client: Client) -> list[str]:
        problems = []
        for method, path in self._operations():
            for header in JUNK_HEADERS:
                extra = {"HTTP_AUTHORIZATION": header} if header is not None else {}
                body = json.dumps({}) if method in ("POST", "PUT", "PATCH") else ""
                r = client.generic(method, path, body, "application/json", **extra)
                if r.status_code != 403:
                    problems.append(f"{method} {path} with {header!r}: {r.status_code}")
        return problems

    def test_it_refuses_every_route_to_a_password_only_clinician(self) -> None:
        client = Client()
        r = client.post("/accounts/login/", {"username": "doc", "password": "password"})
        self.assertEqual(r.status_code, 302)
        operations = self._operations()
        self.assertGreater(len(operations), 60)
        problems = self._refusals(client)
        self.assertEqual(problems, [], "\n".join(problems[:20]))

    def test_it_refuses_every_route_to_a_patient_who_turned_totp_on(self) -> None:
        TOTPDevice.objects.create(user=self.alice_user, name="phone", confirmed=True)
        client = Client()
        client.post("/accounts/login/", {"username": "alice", "password": "password"})
        problems = self._refusals(client)
        self.assertEqual(problems, [], "\n".join(problems[:20]))

    def test_it_lets_a_valid_bearer_token_through(self) -> None:
        client = Client()
        client.post("/accounts/login/", {"username": "doc", "password": "password"})
        r = client.get(
            f"/api/clinic/patients/{self.alice.code}/checkins",
            HTTP_AUTHORIZATION=f"Bearer {self.doc_token}",
        )
        self.assertEqual(r.status_code, 200)
        # ... and acts as the token's owner, not as the session.
        r = client.get("/api/checkins", HTTP_AUTHORIZATION=f"Bearer {self.alice_token}")
        self.assertEqual(r.status_code, 200)

    def test_it_serves_the_session_once_the_second_factor_is_confirmed(self) -> None:
        from django_otp import login as otp_login

        client = Client()
        client.post("/accounts/login/", {"username": "doc", "password": "password"})
        self.assertEqual(client.get("/api/clinic/patients").status_code, 403)
        device = TOTPDevice.objects.create(user=self.doc.user, name="phone", confirmed=True)
        # Mark the session verified the way the 2FA page does (django-otp's login).
        request = type("R", (), {"session": client.session, "user": self.doc.user})()
        otp_login(request, device)
        request.session.save()
        self.assertEqual(client.get("/api/clinic/patients").status_code, 200)

    def test_it_creates_no_staff_token_without_the_second_factor(self) -> None:
        client = Client()
        client.post("/accounts/login/", {"username": "doc", "password": "password"})
        before = self.doc.tokens.count()
        r = client.post("/settings/tokens/", {"name": "laptop"})
        self.assertEqual(r.status_code, 302)
        self.assertTrue(r["Location"].startswith("/accounts/2fa/"))
        self.assertEqual(self.doc.tokens.count(), before)

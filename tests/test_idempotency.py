"""Every create of the API accepts an Idempotency-Key: the same key twice gives the first
answer (same status and body) and never a second row; keys are scoped per person."""

from __future__ import annotations

import json
import threading
import uuid
from typing import Any
from unittest import skipUnless

from django.apps import apps
from django.db import connection
from django.test import Client, TransactionTestCase

from spasmtrack.accounts.models import ApiToken, IdempotentRequest, Person
from spasmtrack.clinic import services
from spasmtrack.diary.models import DailyCheckin, Treatment
from spasmtrack.test import BaseTestCase

PEG = {"pain": 5, "enjoyment": 6, "activity": 7}
# A valid body for every POST that creates something (paths as in the OpenAPI document).
BODIES: dict[str, dict[str, Any]] = {
    "/api/muscle-events": {"kind": "spasm", "intensity": 6, "regions": ["calf_left"]},
    "/api/pain-drawings": {"regions": {"calf_left": 5}},
    "/api/checkins": {"local_date": "2024-01-02", "overall_pain": 5},
    "/api/treatment-logs": {"treatment": "heat"},
    "/api/habit-logs": {"habit": "hours_sitting", "local_date": "2024-01-02", "value": 3},
    "/api/symptom-ratings": {"name": "fog", "local_date": "2024-01-02", "value": 4},
    "/api/trigger-points": {"muscle": "upper_trapezius", "side": "left", "tenderness": 6},
    "/api/treatments": {"name": "Warm bath", "category": "home"},
    "/api/habits": {"name": "Gardening"},
    "/api/questionnaires": {"kind": "peg", "answers": PEG},
    "/api/intakes": {"food_id": "banana", "amount": 1, "unit": "serving"},
    "/api/changes": {"title": "new pillow", "local_date": "2024-01-02"},
    "/api/daily-metrics": {"local_date": "2024-01-02", "metric": "steps", "value": 8000},
    "/api/period-days": {"local_date": "2024-01-02"},
    "/api/trials": {"treatment_b": "heat", "blocks": 2, "period_days": 5},
    "/api/trials/{code}/events": {"kind": "pause"},
    "/api/trials/{code}/adherence": {"day": "TODAY", "used": True},
    "/api/sharing/grants": {"clinician": "doc", "level": "record"},
    "/api/clinic/patients/{patient}/trigger-points": {
        "muscle": "upper_trapezius",
        "side": "left",
        "tenderness": 6,
    },
    "/api/clinic/patients/{patient}/treatment-logs": {"treatment": "manual_therapy"},
    "/api/reminders/push-subscriptions": {
        "endpoint": "https://push.example.invalid/send/abc",
        "keys": {"p256dh": "B" + "A" * 86, "auth": "c2VjcmV0c2VjcmV0"},
    },
}
NOT_CREATES = {"/api/trp/find"}  # a POST that only computes
SECRET_CREATES = {"/api/sharing/links"}  # the answer holds a secret: a key is refused


def _counts() -> dict[str, int]:
    return {
        m._meta.label: m._default_manager.count()
        for m in apps.get_models()
        if m._meta.app_label not in ("sessions", "axes", "admin", "contenttypes", "auth")
        and m is not IdempotentRequest
        and m._meta.label != "accounts.AuditEvent"
    }


class IdempotencyTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        from django.contrib.auth.models import User

        doc_user = User.objects.create_user("doc", password="password")
        self.doc = Person.objects.create(user=doc_user, role=Person.Role.CLINICIAN)
        _, self.doc_token = ApiToken.issue(self.doc, "t")
        Treatment.objects.get_or_create(
            key="manual_therapy",
            defaults={"name": "Manual therapy", "category": "clinical", "unit": ""},
        )

    def post(self, path: str, body: Any, key: str | None, token: str | None = None) -> Any:
        headers = {"HTTP_IDEMPOTENCY_KEY": key} if key is not None else {}
        return self.client.post(
            path,
            json.dumps(body),
            content_type="application/json",
            **self.bearer(token or self.alice_token),
            **headers,
        )

    def _concrete(self, route: str) -> tuple[str, dict[str, Any], str]:
        body = dict(BODIES[route])
        token = self.alice_token
        if "{code}" in route:
            r = self.post("/api/trials", BODIES["/api/trials"], None)
            route = route.replace("{code}", r.json()["id"])
            if body.get("day") == "TODAY":
                body["day"] = self.alice.today().isoformat()
        if "{patient}" in route:
            services.give_grant(self.alice, self.doc, "record", None)
            route = route.replace("{patient}", str(self.alice.code))
            token = self.doc_token
        return route, body, token

    def test_it_looks_the_token_up_once_per_request(self) -> None:
        from django.test.utils import CaptureQueriesContext

        body = BODIES["/api/muscle-events"]
        with CaptureQueriesContext(connection) as q:
            r = self.post("/api/muscle-events", body, str(uuid.uuid4()))
        assert r.status_code == 201
        lookups = [x["sql"] for x in q.captured_queries if "accounts_apitoken" in x["sql"]]
        assert len(lookups) == 1, lookups

    def test_it_covers_every_create_of_the_api(self) -> None:
        doc = self.client.get("/api/openapi.json").json()
        posts = {p for p, ops in doc["paths"].items() if "post" in ops} - NOT_CREATES
        self.assertEqual(posts - set(BODIES) - SECRET_CREATES, set(), "add a body for these")

    def test_it_refuses_a_key_where_the_answer_holds_a_secret(self) -> None:
        before = _counts()
        r = self.post("/api/sharing/links", {"days": 3}, str(uuid.uuid4()))
        self.assertEqual(r.status_code, 422)
        self.assertIn("never stored", r.content.decode())
        self.assertEqual(_counts(), before)
        self.assertFalse(IdempotentRequest.objects.exists())

    def test_it_replays_the_first_answer_for_every_create(self) -> None:
        problems = []
        for route in BODIES:
            path, body, token = self._concrete(route)
            key = str(uuid.uuid4())
            first = self.post(path, body, key, token)
            if first.status_code != 201:
                problems.append(f"{route}: first {first.status_code} {first.content[:200]!r}")
                continue
            before = _counts()
            again = self.post(path, body, key, token)
            if (again.status_code, again.content) != (first.status_code, first.content):
                problems.append(f"{route}: replay {again.status_code} differs")
            if again.get("Idempotent-Replayed") != "true":
                problems.append(f"{route}: replay not marked")
            if _counts() != before:
                problems.append(f"{route}: the replay wrote rows")
        self.assertEqual(problems, [], "\n".join(problems))

    def test_it_writes_a_second_row_without_a_key(self) -> None:
        body = BODIES["/api/muscle-events"]
        self.assertEqual(self.post("/api/muscle-events", body, None).status_code, 201)
        self.assertEqual(self.post("/api/muscle-events", body, None).status_code, 201)
        self.assertEqual(self.alice.muscleevent_set.count(), 2)

    def test_it_scopes_keys_per_person(self) -> None:
        key = str(uuid.uuid4())
        body = BODIES["/api/muscle-events"]
        a = self.post("/api/muscle-events", body, key)
        c = self.post("/api/muscle-events", body, key, self.charlie_token)
        self.assertEqual((a.status_code, c.status_code), (201, 201))
        self.assertNotEqual(a.json()["id"], c.json()["id"])
        self.assertEqual(self.charlie.muscleevent_set.count(), 1)
        self.assertNotIn(a.json()["id"], c.content.decode())

    def test_it_refuses_a_key_reused_for_another_request(self) -> None:
        key = str(uuid.uuid4())
        self.post("/api/checkins", BODIES["/api/checkins"], key)
        r = self.post("/api/checkins", {"local_date": "2024-01-03", "mood": 5}, key)
        self.assertEqual(r.status_code, 422)
        self.assertIn("different body", r.json()["detail"][0]["msg"])
        r = self.post("/api/changes", BODIES["/api/changes"], key)
        self.assertEqual(r.status_code, 422)
        self.assertIn("/api/checkins", r.json()["detail"][0]["msg"])
        self.assertEqual(DailyCheckin.objects.count(), 1)
        self.assertFalse(apps.get_model("nutrition", "ChangeEvent").objects.exists())

    def test_it_refuses_an_unreadable_key(self) -> None:
        for key in ("", "x" * 101, "two words", "ünïcode"):
            r = self.client.post(
                "/api/checkins",
                json.dumps(BODIES["/api/checkins"]),
                content_type="application/json",
                HTTP_IDEMPOTENCY_KEY=key,
                **self.bearer(self.alice_token),
            )
            self.assertEqual(r.status_code, 422, key)
            self.assertEqual(r.json()["detail"][0]["loc"], ["header", "Idempotency-Key"])
        self.assertFalse(DailyCheckin.objects.exists())

    def test_it_does_not_keep_a_refusal(self) -> None:
        key = str(uuid.uuid4())
        bad = self.post("/api/checkins", {"local_date": "2024-01-02", "mood": 11}, key)
        self.assertEqual(bad.status_code, 422)
        # The fixed request, same key (the body differs, but nothing was stored for it).
        good = self.post("/api/checkins", BODIES["/api/checkins"], key)
        self.assertEqual(good.status_code, 201)
        self.assertEqual(DailyCheckin.objects.count(), 1)


def _send(
    path: str, body: str, auth: dict[str, str], barrier: threading.Barrier, out: list[Any]
) -> None:
    client = Client(raise_request_exception=False)
    barrier.wait()
    r = client.post(path, body, content_type="application/json", **auth)
    out.append((r.status_code, r.content))
    connection.close()


@skipUnless(connection.vendor == "postgresql", "concurrent writers need PostgreSQL")
class ConcurrentIdempotencyTestCase(TransactionTestCase):
    def test_it_creates_one_row_for_concurrent_retries(self) -> None:
        from django.contrib.auth.models import User

        user = User.objects.create_user("alice", password="password")
        person = Person.objects.create(user=user, tz="Europe/Berlin")
        _, token = ApiToken.issue(person, "t")
        body = json.dumps({"kind": "spasm", "intensity": 6, "regions": ["calf_left"]})
        for _ in range(5):
            auth = {
                "HTTP_AUTHORIZATION": f"Bearer {token}",
                "HTTP_IDEMPOTENCY_KEY": str(uuid.uuid4()),
            }
            barrier = threading.Barrier(4)
            out: list[Any] = []
            threads = [
                threading.Thread(
                    target=_send, args=("/api/muscle-events", body, auth, barrier, out)
                )
                for _ in range(4)
            ]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            self.assertEqual({s for s, _ in out}, {201}, out)
            self.assertEqual(len({c for _, c in out}), 1)
        self.assertEqual(person.muscleevent_set.count(), 5)

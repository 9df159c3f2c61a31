"""Optimistic concurrency on diary entries: `updated`, `version`, ETag / If-Match and 409,
and a "one per day" clash on update that is the same 422 as on create."""

from __future__ import annotations

import json
import threading
from typing import Any
from unittest import mock, skipUnless

from django.db import connection
from django.test import Client, TransactionTestCase

from spasmtrack.accounts.models import ApiToken, Person
from spasmtrack.diary.entries import RESOURCES
from spasmtrack.diary.models import DailyCheckin
from spasmtrack.test import BaseTestCase

CHECKIN = {"local_date": "2026-05-01", "overall_pain": 5}


class VersionsTestCase(BaseTestCase):
    def send(self, method: str, path: str, body: Any = None, **headers: str) -> Any:
        return self.client.generic(
            method,
            path,
            json.dumps(body) if body is not None else "",
            "application/json",
            **self.bearer(self.alice_token),
            **headers,
        )

    def test_it_exposes_updated_and_version_in_every_resource(self) -> None:
        for name, res in RESOURCES.items():
            self.assertIn("updated", res.schema_out.model_fields, name)
            self.assertIn("version", res.schema_out.model_fields, name)
        r = self.send("POST", "/api/checkins", CHECKIN)
        self.assertEqual(r.status_code, 201)
        self.assertEqual(r.json()["version"], 1)
        self.assertEqual(r["ETag"], '"1"')
        self.assertIsNotNone(r.json()["updated"])

    def test_it_bumps_version_and_updated_on_edit(self) -> None:
        saved = self.send("POST", "/api/checkins", CHECKIN).json()
        path = f"/api/checkins/{saved['id']}"
        r = self.send("PATCH", path, {"overall_pain": 6}, HTTP_IF_MATCH='"1"')
        self.assertEqual(r.status_code, 200, r.content)
        self.assertEqual(r.json()["version"], 2)
        self.assertEqual(r["ETag"], '"2"')
        self.assertGreater(r.json()["updated"], saved["updated"])
        self.assertEqual(self.send("GET", path)["ETag"], '"2"')

    def test_it_refuses_a_stale_write_with_409_and_both_versions(self) -> None:
        saved = self.send("POST", "/api/checkins", CHECKIN).json()
        path = f"/api/checkins/{saved['id']}"
        self.assertEqual(self.send("PATCH", path, {"overall_pain": 6}).status_code, 200)
        r = self.send("PATCH", path, {"overall_pain": 9}, HTTP_IF_MATCH='"1"')
        self.assertEqual(r.status_code, 409)
        body = r.json()
        self.assertIn("changed elsewhere", body["detail"])
        self.assertEqual(body["current"]["overall_pain"], 6)
        self.assertEqual(body["current"]["version"], 2)
        self.assertEqual(r["ETag"], '"2"')
        self.assertEqual(DailyCheckin.objects.get().overall_pain, 6)

    def test_it_accepts_star_and_refuses_an_unreadable_if_match(self) -> None:
        saved = self.send("POST", "/api/checkins", CHECKIN).json()
        path = f"/api/checkins/{saved['id']}"
        self.assertEqual(
            self.send("PATCH", path, {"fatigue": 2}, HTTP_IF_MATCH="*").status_code, 200
        )
        r = self.send("PATCH", path, {"fatigue": 3}, HTTP_IF_MATCH="yesterday")
        self.assertEqual(r.status_code, 412)
        self.assertEqual(DailyCheckin.objects.get().fatigue, 2)

    def test_it_stamps_updated_when_binned(self) -> None:
        saved = self.send("POST", "/api/checkins", CHECKIN).json()
        before = DailyCheckin.objects.get().updated
        self.assertEqual(self.send("DELETE", f"/api/checkins/{saved['id']}").status_code, 204)
        self.assertGreater(DailyCheckin.objects.get().updated, before)

    def test_it_answers_422_when_an_update_loses_the_one_per_day_race(self) -> None:
        self.send("POST", "/api/checkins", CHECKIN)
        other = self.send("POST", "/api/checkins", {**CHECKIN, "local_date": "2026-05-02"}).json()
        # The other request saved between our check and our UPDATE: the database decides.
        with mock.patch("spasmtrack.diary.entries._check_unique_day"):
            r = self.send("PATCH", f"/api/checkins/{other['id']}", {"local_date": "2026-05-01"})
        self.assertEqual(r.status_code, 422)
        self.assertIn("already", r.json()["detail"][0]["msg"])
        self.assertEqual(
            sorted(str(d) for d in DailyCheckin.objects.values_list("local_date", flat=True)),
            ["2026-05-01", "2026-05-02"],
        )


def _patch(
    code: str, day: str, auth: dict[str, str], barrier: threading.Barrier, out: list[int]
) -> None:
    client = Client(raise_request_exception=False)
    body = json.dumps({"local_date": day})
    barrier.wait()
    r = client.patch(f"/api/checkins/{code}", body, content_type="application/json", **auth)
    out.append(r.status_code)
    connection.close()


@skipUnless(connection.vendor == "postgresql", "concurrent writers need PostgreSQL")
class ConcurrentPatchTestCase(TransactionTestCase):
    """Four PATCHes at once, each moving a different check-in to the same day."""

    def test_it_never_answers_500_to_concurrent_patches(self) -> None:
        from django.contrib.auth.models import User

        user = User.objects.create_user("alice", password="password")
        person = Person.objects.create(user=user, tz="Europe/Berlin")
        _, token = ApiToken.issue(person, "t")
        auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
        for rnd in range(10):
            codes = []
            for i in range(4):
                c = DailyCheckin.objects.create(
                    person=person,
                    local_date=f"2025-0{1 + rnd % 9}-{10 + i + 4 * (rnd // 9)}",
                    mood=5,
                )
                codes.append(str(c.code))
            target = f"2024-01-{10 + rnd}"
            barrier = threading.Barrier(4)
            statuses: list[int] = []

            threads = [
                threading.Thread(target=_patch, args=(c, target, auth, barrier, statuses))
                for c in codes
            ]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            self.assertEqual(sorted(statuses), [200, 422, 422, 422], f"round {rnd}")
            self.assertEqual(DailyCheckin.objects.filter(local_date=target).count(), 1)


class EditPageConflictTestCase(BaseTestCase):
    def test_it_shows_both_versions_instead_of_overwriting(self) -> None:
        from spasmtrack.diary.entries import create_entry, update_entry

        res = RESOURCES["checkins"]
        entry = create_entry(self.alice, res, {**CHECKIN, "overall_pain": 5})
        self.client.force_login(self.alice_user)
        path = f"/entries/checkins/{entry.code}/edit/"
        page = self.client.get(path)
        self.assertContains(page, 'name="version" value="1"')
        # Another tab saves first ...
        update_entry(self.alice, res, entry, {"overall_pain": 8})
        # ... then this tab submits what it was shown.
        mine = {"local_date": "2026-05-01", "overall_pain": "2", "version": "1", "notes": "mine"}
        r = self.client.post(path, mine)
        self.assertEqual(r.status_code, 200)
        self.assertContains(r, "Changed elsewhere — here are both")
        html = r.content.decode()
        self.assertRegex(html, r"<td>8</td><td>2</td>")  # saved now, yours
        self.assertContains(r, 'name="version" value="2"')
        self.assertEqual(DailyCheckin.objects.get().overall_pain, 8)
        # Saving again, having seen both, keeps theirs.
        r = self.client.post(path, {**mine, "version": "2"})
        self.assertEqual(r.status_code, 302)
        saved = DailyCheckin.objects.get()
        self.assertEqual((saved.overall_pain, saved.notes, saved.version), (2, "mine", 3))

    def test_it_checks_ownership(self) -> None:
        from spasmtrack.diary.entries import create_entry

        entry = create_entry(self.alice, RESOURCES["checkins"], CHECKIN)
        self.client.force_login(self.charlie_user)
        r = self.client.post(f"/entries/checkins/{entry.code}/edit/", {**CHECKIN, "version": "1"})
        self.assertEqual(r.status_code, 404)

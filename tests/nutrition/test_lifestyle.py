from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

import time_machine

from spasmtrack.core.catalogue import ergonomics
from spasmtrack.diary.catalogue import sync_catalogue
from spasmtrack.diary.models import HabitLog
from spasmtrack.nutrition.lifestyle import record_change
from spasmtrack.nutrition.models import ChangeEvent, ChecklistStatus
from spasmtrack.test import BaseTestCase

NOW = datetime(2026, 5, 6, 10, 0, tzinfo=UTC)
CHANGE = {"title": "New pillow", "category": "sleep", "local_date": "2026-05-01"}


@time_machine.travel(NOW)
class LifestyleTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        sync_catalogue()  # the habits of habits.json, as after `migrate`
        self.client.force_login(self.alice_user)

    def api(self, method: str, path: str, body: Any = None, token: str | None = None) -> Any:
        kw: dict[str, Any] = self.bearer(token or self.alice_token)
        if body is not None:
            kw.update(data=json.dumps(body), content_type="application/json")
        return getattr(self.client, method)(path, **kw)

    # ------------------------------------------------------------ API

    def test_it_requires_authentication(self) -> None:
        self.client.logout()
        assert self.client.get("/api/changes").status_code == 401
        assert self.client.get("/api/checklist").status_code == 401
        r = self.client.put(
            "/api/checklist/monitor_height",
            json.dumps({"status": "done"}),
            content_type="application/json",
        )
        assert r.status_code == 401
        r = self.client.get("/lifestyle/")
        assert r.status_code == 302 and "/accounts/login/" in r["Location"]
        self.client.post("/lifestyle/", {"form": "change", "change-title": "x"})
        self.client.post("/lifestyle/checklist/monitor_height/", {"status": "done"})
        assert not ChangeEvent.objects.exists() and not ChecklistStatus.objects.exists()

    def test_it_records_reads_updates_and_bins_a_change(self) -> None:
        r = self.api("post", "/api/changes", CHANGE)
        assert r.status_code == 201, r.content
        code = r.json()["id"]
        r = self.api("patch", f"/api/changes/{code}", {"title": "Memory-foam pillow"})
        assert r.status_code == 200 and r.json()["title"] == "Memory-foam pillow"
        assert r.json()["local_date"] == "2026-05-01"
        assert self.api("get", "/api/changes?since=2026-05-02").json()["count"] == 0
        assert self.api("delete", f"/api/changes/{code}").status_code == 204
        assert self.api("get", f"/api/changes/{code}").status_code == 404
        assert ChangeEvent.objects.get().deleted_at is not None

    def test_it_refuses_bad_changes_and_writes_nothing(self) -> None:
        for body, field in [
            ({**CHANGE, "title": "   "}, "title"),
            ({**CHANGE, "category": "astrology"}, "category"),
            ({**CHANGE, "local_date": "2026-02-30"}, "local_date"),
        ]:
            r = self.api("post", "/api/changes", body)
            assert r.status_code == 422, body
            assert field in {e["loc"][-1] for e in r.json()["detail"]}
        code = self.api("post", "/api/changes", CHANGE).json()["id"]
        assert self.api("patch", f"/api/changes/{code}", {"title": None}).status_code == 422
        assert ChangeEvent.objects.get().title == "New pillow"

    def test_it_checks_ownership(self) -> None:
        code = self.api("post", "/api/changes", CHANGE).json()["id"]
        other = self.charlie_token
        assert self.api("get", f"/api/changes/{code}", token=other).status_code == 404
        r = self.api("patch", f"/api/changes/{code}", {"title": "x"}, token=other)
        assert r.status_code == 404
        assert self.api("delete", f"/api/changes/{code}", token=other).status_code == 404
        assert self.api("get", "/api/changes", token=other).json()["count"] == 0
        self.client.force_login(self.charlie_user)
        assert self.client.post(f"/nutrition/changes/{code}/delete/").status_code == 404
        self.assertNotContains(self.client.get("/lifestyle/"), "New pillow")
        assert ChangeEvent.objects.get().deleted_at is None

    def test_it_keeps_checklist_statuses_per_person(self) -> None:
        items = self.api("get", "/api/checklist").json()
        assert items[0]["item"] == "monitor_height"
        assert items[0]["status"] == "not_looked" and items[0]["local_date"] is None
        assert items[0]["sources"][0]["url"].startswith("http")
        r = self.api("put", "/api/checklist/monitor_height", {"status": "done"})
        assert r.status_code == 200
        assert (r.json()["status"], r.json()["local_date"]) == ("done", "2026-05-06")
        r = self.api("put", "/api/checklist/monitor_height", {"status": "not_relevant"})
        assert r.json()["status"] == "not_relevant"
        assert ChecklistStatus.objects.count() == 1
        other = self.api("get", "/api/checklist", token=self.charlie_token).json()
        assert other[0]["status"] == "not_looked"

    def test_it_refuses_unknown_checklist_items_and_statuses(self) -> None:
        r = self.api("put", "/api/checklist/standing_on_head", {"status": "done"})
        assert r.status_code == 404
        r = self.api("put", "/api/checklist/monitor_height", {"status": "maybe"})
        assert r.status_code == 422
        assert self.client.post("/lifestyle/checklist/nope/", {"status": "done"}).status_code == 404
        assert not ChecklistStatus.objects.exists()

    # ------------------------------------------------------------ page

    def test_it_shows_the_checklist_with_sources(self) -> None:
        r = self.client.get("/lifestyle/")
        self.assertContains(r, "Screen at or just below eye level")
        self.assertContains(r, "Computer Workstations eTool")
        # "Not looked at" is the first option of each item
        self.assertContains(r, "Not looked at", count=len(ergonomics()))

    def test_it_sets_a_checklist_status_as_a_fragment_and_as_a_full_page(self) -> None:
        url = "/lifestyle/checklist/chair_back_support/"
        r = self.client.post(url, {"status": "done"}, HTTP_HX_REQUEST="true")
        self.assertContains(r, 'id="item-chair_back_support"')
        self.assertContains(r, "Done · since 6 May 2026")
        self.assertNotContains(r, "<html")
        r = self.client.post(url, {"status": "not_relevant"})
        assert r.status_code == 302 and r["Location"].endswith("#item-chair_back_support")
        assert ChecklistStatus.objects.get().status == "not_relevant"

    def test_it_records_a_change_from_the_page(self) -> None:
        body = {
            "form": "change",
            "change-title": "New pillow",
            "change-category": "sleep",
            "change-local_date": "2026-05-01",
        }
        r = self.client.post("/lifestyle/", body)
        assert r.status_code == 302
        r = self.client.get("/lifestyle/")
        self.assertContains(r, "New pillow (sleep)")
        self.assertContains(r, "1 May 2026")
        r = self.client.post("/lifestyle/", {**body, "change-title": "  "})
        self.assertContains(r, "This field is required", status_code=200)
        assert ChangeEvent.objects.count() == 1

    def test_it_renders_the_panel_alone_for_htmx(self) -> None:
        body = {
            "form": "change",
            "change-title": "Standing desk",
            "change-category": "workstation",
            "change-local_date": "2026-05-06",
        }
        r = self.client.post("/lifestyle/", body, HTTP_HX_REQUEST="true")
        self.assertContains(r, 'id="lifestyle-panel"')
        self.assertContains(r, "Recorded: Standing desk")
        self.assertNotContains(r, "<html")

    def test_it_writes_todays_habits_once_per_day_and_updates_them(self) -> None:
        body = {
            "form": "habits",
            "habits-day": "2026-05-06",
            "habits-hours_sitting": "7.5",
            "habits-posture_breaks": "1",
            "habits-stretching_done": "",
        }
        assert self.client.post("/lifestyle/", body).status_code == 302
        logs = {h.habit.key: h.value for h in HabitLog.objects.filter(person=self.alice)}
        assert logs == {"hours_sitting": 7.5, "posture_breaks": 1.0}
        body.update({"habits-hours_sitting": "6", "habits-stretching_done": "0"})
        assert self.client.post("/lifestyle/", body).status_code == 302
        logs = {h.habit.key: h.value for h in HabitLog.objects.filter(person=self.alice)}
        assert logs == {"hours_sitting": 6.0, "posture_breaks": 1.0, "stretching_done": 0.0}
        assert HabitLog.objects.filter(local_date=date(2026, 5, 6)).count() == 3
        r = self.client.get("/lifestyle/")
        self.assertContains(r, 'name="habits-hours_sitting" value="6"')
        self.assertContains(r, 'value="1" class="choice" id="id_habits-posture_breaks_1" checked')

    def test_it_refuses_impossible_habit_values(self) -> None:
        body = {"form": "habits", "habits-day": "2026-05-06", "habits-hours_sitting": "30"}
        r = self.client.post("/lifestyle/", body)
        self.assertContains(r, "less than or equal to 24", status_code=200)
        assert not HabitLog.objects.exists()

    def test_it_deletes_a_change_with_undo(self) -> None:
        c = record_change(self.alice, CHANGE)
        r = self.client.post(f"/nutrition/changes/{c.code}/delete/", HTTP_HX_REQUEST="true")
        self.assertContains(r, "Deleted: New pillow")
        r = self.client.post(f"/nutrition/changes/{c.code}/restore/", follow=True)
        self.assertContains(r, "Restored: New pillow")
        c.refresh_from_db()
        assert c.deleted_at is None

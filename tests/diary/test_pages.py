from __future__ import annotations

from datetime import UTC, datetime

import time_machine

from spasmtrack.diary.entries import RESOURCES, create_entry
from spasmtrack.diary.models import DailyCheckin, MuscleEvent, PainDrawing
from spasmtrack.test import BaseTestCase

NOW = datetime(2026, 5, 1, 10, 0, tzinfo=UTC)


@time_machine.travel(NOW)
class PagesTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.client.force_login(self.alice_user)

    def spasm(self, person: object = None, **kw: object) -> MuscleEvent:
        data = {"kind": "spasm", "intensity": 6, "regions": ["calf_left"], **kw}
        return create_entry(person or self.alice, RESOURCES["muscle-events"], data)

    def test_it_sends_visitors_to_sign_in(self) -> None:
        self.client.logout()
        r = self.client.get("/")
        assert r.status_code == 302 and "/accounts/login/" in r["Location"]

    def test_it_shows_todays_entries_only(self) -> None:
        self.spasm(notes="today")
        self.spasm(started_at="2026-04-20T10:00:00Z", regions=["jaw_left"])
        r = self.client.get("/")
        self.assertContains(r, "calf (left)")
        self.assertNotContains(r, "jaw and jaw joint (left)")

    def test_it_logs_a_spasm_from_the_form(self) -> None:
        r = self.client.post(
            "/log/spasm/",
            {
                "kind": "spasm",
                "regions": '{"calf_left": 7, "shin_left": 7}',
                "bodymap_intensity": "7",
                "duration_min": "20",
            },
        )
        assert r.status_code == 302
        e = MuscleEvent.objects.get()
        assert (e.regions, e.intensity, e.duration_s) == (["calf_left", "shin_left"], 7, 1200)
        assert e.local_date.isoformat() == "2026-05-01"

    def test_it_keeps_what_was_typed_on_a_validation_error(self) -> None:
        r = self.client.post(
            "/log/spasm/",
            {"kind": "spasm", "bodymap_intensity": "7", "suspected_trigger": "long drive"},
        )
        self.assertContains(r, "Tap where it is on the body map", status_code=200)
        self.assertContains(r, 'value="long drive"')
        assert MuscleEvent.objects.count() == 0

    def test_it_defaults_intensity_to_the_last_one_used(self) -> None:
        self.spasm(intensity=8)
        r = self.client.get("/log/spasm/")
        self.assertContains(r, 'name="bodymap_intensity" min="0" max="10" step="1" value="8"')

    def test_it_prefills_the_checkin_from_the_last_one(self) -> None:
        create_entry(
            self.alice,
            RESOURCES["checkins"],
            {"local_date": "2026-04-30", "overall_pain": 4, "mood": 6},
        )
        r = self.client.get("/checkin/")
        self.assertContains(r, 'id="id_overall_pain_4" checked')
        r = self.client.post(
            "/checkin/", {"local_date": "2026-05-01", "overall_pain": "5", "notes": ""}
        )
        assert r.status_code == 302
        assert DailyCheckin.objects.filter(local_date="2026-05-01").get().overall_pain == 5
        # A second visit the same day edits that check-in instead of making another.
        assert "/edit/" in self.client.get("/checkin/")["Location"]

    def test_it_refuses_unknown_regions_from_the_map(self) -> None:
        r = self.client.post(
            "/log/spasm/",
            {"kind": "spasm", "regions": '{"wing_left": 5}', "bodymap_intensity": "5"},
        )
        self.assertContains(r, "Unknown body region(s): wing_left")
        assert MuscleEvent.objects.count() == 0

    def test_it_saves_a_pain_drawing_with_an_intensity_per_region(self) -> None:
        r = self.client.post(
            "/log/pain/",
            {
                "regions": '{"neck_back_left": 4, "vertex": 7, "calf_left": 2}',
                "bodymap_intensity": "2",
            },
        )
        assert r.status_code == 302
        d = PainDrawing.objects.get()
        assert d.regions == {"neck_back_left": 4, "vertex": 7, "calf_left": 2}

    def test_it_draws_the_body_map_with_every_region(self) -> None:
        r = self.client.get("/log/pain/")
        for rid in ("vertex", "calf_left", "toes_right", "sacrum"):
            self.assertContains(r, f'data-region="{rid}"')
        self.assertContains(r, "js/bodymap.js")

    def test_it_filters_history_by_kind_and_date(self) -> None:
        self.spasm()
        self.spasm(kind="twitch", regions=["eye_left"])
        self.spasm(started_at="2026-03-01T10:00:00Z", regions=["jaw_left"])
        r = self.client.get("/history/?kind=twitch")
        self.assertContains(r, "around the eye and eyebrow (left)")
        self.assertNotContains(r, "calf (left)")
        r = self.client.get("/history/?since=2026-02-01&until=2026-03-31")
        self.assertContains(r, "jaw and jaw joint (left)")
        self.assertNotContains(r, "eyebrow (left)")

    def test_it_edits_an_entry(self) -> None:
        e = self.spasm()
        r = self.client.post(
            f"/entries/muscle-events/{e.code}/edit/",
            {
                "kind": "spasm",
                "regions": "{}",
                "regions_list": ["calf_right"],
                "bodymap_intensity": "3",
            },
        )
        assert r.status_code == 302
        e.refresh_from_db()
        assert (e.regions, e.intensity) == (["calf_right"], 3)

    def test_it_deletes_with_undo_as_a_full_page(self) -> None:
        e = self.spasm()
        r = self.client.post(f"/entries/muscle-events/{e.code}/delete/", {"next": "/"}, follow=True)
        self.assertContains(r, "Deleted: Spasm")
        self.assertContains(r, f"/entries/muscle-events/{e.code}/restore/")
        r = self.client.post(
            f"/entries/muscle-events/{e.code}/restore/", {"next": "/"}, follow=True
        )
        self.assertContains(r, "Restored")
        e.refresh_from_db()
        assert e.deleted_at is None

    def test_it_deletes_with_undo_as_htmx_fragments(self) -> None:
        e = self.spasm()
        r = self.client.post(f"/entries/muscle-events/{e.code}/delete/", HTTP_HX_REQUEST="true")
        self.assertContains(r, "Undo")
        self.assertNotContains(r, "<html")
        r = self.client.post(f"/entries/muscle-events/{e.code}/restore/", HTTP_HX_REQUEST="true")
        self.assertContains(r, "Delete")
        self.assertNotContains(r, "<html")

    def test_it_checks_ownership(self) -> None:
        e = self.spasm(person=self.charlie)
        for url in (f"/entries/muscle-events/{e.code}/edit/",):
            assert self.client.get(url).status_code == 404
        for url in (
            f"/entries/muscle-events/{e.code}/delete/",
            f"/entries/muscle-events/{e.code}/restore/",
        ):
            assert self.client.post(url).status_code == 404
        e.refresh_from_db()
        assert e.deleted_at is None

    def test_it_lists_history_in_a_fixed_number_of_queries(self) -> None:
        for _ in range(5):
            self.spasm()
        self.client.get("/history/")  # warm the first-run check (cached per process)
        # session, user, person, then one query per kind of entry (7)
        with self.assertNumQueries(10):
            self.client.get("/history/")

    def test_it_changes_the_time_zone(self) -> None:
        r = self.client.post("/settings/", {"tz": "Asia/Tokyo"})
        assert r.status_code == 302
        self.alice.refresh_from_db()
        assert self.alice.tz == "Asia/Tokyo"

    def test_it_issues_a_token_shown_once(self) -> None:
        r = self.client.post("/settings/tokens/", {"name": "phone"}, follow=True)
        self.assertContains(r, "st_")
        r = self.client.get("/settings/")
        self.assertNotContains(r, "shown only once")


class FirstRunTestCase(BaseTestCase):
    def test_it_closes_setup_once_an_account_exists(self) -> None:
        r = self.client.get("/setup/")
        assert r.status_code == 302


def test_first_visit_creates_the_local_account(db: object, client: object) -> None:
    r = client.get("/")  # type: ignore[attr-defined]
    assert r.status_code == 302 and r["Location"] == "/setup/"
    r = client.post(
        "/setup/",
        {
            "username": "sam",
            "password1": "long-enough-pw-1",  # type: ignore[attr-defined]
            "password2": "long-enough-pw-1",
            "tz": "Europe/Berlin",
        },
    )
    assert r.status_code == 302
    from spasmtrack.accounts.models import Person

    assert Person.objects.get().tz == "Europe/Berlin"


@time_machine.travel(NOW)
class OwnTreatmentTestCase(BaseTestCase):
    def test_it_logs_a_treatment_of_the_persons_own(self) -> None:
        self.client.force_login(self.alice_user)
        r = self.client.post(
            "/log/treatment/",
            {
                "new_treatment": "Cherry juice",
                "new_category": "nutrition",
                "amount": "250",
                "unit": "ml",
            },
        )
        assert r.status_code == 302
        log = self.alice.treatmentlog_set.get()
        assert (log.treatment.name, log.treatment.owner, log.amount) == (
            "Cherry juice",
            self.alice,
            250,
        )
        # The second time it is reused, not created again.
        self.client.post("/log/treatment/", {"new_treatment": "cherry juice"})
        assert self.alice.treatment_set.count() == 1
        # Nobody else sees it.
        self.client.force_login(self.charlie_user)
        self.assertNotContains(self.client.get("/log/treatment/"), "Cherry juice")

    def test_it_asks_what_was_tried(self) -> None:
        self.client.force_login(self.alice_user)
        r = self.client.post("/log/treatment/", {"amount": "3"})
        self.assertContains(r, "Choose what you tried, or name your own")

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import time_machine

from spasmtrack.diary.entries import RESOURCES, create_entry
from spasmtrack.diary.models import TriggerPoint
from spasmtrack.test import BaseTestCase

NOW = datetime(2026, 5, 1, 10, 0, tzinfo=UTC)
NECK = ["neck_side_left", "temple_left", "shoulder_top_left"]


def record(person: object, muscle: str, side: str, tenderness: int, days_ago: int) -> Any:
    at = (NOW - timedelta(days=days_ago)).isoformat()
    data = {"muscle": muscle, "side": side, "tenderness": tenderness, "at": at}
    return create_entry(person, RESOURCES["trigger-points"], data)


def drawing(person: object, regions: dict[str, int]) -> Any:
    return create_entry(person, RESOURCES["pain-drawings"], {"regions": regions})


@time_machine.travel(NOW)
class TrpPagesTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.client.force_login(self.alice_user)

    def tap(self, htmx: bool, **post: str) -> Any:
        data = {"muscle": "upper_trapezius", "side": "left", "tenderness": "5", **post}
        headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
        return self.client.post("/trigger-points/record/", data, **headers)

    def test_it_requires_sign_in(self) -> None:
        self.client.logout()
        for url in ("/trigger-points/", "/trigger-points/finder/?regions=calf_left"):
            r = self.client.get(url)
            assert r.status_code == 302 and "/accounts/login/" in r["Location"]
        r = self.tap(htmx=False)
        assert r.status_code == 302 and "/accounts/login/" in r["Location"]
        assert TriggerPoint.objects.count() == 0

    def test_it_shows_an_empty_finder_with_grouped_regions(self) -> None:
        r = self.client.get("/trigger-points/finder/")
        self.assertContains(r, "Where does it hurt?")
        self.assertContains(r, 'value="calf_left"')
        self.assertNotContains(r, "Muscles that could be referring this pain")

    def test_it_ranks_muscles_for_the_ticked_regions(self) -> None:
        r = self.client.get("/trigger-points/finder/", {"regions": NECK})
        self.assertContains(r, "Muscles that could be referring this pain")
        self.assertContains(r, "1.</span> Upper trapezius")
        self.assertContains(r, "Fits well")
        self.assertContains(r, "could be referring pain to these areas you ticked")
        self.assertContains(r, "Its main zone:</strong> side of the neck (left), temple (left)")
        self.assertContains(r, "Self-check:")
        self.assertContains(r, "Self-care note:")
        self.assertContains(r, "Travell")  # sources
        self.assertContains(r, "I found a tender spot here")
        self.assertContains(r, 'value="neck_side_left" checked')
        self.assertNotContains(r, "you have")

    def test_it_says_what_a_muscle_does_not_explain_and_shows_combinations(self) -> None:
        regions = [*NECK, "buttock_left", "thigh_outer_left"]
        r = self.client.get("/trigger-points/finder/", {"regions": regions})
        self.assertContains(r, "Not explained by this muscle:</strong> buttock (left)")
        self.assertContains(r, "Together, Upper trapezius (left side) and Gluteus medius")

    def test_it_offers_left_and_right_for_a_match_on_both_sides(self) -> None:
        regions = ["scapula_medial_left", "interscapular", "shoulder_top_right"]
        r = self.client.get("/trigger-points/finder/", {"regions": regions})
        self.assertContains(r, "Middle trapezius <small>both sides</small>")
        self.assertContains(r, 'name="side" value="left">I found a tender spot here (left)')
        self.assertContains(r, 'name="side" value="right">I found a tender spot here (right)')

    def test_it_asks_for_a_region_and_refuses_unknown_ones(self) -> None:
        r = self.client.get("/trigger-points/finder/", {"regions": ["nose"]})
        self.assertContains(r, "Select a valid choice")
        self.assertNotContains(r, "Muscles that could be referring this pain")

    def test_it_prefills_from_a_pain_drawing(self) -> None:
        d = drawing(self.alice, {"calf_left": 7, "heel_left": 4, "shin_left": 0})
        r = self.client.get(f"/trigger-points/finder/?from_drawing={d.code}")
        self.assertContains(r, "For your pain drawing of 1 May 2026: calf (left), heel (left).")
        self.assertContains(r, 'value="calf_left" checked')
        self.assertNotContains(r, 'value="shin_left" checked')
        self.assertContains(r, "Soleus")
        # The finder page links to the person's recent drawings.
        r = self.client.get("/trigger-points/finder/")
        self.assertContains(r, f"?from_drawing={d.code}")

    def test_it_checks_ownership(self) -> None:
        d = drawing(self.charlie, {"calf_left": 7})
        r = self.client.get(f"/trigger-points/finder/?from_drawing={d.code}")
        assert r.status_code == 404
        assert self.client.get("/trigger-points/finder/?from_drawing=nonsense").status_code == 404
        self.assertNotContains(self.client.get("/trigger-points/finder/"), str(d.code))
        record(self.charlie, "soleus", "left", 9, days_ago=1)
        self.assertNotContains(self.client.get("/trigger-points/"), "Soleus")

    def test_it_records_a_tender_spot_in_one_tap_with_htmx(self) -> None:
        r = self.tap(htmx=True)
        self.assertContains(r, "Saved:")
        self.assertContains(r, "upper trapezius (left) · active · tender 5/10")
        self.assertNotContains(r, "<html")
        tp = TriggerPoint.objects.get()
        assert (tp.person, tp.muscle, tp.side) == (self.alice, "upper_trapezius", "left")
        assert (tp.status, tp.tenderness, tp.found_by) == ("active", 5, "self")
        assert tp.local_date.isoformat() == "2026-05-01"

    def test_it_records_a_tender_spot_as_a_full_page(self) -> None:
        back = "/trigger-points/finder/?regions=neck_side_left"
        r = self.tap(htmx=False, next=back, tenderness="7", side="right")
        assert r.status_code == 302 and r["Location"] == back
        r = self.client.get(back)
        self.assertContains(
            r, "Saved: Trigger point · upper trapezius (right) · active · tender 7/10"
        )
        assert TriggerPoint.objects.get().tenderness == 7

    def test_it_never_redirects_off_site_after_recording(self) -> None:
        r = self.tap(htmx=False, next="https://evil.example/")
        assert r["Location"] == "/trigger-points/"

    def test_it_refuses_an_unknown_muscle_and_saves_nothing(self) -> None:
        r = self.tap(htmx=True, muscle="wing_flapper")
        self.assertContains(r, "Could not save")
        r = self.tap(htmx=False, tenderness="11", next="/trigger-points/")
        self.assertContains(self.client.get(r["Location"]), "Could not save that tender spot")
        assert TriggerPoint.objects.count() == 0

    def test_it_shows_trends_and_the_several_active_flag(self) -> None:
        for week, tenderness in enumerate((8, 6, 4, 2)):
            record(self.alice, "upper_trapezius", "left", tenderness, days_ago=21 - 7 * week)
            for muscle in ("levator_scapulae", "infraspinatus"):
                record(self.alice, muscle, "right", 5, days_ago=21 - 7 * week)
        record(self.alice, "soleus", "left", 3, days_ago=2)
        # first-run "any account?" check, session, user, person (middleware), the person's
        # trigger points (one query for every muscle-side, trend and the flag)
        with self.assertNumQueries(5):
            r = self.client.get("/trigger-points/")
        self.assertContains(r, "Upper trapezius <small>left side</small>")
        self.assertContains(r, "Tenderness trend: falling.")
        self.assertContains(r, "Falling tenderness can be a sign of reduced sensitivity.")
        self.assertContains(r, "Tenderness trend: flat.")
        self.assertContains(r, "Tenderness trend: too early to tell.")
        self.assertContains(r, "Several active trigger points over weeks")
        self.assertContains(r, "only a clinician can assess this")
        self.assertContains(r, "<td>2/10</td>")
        self.assertContains(r, "Tender again today")

    def test_it_does_not_flag_a_single_trigger_point(self) -> None:
        record(self.alice, "upper_trapezius", "left", 6, days_ago=3)
        r = self.client.get("/trigger-points/")
        self.assertContains(r, "Upper trapezius")
        self.assertNotContains(r, "only a clinician can assess this")

    def test_it_explains_an_empty_tracking_page(self) -> None:
        self.assertContains(self.client.get("/trigger-points/"), "No trigger points recorded yet")

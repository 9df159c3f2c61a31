from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import time_machine

from spasmtrack.core.body.referral import find
from spasmtrack.diary.entries import RESOURCES, create_entry
from spasmtrack.diary.models import TriggerPoint
from spasmtrack.test import BaseTestCase
from spasmtrack.trigger_points.finder import find_for

NOW = datetime(2026, 5, 1, 10, 0, tzinfo=UTC)
NECK = ["neck_side_left", "temple_left", "shoulder_top_left"]
FINDER = "/trigger-points/finder/"


def as_map(regions: dict[str, int]) -> dict[str, str]:
    """The finder's GET as the body map sends it: JSON {region: intensity} plus the slider."""
    return {"regions": json.dumps(regions), "bodymap_intensity": "5"}


def static_maps(html: str) -> list[str]:
    """The ids of the static (pattern) maps on a page, e.g. ["trp1-front", "trp1-back"]."""
    return re.findall(r'class="bm bm-\w+ bm-static".*?aria-labelledby="([\w-]+)-label"', html)


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
        for url in (
            "/trigger-points/",
            "/trigger-points/finder/?regions=calf_left",
            "/trigger-points/pattern/soleus/left/",
        ):
            r = self.client.get(url)
            assert r.status_code == 302 and "/accounts/login/" in r["Location"]
        r = self.tap(htmx=False)
        assert r.status_code == 302 and "/accounts/login/" in r["Location"]
        assert TriggerPoint.objects.count() == 0

    def test_it_shows_an_empty_finder_with_the_body_map(self) -> None:
        r = self.client.get(FINDER)
        self.assertContains(r, "Where does it hurt?")
        self.assertContains(r, "<div data-bodymap")
        self.assertContains(r, 'class="bm bm-front bm-interactive"')
        self.assertContains(r, 'class="bm bm-back bm-interactive"')
        self.assertContains(r, '<script src="/static/js/bodymap.js">')  # form.media in <head>
        self.assertContains(r, 'name="regions_list" value="calf_left"')  # the list fallback
        self.assertNotContains(r, "Muscles that could be referring this pain")
        assert static_maps(r.content.decode()) == []

    def test_it_ranks_muscles_for_the_tapped_regions(self) -> None:
        r = self.client.get(FINDER, as_map(dict.fromkeys(NECK, 6)))
        self.assertContains(r, "Muscles that could be referring this pain")
        self.assertContains(r, "side of the neck (left) 6/10, temple (left) 6/10")
        self.assertContains(r, "1.</span> Upper trapezius")
        self.assertContains(r, "Fits well")  # plain fit, never the raw score
        self.assertNotContains(r, "(score ")
        self.assertContains(r, "could be referring pain to these areas you marked")
        self.assertContains(r, "Its main zone:</strong> side of the neck (left), temple (left)")
        self.assertContains(r, "Self-check:")
        self.assertContains(r, "Self-care note:")
        self.assertContains(r, "Travell")  # sources
        self.assertContains(r, "I found a tender spot here")
        # The map below keeps what was tapped, at its intensity.
        self.assertContains(
            r,
            'data-region="neck_side_left" role="button" tabindex="0" aria-pressed="true" '
            'aria-label="side of the neck (left), intensity 6"',
        )
        self.assertNotContains(r, "you have")

    def test_it_still_takes_plain_region_ids(self) -> None:
        r = self.client.get(FINDER, {"regions": NECK})
        self.assertContains(r, "1.</span> Upper trapezius")
        self.assertContains(r, "side of the neck (left) 10/10")
        self.assertContains(r, 'aria-label="temple (left), intensity 10"')

    def test_it_uses_the_intensities_as_the_finders_weights(self) -> None:
        weights = {"neck_side_left": 2, "temple_left": 9, "shoulder_top_left": 2}
        plain, weighted = find_for(NECK).candidates, find_for(weights).candidates
        assert round(plain[0].score, 2) != round(weighted[0].score, 2)  # the test can tell
        r = self.client.get(FINDER, as_map(weights))
        self.assertContains(r, "2.</span> Temporalis")  # a strong temple pulls it up
        r = self.client.get(FINDER, as_map(dict.fromkeys(NECK, 6)))
        self.assertNotContains(r, "2.</span> Temporalis")

    def test_it_shows_three_candidates_with_maps_and_folds_the_rest(self) -> None:
        r = self.client.get(FINDER, as_map(dict.fromkeys(NECK, 6)))
        html = r.content.decode()
        folded = html.split('<details class="more-candidates">', 1)
        assert len(folded) == 2
        assert folded[0].count('<li class="candidate">') == 3
        assert folded[1].count('<li class="candidate">') == 2
        self.assertContains(r, "2 more muscles that could fit")
        assert {m.split("-")[0] for m in static_maps(folded[0])} == {"trp1", "trp2", "trp3"}
        assert static_maps(folded[1]) == []  # folded ones load their maps on demand

    def test_it_leaves_out_areas_tapped_at_zero(self) -> None:
        r = self.client.get(FINDER, as_map({"calf_left": 7, "heel_left": 0}))
        self.assertContains(r, "For calf (left) 7/10.")
        r = self.client.get(FINDER, as_map({"heel_left": 0}))
        self.assertContains(r, "Set the slider above 0")
        self.assertNotContains(r, "Muscles that could be referring this pain")

    def test_it_takes_areas_from_the_plain_list_at_the_sliders_intensity(self) -> None:
        r = self.client.get(
            FINDER, {"regions": "{}", "regions_list": ["calf_left"], "bodymap_intensity": "8"}
        )
        self.assertContains(r, "For calf (left) 8/10.")
        self.assertContains(r, 'name="regions_list" value="calf_left" checked')

    def test_it_draws_the_top_three_patterns_on_the_body_map(self) -> None:
        r = self.client.get(FINDER, as_map(dict.fromkeys(NECK, 6)))
        html = r.content.decode()
        maps = static_maps(html)
        # Only views holding part of a pattern; one prefix per candidate, so ids stay unique.
        assert {m.split("-")[0] for m in maps} == {"trp1", "trp2", "trp3"}
        assert len(maps) == len(set(maps))
        assert "trp1-front" in maps and "trp1-back" in maps  # upper trapezius: both views
        self.assertContains(r, "numbers: 10 = where the trigger point lies, 7 = main pain zone")
        # Upper trapezius (left): TrP site 10 with a ring, main zone 7, spillover 3.
        self.assertContains(r, 'aria-label="top of the shoulder (left), intensity 10"')
        self.assertContains(r, 'aria-label="temple (left), intensity 7"')
        self.assertContains(r, 'class="trp-ring" aria-hidden="true"')
        self.assertContains(r, "Where its trigger points lie (10):</strong> top of the shoulder")
        self.assertContains(r, "Main pain zone (7):</strong> side of the neck (left), back of")
        self.assertContains(r, "Spillover, sometimes (3):</strong> back of the head (left)")
        self.assertContains(r, 'aria-label="back of the head (left), intensity 3"')
        # The others load their maps on demand.
        self.assertContains(r, "Show on the body map", count=2)
        fourth = find(dict.fromkeys(NECK, 6))[3]
        self.assertContains(
            r, f'hx-get="/trigger-points/pattern/{fourth.muscle}/{fourth.side}/?n=4"'
        )

    def test_it_draws_only_the_views_that_hold_the_pattern(self) -> None:
        r = self.client.get(FINDER, as_map({"temple_left": 8, "eye_left": 5}))
        self.assertContains(r, "1.</span> Temporalis")
        maps = static_maps(r.content.decode())
        assert "trp1-front" in maps and "trp1-back" not in maps

    def test_it_shows_a_pattern_as_an_htmx_fragment_and_as_a_page(self) -> None:
        url = "/trigger-points/pattern/middle_trapezius/both/?n=4"
        r = self.client.get(url, HTTP_HX_REQUEST="true")
        self.assertNotContains(r, "<html")
        self.assertContains(r, "Its usual pain pattern (both sides)")
        assert static_maps(r.content.decode()) == ["trp4-back"]
        self.assertContains(r, "between the shoulder blades")
        r = self.client.get(url)
        self.assertContains(r, "<h1>Middle trapezius")
        self.assertContains(r, "Travell")
        self.assertContains(r, "/static/css/bodymap.css")
        self.assertContains(r, "numbers: 10 = where the trigger point lies")

    def test_it_has_no_pattern_for_unknown_muscles_or_sides(self) -> None:
        for url in (
            "/trigger-points/pattern/wing_flapper/left/",
            "/trigger-points/pattern/soleus/up/",
        ):
            assert self.client.get(url).status_code == 404

    def test_it_refuses_unknown_regions(self) -> None:
        r = self.client.get(FINDER, {"regions": ["nose"]})
        self.assertContains(r, "Unknown body region(s): nose")
        self.assertNotContains(r, "Muscles that could be referring this pain")
        r = self.client.get(FINDER, as_map({"nose": 5}))
        self.assertContains(r, "Unknown body region(s): nose")

    def test_it_prefills_the_map_from_a_pain_drawing(self) -> None:
        d = drawing(self.alice, {"calf_left": 7, "heel_left": 4, "shin_left": 0})
        r = self.client.get(f"{FINDER}?from_drawing={d.code}")
        self.assertContains(
            r, "For your pain drawing of 1 May 2026: calf (left) 7/10, heel (left) 4/10."
        )
        self.assertContains(r, 'aria-pressed="true" aria-label="calf (left), intensity 7"')
        self.assertContains(r, 'aria-pressed="false" aria-label="shin (left)"')
        self.assertContains(r, 'name="bodymap_intensity" min="0" max="10" step="1" value="7"')
        self.assertContains(r, "Soleus")
        # The finder page links to the person's recent drawings.
        r = self.client.get(FINDER)
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
        back = f"{FINDER}?regions=neck_side_left"
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

"""The log and edit forms explain spasm vs twitch and gently question an implausible type."""

from __future__ import annotations

import json

from spasmtrack.diary.entries import RESOURCES, create_entry
from spasmtrack.diary.models import MuscleEvent
from spasmtrack.test import BaseTestCase

LOG = "/log/twitch/"


def event(kind: str = "twitch", minutes: str = "60", intensity: str = "0", **over: str) -> dict:
    return {
        "kind": kind,
        "regions": json.dumps({"calf_left": int(intensity)}),
        "bodymap_intensity": intensity,
        "duration_min": minutes,
        **over,
    }


class KindQuestionTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.client.force_login(self.alice_user)

    def test_the_form_explains_spasm_and_twitch_in_one_line(self) -> None:
        r = self.client.get(LOG)
        self.assertContains(r, "a twitch is a small, brief flicker under the skin")

    def test_an_hour_long_painless_twitch_gets_a_question_before_saving(self) -> None:
        r = self.client.post(LOG, event())
        assert r.status_code == 200
        self.assertContains(r, "Spasm or twitch?")
        self.assertContains(r, "60 minutes at 0/10")
        self.assertNotContains(r, 'role="alert"')  # a question, not an error
        assert not MuscleEvent.objects.exists()
        r = self.client.post(LOG, event(kind_confirmed="twitch"))
        assert r.status_code == 302
        assert MuscleEvent.objects.get().kind == "twitch"

    def test_a_painful_20_minute_twitch_can_be_saved_as_a_spasm(self) -> None:
        r = self.client.post(LOG, event(minutes="20", intensity="6"))
        self.assertContains(r, "sounds more like a spasm")
        self.assertContains(r, 'name="kind_confirmed" value="spasm"')
        r = self.client.post(LOG, event(minutes="20", intensity="6", kind_confirmed="spasm"))
        assert r.status_code == 302
        saved = MuscleEvent.objects.get()
        assert (saved.kind, saved.duration_s, saved.intensity) == ("spasm", 1200, 6)

    def test_a_plausible_twitch_saves_at_once(self) -> None:
        r = self.client.post(LOG, event(minutes="0", intensity="1"))
        assert r.status_code == 302 and MuscleEvent.objects.get().kind == "twitch"

    def test_editing_into_an_implausible_twitch_asks_too(self) -> None:
        e = create_entry(
            self.alice,
            RESOURCES["muscle-events"],
            {"kind": "spasm", "intensity": 6, "regions": ["calf_left"], "duration_s": 1200},
        )
        url = f"/entries/muscle-events/{e.code}/edit/"
        r = self.client.post(url, event(minutes="20", intensity="6"))
        self.assertContains(r, "Spasm or twitch?")
        e.refresh_from_db()
        assert e.kind == "spasm"  # unchanged until answered
        self.client.post(url, event(minutes="20", intensity="6", kind_confirmed="twitch"))
        e.refresh_from_db()
        assert e.kind == "twitch"

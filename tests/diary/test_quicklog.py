from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine
from typer.testing import CliRunner

from spasmtrack.cli import app
from spasmtrack.diary.catalogue import sync_catalogue
from spasmtrack.diary.models import HabitLog, MuscleEvent, PainDrawing, TreatmentLog
from spasmtrack.test import BaseTestCase

NOW = datetime(2026, 5, 1, 16, 0, tzinfo=UTC)  # 18:00 in Berlin


@time_machine.travel(NOW)
class QuickLogTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        sync_catalogue()
        self.client.force_login(self.alice_user)

    def test_it_shows_what_it_understood_before_saving(self) -> None:
        r = self.client.post(
            "/quick/",
            {"text": "left calf cramp 7/10 for 20 min after yoga"},
            HTTP_HX_REQUEST="true",
        )
        self.assertContains(r, "I understood")
        self.assertContains(r, "left calf")
        self.assertContains(r, "Save this")
        self.assertNotContains(r, "<html")
        assert MuscleEvent.objects.count() == 0

    def test_it_saves_a_spasm_on_confirmation(self) -> None:
        r = self.client.post(
            "/quick/", {"text": "left calf cramp 7/10 for 20 min after yoga", "confirm": "1"}
        )
        assert r.status_code == 302
        e = MuscleEvent.objects.get()
        assert (e.kind, e.regions, e.intensity, e.duration_s) == ("spasm", ["calf_left"], 7, 1200)
        assert "yoga" in e.suspected_trigger

    def test_it_saves_a_treatment_with_before_and_after(self) -> None:
        self.client.post("/quick/", {"text": "heat pad 20 min, pain 6 -> 3", "confirm": "1"})
        t = TreatmentLog.objects.get()
        assert (t.treatment.key, t.pain_before, t.pain_after) == ("heat", 6, 3)

    def test_it_saves_habits_once_per_day(self) -> None:
        for _ in range(2):
            self.client.post("/quick/", {"text": "slept badly, sat 5h at desk", "confirm": "1"})
        keys = sorted(HabitLog.objects.values_list("habit__key", "value"))
        assert ("hours_sitting", 5.0) in keys and len(keys) == 2

    def test_it_makes_a_pain_drawing_from_pain_without_a_kind(self) -> None:
        self.client.post("/quick/", {"text": "left calf 6/10", "confirm": "1"})
        assert PainDrawing.objects.get().regions == {"calf_left": 6}

    def test_it_refuses_to_guess_and_keeps_the_text(self) -> None:
        r = self.client.post("/quick/", {"text": "bad day", "confirm": "1"})
        self.assertContains(r, 'value="bad day"')
        self.assertContains(r, "Nothing to save")
        assert MuscleEvent.objects.count() == 0

    def test_it_asks_where_when_a_spasm_has_no_place(self) -> None:
        r = self.client.post("/quick/", {"text": "spasm 7/10", "confirm": "1"})
        self.assertContains(r, "Where was the spasm")
        assert MuscleEvent.objects.count() == 0

    def test_it_requires_sign_in(self) -> None:
        self.client.logout()
        r = self.client.post("/quick/", {"text": "twitch right eyelid", "confirm": "1"})
        assert r.status_code == 302
        assert MuscleEvent.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_the_cli_logs_a_line_after_showing_it() -> None:
    runner = CliRunner()
    runner.invoke(app, ["user", "add", "ann", "--password-stdin"], input="a-long-pass-1\n")
    r = runner.invoke(app, ["log", "twitch right eyelid", "--yes"])
    assert r.exit_code == 0, r.output
    assert "Understood: Twitch" in r.output
    assert MuscleEvent.objects.get().regions == ["eye_right"]
    r = runner.invoke(app, ["log", "it hurts", "--yes"])
    assert r.exit_code == 1 and "Traceback" not in r.output

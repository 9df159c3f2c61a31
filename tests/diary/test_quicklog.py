from __future__ import annotations

from datetime import UTC, datetime
from unittest import mock

import pytest
import time_machine
from typer.testing import CliRunner

from spasmtrack.cli import app
from spasmtrack.diary.catalogue import sync_catalogue
from spasmtrack.diary.models import (
    DailyCheckin,
    HabitLog,
    MuscleEvent,
    PainDrawing,
    TreatmentLog,
)
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

    def test_it_shares_one_parser_per_catalogue(self) -> None:
        from spasmtrack.diary.models import Treatment
        from spasmtrack.diary.quicklog import parser_for, read

        assert parser_for(self.alice) is parser_for(self.charlie)  # the same catalogue
        Treatment.objects.create(key="alice-kelp-wrap", name="kelp wrap", owner=self.alice)
        assert parser_for(self.alice) is not parser_for(self.charlie)
        assert parser_for(self.charlie) is parser_for(self.charlie)
        # The new treatment is understood at once (no stale parser), and only for alice.
        keys = [e.data.get("treatment") for e in read(self.alice, "kelp wrap 10 min").entries]
        assert keys == ["alice-kelp-wrap"]
        keys = [e.data.get("treatment") for e in read(self.charlie, "kelp wrap 10 min").entries]
        assert "alice-kelp-wrap" not in keys

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

    def test_it_shows_each_entry_as_a_removable_line(self) -> None:
        r = self.client.post(
            "/quick/",
            {"text": "neck spasm 6/10, heat pad 20 min, took advil 400mg"},
            HTTP_HX_REQUEST="true",
        )
        self.assertContains(r, 'name="remove"', count=3)
        self.assertContains(r, "Save these 3")
        self.assertContains(r, "“advil”")

    def test_it_saves_only_the_entries_that_were_not_removed(self) -> None:
        text = "neck spasm 6/10, heat pad 20 min, took advil 400mg"
        r = self.client.post("/quick/", {"text": text, "remove": "2"}, HTTP_HX_REQUEST="true")
        self.assertContains(r, 'name="removed" value="2"')
        self.assertContains(r, "Save these 2")
        self.client.post("/quick/", {"text": text, "removed": ["2"], "confirm": "1"})
        assert MuscleEvent.objects.count() == 1
        assert list(TreatmentLog.objects.values_list("treatment__key", flat=True)) == ["heat"]

    def test_it_ignores_a_removal_that_is_not_an_entry(self) -> None:
        text = "left calf cramp 7/10"
        self.client.post("/quick/", {"text": text, "removed": ["9", "x"], "confirm": "1"})
        assert MuscleEvent.objects.count() == 1

    def test_it_saves_nothing_when_every_entry_was_removed(self) -> None:
        r = self.client.post(
            "/quick/", {"text": "left calf cramp 7/10", "removed": "0", "confirm": "1"}
        )
        self.assertContains(r, "Every entry was removed")
        assert MuscleEvent.objects.count() == 0

    def test_it_fills_in_the_days_check_in(self) -> None:
        self.client.post("/quick/", {"text": "pain 6, fatigue 7", "confirm": "1"})
        self.client.post("/quick/", {"text": "mood 4", "confirm": "1"})
        c = DailyCheckin.objects.get(person=self.alice)
        assert (c.overall_pain, c.fatigue, c.mood) == (6, 7, 4)

    def test_it_keeps_the_brand_name_and_dose_on_the_treatment(self) -> None:
        self.client.post("/quick/", {"text": "took flexeril 10mg", "confirm": "1"})
        t = TreatmentLog.objects.get()
        assert (t.treatment.key, t.amount, t.unit) == ("muscle_relaxant", 10.0, "mg")
        assert "flexeril" in t.notes

    def test_it_keeps_the_place_of_a_treatment(self) -> None:
        self.client.post("/quick/", {"text": "Biofreeze on right shoulder", "confirm": "1"})
        t = TreatmentLog.objects.get()
        assert t.treatment.key == "topical_analgesic"
        assert "Biofreeze" in t.notes and "right shoulder" in t.notes

    def test_it_never_invents_a_missing_intensity(self) -> None:
        MuscleEvent.objects.create(
            person=self.alice,
            kind="spasm",
            intensity=8,
            regions=["eye_left"],
            local_date=NOW.date(),
        )
        r = self.client.post("/quick/", {"text": "eyelid twitching again", "confirm": "1"})
        self.assertContains(r, "How strong was the twitch")
        assert MuscleEvent.objects.count() == 1

    def test_it_saves_nothing_for_a_negated_line(self) -> None:
        r = self.client.post("/quick/", {"text": "didn't take my flexeril today", "confirm": "1"})
        self.assertContains(r, "Not saved:")
        assert TreatmentLog.objects.count() == 0

    def test_it_checks_ownership_of_the_check_in_it_fills_in(self) -> None:
        theirs = DailyCheckin.objects.create(
            person=self.charlie, local_date=NOW.date(), overall_pain=2
        )
        self.client.post("/quick/", {"text": "pain 6", "confirm": "1"})
        theirs.refresh_from_db()
        assert theirs.overall_pain == 2
        assert DailyCheckin.objects.get(person=self.alice).overall_pain == 6

    def test_it_requires_sign_in(self) -> None:
        self.client.logout()
        r = self.client.post("/quick/", {"text": "twitch right eyelid", "confirm": "1"})
        assert r.status_code == 302
        assert MuscleEvent.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_the_cli_logs_a_line_after_showing_it() -> None:
    runner = CliRunner()
    runner.invoke(app, ["user", "add", "ann", "--password-stdin"], input="a-long-pass-1\n")
    r = runner.invoke(app, ["log", "twitch right eyelid 2/10", "--yes"])
    assert r.exit_code == 0, r.output
    assert "1. Twitch · right eye · 2/10" in r.output
    assert MuscleEvent.objects.get().regions == ["eye_right"]
    r = runner.invoke(app, ["log", "it hurts", "--yes"])
    assert r.exit_code == 1 and "Traceback" not in r.output
    assert "buttons" not in r.output


@pytest.mark.django_db(transaction=True)
def test_the_cli_without_a_terminal_tells_how_to_save() -> None:
    runner = CliRunner()
    runner.invoke(app, ["user", "add", "ann", "--password-stdin"], input="a-long-pass-1\n")
    r = runner.invoke(app, ["log", "left calf cramp 7/10"])
    assert r.exit_code == 1
    assert "Not saved: pass --yes to save without asking." in r.output
    assert "Aborted" not in r.output
    assert MuscleEvent.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_the_cli_asks_for_a_missing_intensity_and_saves_nothing() -> None:
    runner = CliRunner()
    runner.invoke(app, ["user", "add", "ann", "--password-stdin"], input="a-long-pass-1\n")
    r = runner.invoke(app, ["log", "eyelid twitching again", "--yes"])
    assert r.exit_code == 1
    assert "How strong was the twitch" in r.output
    assert MuscleEvent.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_the_cli_removes_the_entries_named_at_the_prompt() -> None:
    runner = CliRunner()
    runner.invoke(app, ["user", "add", "ann", "--password-stdin"], input="a-long-pass-1\n")
    with mock.patch("spasmtrack.diary.cli._can_ask", return_value=True):
        r = runner.invoke(
            app, ["log", "neck spasm 6/10, heat pad 20 min, took advil 400mg"], input="3\ny\n"
        )
    assert r.exit_code == 0, r.output
    assert "3. Treatment · Over-the-counter" in r.output
    assert MuscleEvent.objects.count() == 1
    assert list(TreatmentLog.objects.values_list("treatment__key", flat=True)) == ["heat"]

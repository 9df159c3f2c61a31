from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine

from spasmtrack.diary.models import DailyCheckin
from spasmtrack.test import BaseTestCase
from spasmtrack.trials.days import analysis, day_rows, note_late_entries, record_answer
from spasmtrack.trials.models import AdherenceAnswer, Trial, TrialError, TrialEvent
from spasmtrack.trials.today import today_banner, today_status
from tests.trials.helpers import NOW, TODAY, ice, log_treatment, past_trial, plant_checkins


@time_machine.travel(NOW)
class AdherenceTestCase(BaseTestCase):
    def test_it_reads_what_was_done_from_treatment_logs(self) -> None:
        trial = past_trial(self.alice, self.heat, ice(), days_ago=10)
        s = trial.schedule
        a_day = next(d.day for d in s.days if d.condition == "A" and d.day < TODAY)
        b_day = next(d.day for d in s.days if d.condition == "B" and d.day < TODAY)
        log_treatment(self.alice, self.heat, b_day)  # as planned
        log_treatment(self.alice, self.heat, a_day)  # B on an A day
        log_treatment(self.alice, ice(), a_day)  # ... and A too
        log_treatment(self.charlie, self.heat, a_day + timedelta(days=1))  # not alice's
        rows = {r.day: r for r in day_rows(trial, TODAY)}
        assert (rows[b_day].actual, rows[b_day].source, rows[b_day].followed) == ("B", "log", True)
        assert (rows[a_day].actual, rows[a_day].followed) == ("both", False)
        assert rows[a_day + timedelta(days=1)].actual is None  # unknown: nothing logged
        assert not rows[TODAY + timedelta(days=1)].counted

    def test_it_asks_about_the_real_treatment_when_a_is_the_usual_routine(self) -> None:
        trial = past_trial(self.alice, self.heat, days_ago=10)
        a_day = next(d.day for d in trial.schedule.days if d.condition == "A")
        b_day = next(d.day for d in trial.schedule.days if d.condition == "B")
        record_answer(trial, a_day, False, TODAY)  # "Did you use heat?" no -> usual routine
        record_answer(trial, b_day, False, TODAY)  # no heat on a heat day
        rows = {r.day: r for r in day_rows(trial, TODAY)}
        assert rows[a_day].actual == "A" and rows[a_day].followed
        assert rows[b_day].actual == "A" and rows[b_day].followed is False
        assert AdherenceAnswer.objects.filter(asked_about="B").count() == 2

    def test_it_keeps_every_answer_and_notes_a_past_day_edit(self) -> None:
        trial = past_trial(self.alice, self.heat, ice(), days_ago=10)
        day = TODAY - timedelta(days=3)
        record_answer(trial, day, True, TODAY)
        record_answer(trial, day, False, TODAY)
        assert AdherenceAnswer.objects.filter(trial=trial, local_date=day).count() == 2
        edits = TrialEvent.objects.filter(trial=trial, kind="past_day_edit")
        assert edits.count() == 2 and "(was yes)" in edits.last().detail["text"]
        with pytest.raises(TrialError):
            record_answer(trial, TODAY + timedelta(days=1), True, TODAY)

    def test_it_notes_scores_entered_days_later_once(self) -> None:
        trial = past_trial(self.alice, self.heat, days_ago=10)
        DailyCheckin.objects.create(
            person=self.alice, local_date=TODAY - timedelta(days=5), spasm_burden=4
        )  # created now, 5 days after the day it describes
        assert note_late_entries(trial, TODAY) == 1
        assert note_late_entries(Trial.objects.get(pk=trial.pk), TODAY) == 0
        event = TrialEvent.objects.get(kind="past_day_edit")
        assert "entered on Fri 01 May" in event.detail["text"]


@time_machine.travel(NOW)
class AnalysisTestCase(BaseTestCase):
    def test_it_finds_the_sign_of_a_planted_benefit(self) -> None:
        trial = past_trial(self.alice, self.heat, days_ago=41)  # all 42 days lived
        plant_checkins(trial, effect=-2.0)
        result = analysis(trial, TODAY)
        assert result.ready and result.itt is not None
        assert result.itt.effect < -1 and result.itt.p_b_better > 0.95
        assert result.itt.n_days == 42

    def test_it_finds_a_planted_harm_on_a_higher_is_better_outcome(self) -> None:
        trial = past_trial(self.alice, self.heat, days_ago=41, outcome="sleep_quality")
        plant_checkins(trial, effect=-2.0, field="sleep_quality", base=5.0)
        result = analysis(trial, TODAY)
        assert result.itt is not None and result.itt.p_b_better < 0.05

    def test_itt_and_per_protocol_differ_when_a_period_was_not_followed(self) -> None:
        trial = past_trial(self.alice, self.heat, ice(), days_ago=41)
        b_period = [d.day for d in trial.schedule.days if d.period == 2]
        if trial.schedule.days[7].condition != "B":
            b_period = [d.day for d in trial.schedule.days if d.period == 1]
        # During one B period the person used ice (A) instead, and logged it.
        for day in b_period:
            log_treatment(self.alice, ice(), day)
        plant_checkins(trial, effect=-3.0, follow=dict.fromkeys(b_period, "A"))
        result = analysis(trial, TODAY)
        assert result.itt is not None and result.per_protocol is not None
        assert result.n_deviations == 7 and result.adherence.deviated == 7
        assert result.per_protocol.n_days == 35 and result.itt.n_days == 42
        # ITT is diluted by the week that followed A; per-protocol sees the full effect.
        assert result.per_protocol.effect < result.itt.effect - 0.5
        assert result.per_protocol.effect == pytest.approx(-3.0, abs=0.8)

    def test_it_explains_when_there_is_not_enough_data(self) -> None:
        trial = past_trial(self.alice, self.heat, days_ago=2)
        result = analysis(trial, TODAY)
        assert not result.ready and "Not enough data" in result.reason

    def test_it_leaves_out_paused_days_per_protocol_and_days_after_a_stop(self) -> None:
        trial = past_trial(self.alice, self.heat, days_ago=41)
        plant_checkins(trial, effect=-2.0)
        start = trial.start
        TrialEvent.objects.create(trial=trial, kind="paused", local_date=start + timedelta(3))
        TrialEvent.objects.create(trial=trial, kind="resumed", local_date=start + timedelta(6))
        TrialEvent.objects.create(
            trial=trial, kind="stopped", local_date=start + timedelta(34), reason="flare"
        )
        trial = Trial.objects.get(pk=trial.pk)
        result = analysis(trial, TODAY)
        assert result.adherence.counted == 35 and result.adherence.paused == 3
        assert result.itt is not None and result.itt.n_days == 35
        assert result.per_protocol is not None and result.per_protocol.n_days == 32


@time_machine.travel(NOW)
class EventsTestCase(BaseTestCase):
    def test_it_records_pause_resume_and_stop_and_never_rewrites_them(self) -> None:
        trial = past_trial(self.alice, self.heat, days_ago=3)
        trial.record("paused", TODAY, "travel")
        assert trial.status == Trial.Status.PAUSED
        with pytest.raises(TrialError, match="only a running"):
            trial.record("paused", TODAY)
        trial.record("resumed", TODAY)
        with pytest.raises(TrialError) as e:
            trial.record("stopped", TODAY, "  ")
        assert e.value.field == "reason"
        trial.record("stopped", TODAY, "skin irritation")
        assert Trial.objects.get(pk=trial.pk).status == Trial.Status.STOPPED
        with pytest.raises(TrialError, match="already stopped"):
            trial.record("stopped", TODAY, "again")
        kinds = list(trial.events.order_by("id").values_list("kind", flat=True))
        assert kinds == ["created", "paused", "resumed", "stopped"]
        event = trial.events.get(kind="stopped")
        assert event.reason == "skin irritation"
        event.reason = "something nicer"
        with pytest.raises(TypeError, match="append-only"):
            event.save()
        with pytest.raises(TypeError, match="append-only"):
            event.delete()
        assert trial.events.get(kind="stopped").reason == "skin irritation"


@time_machine.travel(NOW)
class TodayTestCase(BaseTestCase):
    def test_it_builds_the_today_banner_and_asks_when_unknown(self) -> None:
        trial = past_trial(self.alice, self.heat, days_ago=4)
        cond = trial.schedule.day_status(TODAY).condition
        banner = today_banner(self.alice, TODAY)
        assert banner is not None and banner["ask_adherence"] is True
        name = "Heat" if cond == "B" else "Usual routine"
        assert banner["text"] == f"Experiment: day 5 of 42 — this week: {name} ({cond})"
        assert banner["question"] == "Did you use heat today?"
        assert banner["url"] == f"/trials/{trial.code}/"
        log_treatment(self.alice, self.heat, TODAY)
        assert today_banner(self.alice, TODAY)["ask_adherence"] is False  # type: ignore[index]
        assert today_banner(self.charlie, TODAY) is None

    def test_it_shows_no_banner_while_paused_or_before_the_start(self) -> None:
        trial = past_trial(self.alice, self.heat, days_ago=4)
        trial.record("paused", TODAY)
        assert today_banner(self.alice, TODAY) is None
        assert today_status(trial, TODAY)["status"] == "paused"
        assert today_banner(self.alice, TODAY - timedelta(days=10)) is None


@time_machine.travel(NOW)
class OutcomeTestCase(BaseTestCase):
    def test_it_counts_spasms_per_local_day_and_leaves_silent_days_out(self) -> None:
        from spasmtrack.diary.entries import RESOURCES, create_entry
        from spasmtrack.diary.models import SymptomRating
        from spasmtrack.trials.outcomes import daily_values, series

        def spasm(at: str, kind: str = "spasm") -> None:
            data = {"kind": kind, "intensity": 5, "regions": ["calf_left"], "started_at": at}
            create_entry(self.alice, RESOURCES["muscle-events"], data)

        spasm("2026-04-28T22:30:00+00:00")  # 00:30 on 29 April in Berlin
        spasm("2026-04-29T08:00:00+00:00")
        spasm("2026-04-29T09:00:00+00:00", "twitch")
        spasm("2026-04-30T09:00:00+00:00", "twitch")  # a logged day with no spasm
        DailyCheckin.objects.create(person=self.alice, local_date=TODAY, spasm_burden=1)
        start = TODAY - timedelta(days=4)
        assert series(self.alice, "spasm_count", start, TODAY) == [None, None, 2.0, 0.0, 0.0]
        SymptomRating.objects.create(person=self.alice, local_date=TODAY, name="itch", value=3)
        SymptomRating.objects.create(person=self.charlie, local_date=TODAY, name="itch", value=9)
        assert daily_values(self.alice, "symptom:itch", start, TODAY) == {TODAY: 3.0}

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine

from spasmtrack.core.nof1 import make_schedule
from spasmtrack.diary.models import DailyCheckin, Treatment
from spasmtrack.test import BaseTestCase
from spasmtrack.trials.design import check_design, create_trial
from spasmtrack.trials.models import Trial, TrialError, find_trial
from tests.trials.helpers import NOW, TODAY, ice

BAD_DESIGNS = [
    ({"treatment_b": "no-such-thing"}, "treatment_b", "unknown treatment"),
    ({"treatment_a": "nope", "treatment_b": "heat"}, "treatment_a", "unknown treatment"),
    ({"treatment_a": "heat", "treatment_b": "heat"}, "treatment_b", "must differ"),
    ({"treatment_b": "usual"}, "treatment_b", "choose the treatment"),
    ({"treatment_b": "heat", "blocks": 0}, "blocks", "between 1"),
    ({"treatment_b": "heat", "period_days": 1}, "period_days", "2 to"),
    ({"treatment_b": "heat", "period_days": 5, "washout_days": 5}, "washout_days", "shorter"),
    ({"treatment_b": "heat", "washout_days": -1}, "washout_days", "shorter"),
    ({"treatment_b": "heat", "mcid": 0}, "mcid", "more than 0"),
    ({"treatment_b": "heat", "start": "2026-04-30"}, "start", "today at the earliest"),
    ({"treatment_b": "heat", "start": "1 May"}, "start", "not a date"),
    ({"treatment_b": "heat", "outcome": "happiness"}, "outcome", "unknown outcome"),
    ({"treatment_b": "heat", "outcome": "symptom:itch"}, "outcome", "not rated"),
]


@time_machine.travel(NOW)
class DesignTestCase(BaseTestCase):
    def test_it_refuses_each_bad_design_with_the_field_and_a_reason(self) -> None:
        for data, field, words in BAD_DESIGNS:
            with pytest.raises(TrialError) as e:
                check_design(self.alice, data, TODAY)
            assert (e.value.field, words in e.value.message) == (field, True), data

    def test_it_accepts_the_persons_own_treatment_but_not_someone_elses(self) -> None:
        mine = Treatment.add_custom(self.alice, name="Heat pad", category="home")
        theirs = Treatment.add_custom(self.charlie, name="Sauna", category="home")
        design = check_design(self.alice, {"treatment_b": mine.key}, TODAY)
        assert design.treatment_b == mine and design.treatment_a is None
        assert design.title == "Heat pad vs Usual routine"
        with pytest.raises(TrialError):
            check_design(self.alice, {"treatment_b": theirs.key}, TODAY)

    def test_it_uses_the_documented_defaults(self) -> None:
        d = check_design(self.alice, {"treatment_b": "heat"}, TODAY)
        assert (d.outcome, d.mcid, d.period_days, d.blocks, d.washout_days, d.start) == (
            "spasm_burden", 1.0, 7, 3, 0, TODAY,
        )  # fmt: skip

    def test_it_derives_the_schedule_from_the_recorded_seed_and_keeps_it_stable(self) -> None:
        design = check_design(
            self.alice,
            {"treatment_a": ice().key, "treatment_b": "heat", "blocks": 4, "washout_days": 2},
            TODAY,
        )
        trial, check = create_trial(self.alice, design, TODAY)
        assert check.power is None and "at least 7 days" in (check.warning or "")
        again = Trial.objects.get(pk=trial.pk)
        expected = make_schedule(TODAY, 7, 4, seed=again.seed, washout_days=2)
        assert again.schedule == expected == trial.schedule
        assert again.schedule.total_days == 56
        assert again.events.get().detail["text"].startswith(f"seed {again.seed}")
        # A second experiment draws its own seed (2^32 possibilities).
        other, _ = create_trial(self.alice, design, TODAY)
        assert other.seed != trial.seed

    def test_it_derives_lower_is_better_from_the_outcome(self) -> None:
        for outcome, lower in [("spasm_burden", True), ("sleep_quality", False), ("mood", False)]:
            t = Trial(outcome=outcome)
            assert t.lower_is_better is lower
        assert Trial(outcome="spasm_count").lower_is_better

    def test_it_derives_the_status_from_the_dates(self) -> None:
        design = check_design(
            self.alice, {"treatment_b": "heat", "start": "2026-05-03", "blocks": 1}, TODAY
        )
        trial, _ = create_trial(self.alice, design, TODAY)
        assert trial.status == Trial.Status.PLANNED
        assert trial.status_on(date(2026, 5, 3)) == Trial.Status.RUNNING
        assert trial.status_on(date(2026, 5, 3) + timedelta(days=14)) == Trial.Status.FINISHED
        trial.sync_status(date(2026, 5, 5))
        assert Trial.objects.get(pk=trial.pk).status == Trial.Status.RUNNING

    def test_it_estimates_power_from_the_last_60_days(self) -> None:
        for i in range(1, 61):
            DailyCheckin.objects.create(
                person=self.alice, local_date=TODAY - timedelta(days=i), spasm_burden=i % 2 * 6
            )
        design = check_design(self.alice, {"treatment_b": "heat", "blocks": 1}, TODAY)
        trial, check = create_trial(self.alice, design, TODAY)
        # A score that swings by 6 points from day to day hides a 1-point difference.
        assert check.power is not None and check.power < 0.8
        assert trial.power == check.power and "Longer periods" in trial.power_note

    def test_it_finds_a_trial_by_an_unambiguous_prefix(self) -> None:
        design = check_design(self.alice, {"treatment_b": "heat"}, TODAY)
        trial, _ = create_trial(self.alice, design, TODAY)
        assert find_trial(self.alice, trial.code.hex[:6]) == trial
        assert find_trial(self.alice, str(trial.code)) == trial
        for ref, words in [("abc", "at least 6"), ("zzzzzzzz", "at least 6"), ("0" * 12, "starts")]:
            with pytest.raises(LookupError, match=words):
                find_trial(self.alice, ref)
        with pytest.raises(LookupError):
            find_trial(self.charlie, trial.code.hex[:8])

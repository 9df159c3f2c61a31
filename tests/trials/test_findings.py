"""From an Insights finding to an experiment, and a finished experiment back to the finding."""

from __future__ import annotations

from datetime import date

import time_machine
from django.core.cache import cache

from spasmtrack.test import BaseTestCase
from spasmtrack.trials.findings import (
    mark_findings,
    matches,
    plan_for_finding,
    treatment_for_factor,
    trial_outcome,
)
from tests.insights.test_api import NOW as INSIGHTS_NOW
from tests.insights.test_api import fill
from tests.trials.helpers import NOW, TODAY, ice, past_trial, plant_checkins


def finding(factor: str = "heat", outcome: str = "spasm burden", **kw: object) -> dict:
    return {"factor": factor, "outcome": outcome, "lag_days": 0, **kw}


@time_machine.travel(NOW)
class MatchingTestCase(BaseTestCase):
    def test_it_maps_outcomes_between_insights_and_trials(self) -> None:
        assert trial_outcome("spasm burden") == "spasm_burden"
        assert trial_outcome("max spasm intensity") == "max_spasm_intensity"
        assert trial_outcome("headache (0–5)") == "symptom:headache"
        assert trial_outcome("painful regions (pain drawing)") is None

    def test_it_matches_same_factor_and_an_outcome_of_the_finding(self) -> None:
        trial = past_trial(self.alice, self.heat)  # outcome spasm_burden
        assert matches(trial, finding())
        assert matches(trial, finding("heat (min)"))  # the dose factor of the same treatment
        assert not matches(trial, finding(outcome="overall pain"))
        assert matches(
            trial, finding(outcome="overall pain", outcomes=["overall pain", "spasm burden"])
        )
        assert not matches(trial, finding("ice / cold pack"))
        assert treatment_for_factor(self.alice, "heat") == self.heat
        assert treatment_for_factor(self.alice, "hours sitting") is None

    def test_it_confirms_a_finding_the_experiment_reproduced(self) -> None:
        trial = past_trial(self.alice, self.heat)
        plant_checkins(trial, -2.5)
        report = {"helps": [finding()], "aggravates": [finding()], "no_clear_effect": [finding()]}
        marked = mark_findings(report, self.alice, TODAY)
        assert marked["helps"][0]["experiment"] == {
            "status": "confirmed",
            "trial": str(trial.code),
            "title": trial.title,
        }
        # heat "went with worse days" is contradicted by the same experiment
        assert marked["aggravates"][0]["experiment"]["status"] == "not_confirmed"
        assert marked["no_clear_effect"][0]["experiment"] is None

    def test_it_does_not_confirm_what_a_null_experiment_did_not_show(self) -> None:
        trial = past_trial(self.alice, self.heat)
        plant_checkins(trial, 0.0, seed=4)
        marked = mark_findings({"helps": [finding()]}, self.alice, TODAY)
        assert marked["helps"][0]["experiment"]["status"] == "not_confirmed"

    def test_it_ignores_running_and_other_peoples_experiments(self) -> None:
        running = past_trial(self.alice, self.heat, days_ago=10)
        plant_checkins(running, -2.5)
        theirs = past_trial(self.charlie, self.heat)
        plant_checkins(theirs, -2.5)
        marked = mark_findings({"helps": [finding()]}, self.alice, TODAY)
        assert marked["helps"][0]["experiment"] is None

    def test_it_fills_in_b_the_outcome_and_a_washout_for_a_next_day_finding(self) -> None:
        trial = past_trial(self.alice, ice(), days_ago=100, blocks=8)  # check-ins up to today
        plant_checkins(trial, 0.0)
        initial, choice, notes = plan_for_finding(self.alice, "heat", "spasm burden", 1, TODAY)
        assert initial["treatment_b"] == "heat" and initial["outcome"] == "spasm_burden"
        assert initial["washout_days"] == 1 and notes == []
        assert choice is not None and choice.reached and choice.check.power >= 0.8
        assert (initial["period_days"], initial["blocks"]) == (choice.period_days, choice.blocks)

    def test_it_makes_a_habit_b_as_a_habit_change(self) -> None:
        # (tests/trials/test_habit_trials.py covers habit changes in full)
        initial, _choice, notes = plan_for_finding(self.alice, "hours sitting", "fatigue", 0, TODAY)
        assert "treatment_b" not in initial and initial["outcome"] == "fatigue"
        assert initial["habit_b"] == "hours_sitting" and initial["habit_goal"] == "at_most"

    def test_it_says_why_an_unknown_factor_cannot_be_b(self) -> None:
        initial, _choice, notes = plan_for_finding(self.alice, "juggling", "fatigue", 0, TODAY)
        assert "treatment_b" not in initial and "habit_b" not in initial
        assert "not a treatment on your list nor one of your habits" in notes[0]


@time_machine.travel(INSIGHTS_NOW)
class PathTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        cache.clear()
        fill(self.alice, date(2025, 9, 1), 40, heat_lowers=True)
        self.client.force_login(self.alice_user)

    def test_it_opens_the_form_filled_in_with_its_power(self) -> None:
        r = self.client.get("/trials/new/?factor=heat&outcome=max+spasm+intensity&lag=0")
        self.assertContains(r, "From your Insights")
        self.assertContains(r, '<option value="heat" selected>')
        self.assertContains(r, '<option value="max_spasm_intensity" selected>')
        self.assertContains(r, 'id="design-preview"')
        self.assertContains(r, "Your plan")

    def test_it_refuses_nonsense_quietly(self) -> None:
        r = self.client.get("/trials/new/?factor=x&outcome=y&lag=abc")
        assert r.status_code == 200
        self.assertContains(r, "is not a treatment on your list")

    def test_it_marks_the_finding_in_the_api_and_on_the_page(self) -> None:
        from spasmtrack.trials.models import Trial

        trial = Trial.objects.create(
            person=self.alice, title="Heat test", treatment_b=self.heat,
            outcome="max_spasm_intensity", start=date(2025, 9, 1), period_days=5, blocks=4,
        )  # fmt: skip
        data = self.client.get("/api/insights", **self.bearer(self.alice_token)).json()
        # One grouped finding: mean and max spasm intensity; the trial's outcome is among them.
        (hit,) = [i for i in data["helps"] if "max spasm intensity" in i["outcomes"]]
        assert hit["factor"] == "heat"
        assert hit["experiment"]["trial"] == str(trial.code)
        assert hit["experiment"]["status"] in ("confirmed", "not_confirmed")
        assert all(i["experiment"] is None for i in data["no_clear_effect"])
        r = self.client.get("/insights/")
        self.assertContains(r, "confirmed by your experiment</strong>: <a href=")
        # charlie's API sees none of it
        data = self.client.get("/api/insights", **self.bearer(self.charlie_token)).json()
        assert data["helps"] == []

    def test_it_puts_a_line_per_finding_in_the_clinician_report(self) -> None:
        from spasmtrack.reports.data import collect

        r = collect(self.alice, date(2025, 9, 1), date(2025, 10, 10), date(2025, 11, 10))
        assert r.findings and r.findings[0].startswith("Likely helps: On days with heat")

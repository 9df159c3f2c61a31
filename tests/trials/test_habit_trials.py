"""Experiments whose condition B is a habit change ("hours sitting: at most 6 h a day")."""

from __future__ import annotations

import copy
import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

import numpy as np
import pytest
import time_machine
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from typer.testing import CliRunner

from spasmtrack.accounts.models import Person
from spasmtrack.diary.entries import RESOURCES, create_entry
from spasmtrack.diary.models import Habit, HabitLog, MuscleEvent
from spasmtrack.interop.native import delete_person_data, export_document, import_document
from spasmtrack.test import BaseTestCase
from spasmtrack.trials import days as trial_days
from spasmtrack.trials.design import check_design, create_trial
from spasmtrack.trials.findings import mark_findings, matches, plan_for_finding, verdict_of
from spasmtrack.trials.models import Trial, TrialError, TrialEvent
from tests.trials.helpers import NOW, TODAY, plant_checkins

SITTING = {"habit_b": "hours_sitting", "habit_goal": "at_most", "habit_limit": 6}


def stretching() -> Habit:
    return Habit.objects.get_or_create(
        key="stretching_done", defaults={"name": "Stretching done", "kind": "yes_no"}
    )[0]


def past_habit_trial(
    person: Person, habit: Habit, goal: str, limit: float | None, *, days_ago: int = 42, **kw: Any
) -> Trial:
    """A habit trial that started `days_ago` days before TODAY (as helpers.past_trial)."""
    trial = Trial.objects.create(
        person=person,
        title="Less sitting",
        habit_b=habit,
        habit_goal=goal,
        habit_limit=limit,
        start=TODAY - timedelta(days=days_ago),
        seed=7,
        status=Trial.Status.RUNNING,
        **kw,
    )
    TrialEvent.objects.create(trial=trial, kind="created", local_date=trial.start)
    return trial


def log_habit(person: Person, habit: Habit, day: date, value: float) -> None:
    HabitLog.objects.create(person=person, habit=habit, local_date=day, value=value)


def finding(factor: str = "hours sitting", outcome: str = "spasm burden") -> dict[str, Any]:
    return {"factor": factor, "outcome": outcome, "lag_days": 0}


@time_machine.travel(NOW)
class HabitTrialModelTestCase(BaseTestCase):
    def test_it_refuses_both_or_neither_b_in_the_database(self) -> None:
        base = {"person": self.alice, "title": "x", "start": TODAY}
        bad = [
            {},  # no B at all
            {"treatment_b": self.heat, "habit_b": self.sitting, "habit_goal": "at_most",
             "habit_limit": 6},  # both
            {"habit_b": self.sitting, "habit_goal": "at_most"},  # a number goal without limit
            {"habit_b": self.sitting, "habit_goal": ""},  # no goal
            {"habit_b": stretching(), "habit_goal": "avoid", "habit_limit": 1},  # yes/no limit
            {"treatment_b": self.heat, "habit_goal": "avoid"},  # a goal without a habit
            {"habit_b": self.sitting, "habit_goal": "at_most", "habit_limit": 6,
             "treatment_a": self.heat},  # a habit change is compared with the usual routine
        ]  # fmt: skip
        for fields in bad:
            with self.assertRaises(IntegrityError, msg=fields), transaction.atomic():
                Trial.objects.create(**base, **fields)
        assert not Trial.objects.exists()
        trial = Trial(**base, treatment_b=self.heat, habit_b=self.sitting, habit_goal="at_most")
        with self.assertRaisesMessage(ValidationError, "B is either a treatment or a habit"):
            trial.full_clean()
        # Both kinds of trial are valid on their own.
        Trial.objects.create(**base, treatment_b=self.heat)
        Trial.objects.create(**base, habit_b=self.sitting, habit_goal="at_most", habit_limit=6)
        Trial.objects.create(**base, habit_b=stretching(), habit_goal="do")

    def test_it_checks_a_habit_change_with_clear_errors(self) -> None:
        stretching()
        cases = [
            ({**SITTING, "treatment_b": "heat"}, "habit_b", "not both"),
            ({**SITTING, "habit_b": "juggling"}, "habit_b", "unknown habit 'juggling'"),
            ({**SITTING, "habit_goal": "avoid"}, "habit_goal", "at_most, at_least"),
            ({**SITTING, "habit_limit": None}, "habit_limit", "give the daily limit"),
            ({**SITTING, "habit_limit": -1}, "habit_limit", "0 or more"),
            ({**SITTING, "habit_limit": "lots"}, "habit_limit", "is not a number"),
            ({**SITTING, "habit_goal": "at_least", "habit_limit": 0}, "habit_limit",
             "asks nothing"),
            ({"habit_b": "stretching_done", "habit_goal": "at_most"}, "habit_goal", "do, avoid"),
            ({"habit_b": "stretching_done", "habit_goal": "do", "habit_limit": 2}, "habit_limit",
             "no daily limit"),
            ({**SITTING, "treatment_a": "heat"}, "treatment_a", "usual routine"),
            ({"habit_goal": "at_most", "habit_limit": 6}, "habit_b", "choose the habit"),
            ({}, "treatment_b", "or a habit change"),
        ]  # fmt: skip
        for data, field, text in cases:
            with self.assertRaises(TrialError, msg=data) as e:
                check_design(self.alice, data, TODAY)
            assert (e.exception.field, text in e.exception.message) == (field, True), (
                data,
                e.exception.field,
                e.exception.message,
            )
        # another person's own habit is unknown here
        theirs = Habit.add_custom(self.charlie, name="Charlie's habit", kind="yes_no")
        with self.assertRaises(TrialError):
            check_design(self.alice, {"habit_b": theirs.key, "habit_goal": "do"}, TODAY)

    def test_it_creates_a_habit_trial_named_after_its_goal(self) -> None:
        trial, _check = create_trial(self.alice, check_design(self.alice, SITTING, TODAY), TODAY)
        assert trial.treatment_b is None and trial.habit_b == self.sitting
        assert trial.b_name == "Hours sitting: at most 6 h a day"
        assert trial.title == "Hours sitting: at most 6 h a day vs Usual routine"
        assert not trial.b_adds_factor
        d = trial.to_dict()
        assert (d["treatment_b"], d["treatment_b_name"], d["b_kind"]) == (
            None,
            "Hours sitting: at most 6 h a day",
            "habit",
        )
        assert (d["habit_b"], d["habit_goal"], d["habit_limit"]) == ("hours_sitting", "at_most", 6)


@time_machine.travel(NOW)
class HabitTrialApiTestCase(BaseTestCase):
    def post(self, body: Any, token: str | None = None) -> Any:
        return self.client.post(
            "/api/trials",
            json.dumps(body),
            content_type="application/json",
            **self.bearer(token or self.alice_token),
        )

    def test_it_creates_and_reads_a_habit_trial(self) -> None:
        r = self.post({**SITTING, "blocks": 2, "period_days": 5})
        assert r.status_code == 201, r.content
        body = r.json()
        assert body["b_kind"] == "habit" and body["treatment_b"] is None
        assert body["treatment_a"] == "usual" and body["habit_b"] == "hours_sitting"
        assert (body["habit_goal"], body["habit_limit"]) == ("at_most", 6.0)
        assert body["treatment_b_name"] == "Hours sitting: at most 6 h a day"
        assert body["habit_b_name"] == "Hours sitting" and "power_check" in body
        read = self.client.get(f"/api/trials/{body['id']}", **self.bearer(self.alice_token))
        assert read.status_code == 200
        assert {k: v for k, v in read.json().items()} == {
            k: v for k, v in body.items() if k != "power_check"
        }
        listed = self.client.get("/api/trials", **self.bearer(self.alice_token)).json()
        assert [t["id"] for t in listed] == [body["id"]]
        # charlie cannot read it
        other = self.client.get(f"/api/trials/{body['id']}", **self.bearer(self.charlie_token))
        assert other.status_code == 404

    def test_it_keeps_the_treatment_trial_shape_and_adds_keys(self) -> None:
        r = self.post({"treatment_b": "heat"})
        assert r.status_code == 201, r.content
        body = r.json()
        assert (body["treatment_b"], body["treatment_b_name"], body["b_kind"]) == (
            "heat",
            "Heat",
            "treatment",
        )
        assert body["habit_b"] is None and body["habit_goal"] is None

    def test_it_refuses_a_bad_habit_change_with_422_and_writes_nothing(self) -> None:
        cases = [
            ({**SITTING, "treatment_b": "heat"}, "habit_b"),
            ({**SITTING, "habit_goal": "less"}, "habit_goal"),  # not one of the four
            ({**SITTING, "habit_limit": None}, "habit_limit"),
            ({"habit_b": "nope", "habit_goal": "do"}, "habit_b"),
        ]
        for body, field in cases:
            r = self.post(body)
            assert r.status_code == 422, (body, r.content)
            assert r.json()["detail"][0]["loc"][-1] == field, (body, r.json())
        assert not Trial.objects.exists()


@time_machine.travel(NOW)
class HabitTrialAdherenceTestCase(BaseTestCase):
    def test_it_reads_adherence_from_the_habit_log(self) -> None:
        trial = past_habit_trial(self.alice, self.sitting, "at_most", 6, days_ago=13, blocks=1)
        days = trial.schedule.days
        b_day = next(d.day for d in days if d.condition == "B")
        a_day = next(d.day for d in days if d.condition == "A")
        b_missed = [d.day for d in days if d.condition == "B"][1]
        log_habit(self.alice, self.sitting, b_day, 5.5)  # kept to at most 6 h
        log_habit(self.alice, self.sitting, a_day, 9)  # usual: a long day
        log_habit(self.alice, self.sitting, b_missed, 8)  # B day, limit missed
        rows = {r.day: r for r in trial_days.day_rows(trial, TODAY)}
        assert (rows[b_day].actual, rows[b_day].source, rows[b_day].followed) == ("B", "log", True)
        assert (rows[a_day].actual, rows[a_day].followed) == ("A", True)
        assert (rows[b_missed].actual, rows[b_missed].followed) == ("A", False)
        assert rows[b_day].ask == "Did you keep to “Hours sitting: at most 6 h a day”?"
        adherence = trial_days.adherence(list(rows.values()))
        assert (adherence.followed, adherence.deviated) == (2, 1)
        # Without a log, the yes/no answer decides: "no" on a B day means the usual routine.
        unlogged = [d.day for d in days if d.condition == "B"][2]
        trial_days.record_answer(trial, unlogged, False, TODAY)
        row = next(r for r in trial_days.day_rows(trial, TODAY) if r.day == unlogged)
        assert (row.actual, row.source) == ("A", "answer")

    def test_it_reads_a_yes_no_habit_against_do_and_avoid(self) -> None:
        habit = stretching()
        for goal, value, expected in [("avoid", 0, "B"), ("avoid", 1, "A"), ("do", 1, "B")]:
            trial = past_habit_trial(self.alice, habit, goal, None, days_ago=13, blocks=1)
            day = next(d.day for d in trial.schedule.days if d.condition == "B")
            HabitLog.objects.filter(person=self.alice).delete()
            log_habit(self.alice, habit, day, value)
            row = next(r for r in trial_days.day_rows(trial, TODAY) if r.day == day)
            assert row.actual == expected, (goal, value)

    def test_it_analyses_a_habit_trial_and_shows_its_report(self) -> None:
        trial = past_habit_trial(self.alice, self.sitting, "at_most", 6)
        plant_checkins(trial, -2.5)
        result = trial_days.analysis(trial, TODAY)
        assert result.itt is not None and result.itt.p_b_better > 0.95
        self.client.force_login(self.alice_user)
        r = self.client.get(f"/trials/{trial.code}/report/")
        self.assertContains(r, "B: Hours sitting: at most 6 h a day.")
        r = self.client.get(f"/trials/{trial.code}/")
        self.assertContains(r, "Hours sitting: at most 6 h a day")
        r = self.client.get(f"/trials/{trial.code}/", follow=False)
        assert r.status_code == 200
        self.client.force_login(self.charlie_user)
        assert self.client.get(f"/trials/{trial.code}/report/").status_code == 404


@time_machine.travel(NOW)
class HabitFindingTestCase(BaseTestCase):
    def test_it_matches_a_habit_trial_to_its_habits_finding(self) -> None:
        trial = past_habit_trial(self.alice, self.sitting, "at_most", 6)
        assert matches(trial, finding())
        assert not matches(trial, finding(outcome="overall pain"))
        assert not matches(trial, finding("heat"))
        assert not matches(trial, finding("hours sitting (2)"))
        other = past_habit_trial(self.alice, stretching(), "do", None)
        assert not matches(other, finding())

    def test_it_confirms_worse_days_when_less_of_the_habit_was_better(self) -> None:
        trial = past_habit_trial(self.alice, self.sitting, "at_most", 6)
        plant_checkins(trial, -2.5)  # B (less sitting) days were better
        assert verdict_of(trial, "aggravates", TODAY) == "confirmed"
        assert verdict_of(trial, "helps", TODAY) == "not_confirmed"
        report = {"aggravates": [finding()], "helps": [finding("heat")]}
        marked = mark_findings(report, self.alice, TODAY)
        assert marked["aggravates"][0]["experiment"] == {
            "status": "confirmed",
            "trial": str(trial.code),
            "title": trial.title,
        }
        assert marked["helps"][0]["experiment"] is None

    def test_it_does_not_confirm_what_a_null_habit_trial_did_not_show(self) -> None:
        trial = past_habit_trial(self.alice, self.sitting, "at_most", 6)
        plant_checkins(trial, 0.0, seed=4)
        assert verdict_of(trial, "aggravates", TODAY) == "not_confirmed"

    def test_it_plans_less_sitting_from_the_persons_own_hours(self) -> None:
        rng = np.random.default_rng(3)
        first = TODAY - timedelta(days=100)
        hours = [float(h) for h in rng.integers(4, 12, size=100)]
        for i, h in enumerate(hours):
            log_habit(self.alice, self.sitting, first + timedelta(days=i), h)
        trial = past_habit_trial(self.alice, stretching(), "do", None, days_ago=100, blocks=8)
        plant_checkins(trial, 0.0)  # a daily spasm score for the power plan
        initial, choice, notes = plan_for_finding(
            self.alice, "hours sitting", "spasm burden", 1, TODAY, "aggravates"
        )
        recent = sorted(hours[-60:])
        lower_quartile = float(np.percentile(recent, 25))
        assert "treatment_b" not in initial
        assert (initial["habit_b"], initial["habit_goal"]) == ("hours_sitting", "at_most")
        assert initial["habit_limit"] == float(np.floor(lower_quartile + 0.5))
        assert initial["outcome"] == "spasm_burden" and initial["washout_days"] == 1
        assert initial["treatment_a"] == "usual"
        assert choice is not None and choice.reached and choice.check.power >= 0.8
        assert (initial["period_days"], initial["blocks"]) == (choice.period_days, choice.blocks)
        assert notes and "at most" in notes[0]
        # The plan is a valid design as it stands.
        design = check_design(self.alice, {**initial, "start": TODAY}, TODAY)
        assert design.habit_change is not None and design.treatment_b is None
        # A habit that goes with better days asks for more of it.
        more, _choice, _notes = plan_for_finding(
            self.alice, "hours sitting", "spasm burden", 0, TODAY, "helps"
        )
        upper_quartile = float(np.percentile(recent, 75))
        assert more["habit_goal"] == "at_least"
        assert more["habit_limit"] == float(np.floor(upper_quartile + 0.5))

    def test_it_plans_avoid_or_do_for_a_yes_no_habit(self) -> None:
        stretching()
        worse, _c, _n = plan_for_finding(self.alice, "stretching done", "fatigue", 0, TODAY)
        assert (worse["habit_b"], worse["habit_goal"]) == ("stretching_done", "avoid")
        assert "habit_limit" not in worse and worse["outcome"] == "fatigue"
        better, _c, _n = plan_for_finding(
            self.alice, "stretching done", "fatigue", 0, TODAY, "helps"
        )
        assert better["habit_goal"] == "do"

    def test_it_asks_for_a_limit_when_the_habit_was_rarely_logged(self) -> None:
        initial, _choice, notes = plan_for_finding(self.alice, "hours sitting", "fatigue", 0, TODAY)
        assert initial["habit_goal"] == "at_most" and "habit_limit" not in initial
        assert "too rarely to suggest one" in notes[0]

    def test_it_opens_the_form_filled_in_for_a_habit_finding(self) -> None:
        for i in range(20):
            log_habit(self.alice, self.sitting, TODAY - timedelta(days=i + 1), 4 + i % 6)
        self.client.force_login(self.alice_user)
        r = self.client.get(
            "/trials/new/?factor=hours+sitting&outcome=spasm+burden&lag=0&verdict=aggravates"
        )
        self.assertContains(r, "From your Insights")
        self.assertContains(r, "B is a change of hours sitting (the goal below)")
        self.assertContains(r, '<option value="hours_sitting" selected>')
        self.assertContains(r, '<option value="at_most" selected>')
        self.assertContains(r, 'name="habit_limit" value="5.0"')
        # and the form creates it
        form = {"treatment_a": "usual", "habit_b": "hours_sitting", "habit_goal": "at_most",
                "habit_limit": "5", "outcome": "spasm_burden", "period_days": 7, "blocks": 3,
                "washout_days": 0, "start": TODAY.isoformat(), "mcid": 1}  # fmt: skip
        r = self.client.post("/trials/new/", form)
        trial = Trial.objects.get()
        self.assertRedirects(r, f"/trials/{trial.code}/")
        assert (trial.habit_b, trial.habit_limit, trial.treatment_b) == (self.sitting, 5.0, None)
        r = self.client.post("/trials/new/", {**form, "treatment_b": "heat"})
        self.assertContains(r, "not both")
        assert Trial.objects.count() == 1


INSIGHTS_NOW = datetime(2025, 11, 10, 12, 0, tzinfo=UTC)


@time_machine.travel(INSIGHTS_NOW)
class HabitProofOnInsightsTestCase(BaseTestCase):
    """A finished "less sitting" experiment confirms "hours sitting goes with worse days"."""

    def setUp(self) -> None:
        super().setUp()
        cache.clear()
        self.trial = Trial.objects.create(
            person=self.alice, title="Sit less", habit_b=self.sitting, habit_goal="at_most",
            habit_limit=5, outcome="max_spasm_intensity", start=date(2025, 9, 1),
            period_days=5, blocks=4, seed=11,
        )  # fmt: skip
        rng = np.random.default_rng(5)
        for d in self.trial.schedule.days:
            on_b = d.condition == "B"
            hours = 4.0 if on_b else 9.0
            intensity = int(np.clip(round((3 if on_b else 7) + rng.normal(0, 0.7)), 0, 10))
            create_entry(
                self.alice,
                RESOURCES["habit-logs"],
                {"habit": "hours_sitting", "local_date": d.day, "value": hours},
            )
            create_entry(
                self.alice,
                RESOURCES["muscle-events"],
                {"kind": "spasm", "started_at": f"{d.day}T10:00:00Z", "intensity": intensity,
                 "regions": ["calf_left"]},
            )  # fmt: skip
        self.client.force_login(self.alice_user)

    def test_it_shows_confirmed_by_your_experiment(self) -> None:
        assert MuscleEvent.objects.filter(person=self.alice).count() == 40
        data = self.client.get("/api/insights", **self.bearer(self.alice_token)).json()
        (hit,) = [
            i
            for i in data["aggravates"]
            if i["factor"] == "hours sitting" and "max spasm intensity" in i["outcomes"]
        ]
        assert hit["experiment"] == {
            "status": "confirmed",
            "trial": str(self.trial.code),
            "title": "Sit less",
        }
        r = self.client.get("/insights/")
        self.assertContains(r, "<strong>Confirmed by your experiment</strong>: <a href=")
        self.assertContains(r, "Sit less</a>")
        from spasmtrack.insights.present import finding_lines
        from spasmtrack.reports.data import experiment_lines

        (line,) = experiment_lines(
            self.alice, date(2025, 9, 1), date(2025, 11, 9), date(2025, 11, 10)
        )
        assert line.startswith(
            "Sit less (Hours sitting: at most 5 h a day vs Usual routine, Strongest spasm"
        )
        assert ": Hours sitting: at most 5 h a day was likely better (chance" in line

        lines = finding_lines(self.alice, date(2025, 9, 1), date(2025, 10, 10), date(2025, 11, 10))
        assert any(
            "sitting" in line and "Confirmed by the person's own experiment." in line
            for line in lines
        ), lines


@time_machine.travel(NOW)
class HabitTrialExportTestCase(BaseTestCase):
    def test_it_round_trips_a_habit_trial(self) -> None:
        trial, _ = create_trial(self.alice, check_design(self.alice, SITTING, TODAY), TODAY)
        trial_days.record_answer(trial, TODAY, True, TODAY)
        doc = export_document(self.alice)
        (row,) = doc["trials"]
        assert (row["habit_b"], row["habit_goal"], row["habit_limit"]) == SITTING_VALUES
        assert row["treatment_b"] is None
        delete_person_data(self.alice)
        import_document(self.alice, copy.deepcopy(doc), where="all.json")
        again = export_document(self.alice)
        for d in (doc, again):
            d.pop("exported_at")
        assert again == doc
        restored = Trial.objects.get()
        assert (restored.code, restored.seed, restored.habit_b) == (
            trial.code,
            trial.seed,
            self.sitting,
        )

    def test_it_round_trips_a_habit_trial_through_csv(self) -> None:
        from spasmtrack.interop.native import export_csv_zip, read_csv_zip

        create_trial(self.alice, check_design(self.alice, SITTING, TODAY), TODAY)
        create_trial(self.alice, check_design(self.alice, {"treatment_b": "heat"}, TODAY), TODAY)
        doc = export_document(self.alice)
        data = export_csv_zip(self.alice)
        delete_person_data(self.alice)
        import_document(self.alice, read_csv_zip(data))
        again = export_document(self.alice)
        for d in (doc, again):
            d.pop("exported_at")
        assert again == doc
        assert Trial.objects.filter(habit_b=self.sitting, habit_limit=6).count() == 1

    def test_it_restores_an_old_backup_without_the_habit_keys(self) -> None:
        create_trial(self.alice, check_design(self.alice, {"treatment_b": "heat"}, TODAY), TODAY)
        doc = export_document(self.alice)
        new_keys = ("b_kind", "habit_b", "habit_b_name", "habit_goal", "habit_limit")
        for row in doc["trials"]:
            for k in new_keys:
                row.pop(k)
        delete_person_data(self.alice)
        import_document(self.alice, copy.deepcopy(doc), where="old.json")
        restored = Trial.objects.get()
        assert restored.treatment_b == self.heat and restored.habit_b is None

    def test_it_refuses_a_restored_habit_trial_that_breaks_the_rules(self) -> None:
        from spasmtrack.interop.native import ImportRefused

        create_trial(self.alice, check_design(self.alice, SITTING, TODAY), TODAY)
        doc = export_document(self.alice)
        doc["trials"][0]["treatment_b"] = "heat"  # both B
        delete_person_data(self.alice)
        with pytest.raises(ImportRefused, match="not both"):
            import_document(self.alice, copy.deepcopy(doc), where="bad.json")
        assert not Trial.objects.exists()

    def test_it_leaves_the_fhir_export_working(self) -> None:
        # FHIR has no resource for experiments (interop/fhir.py exports none, of either kind);
        # a person with a habit trial still exports a bundle.
        from spasmtrack.interop.fhir import export_bundle

        create_trial(self.alice, check_design(self.alice, SITTING, TODAY), TODAY)
        log_habit(self.alice, self.sitting, TODAY, 5)
        bundle = export_bundle(self.alice)
        text = json.dumps(bundle, default=str)
        assert "Hours sitting" in text and "at most 6 h" not in text


SITTING_VALUES = ("hours_sitting", "at_most", 6.0)


runner = CliRunner()


@pytest.mark.django_db(transaction=True)
@time_machine.travel(NOW)
def test_it_creates_a_habit_trial_from_the_command_line() -> None:
    from spasmtrack.cli import app

    r = runner.invoke(app, ["user", "add", "alice", "--password-stdin"], input="a-long-pass-1\n")
    assert r.exit_code == 0, r.output
    Habit.objects.get_or_create(
        key="hours_sitting", defaults={"name": "Hours sitting", "kind": "number", "unit": "h"}
    )
    r = runner.invoke(app, ["trial", "create", "--habit", "hours_sitting", "--limit", "6"])
    assert r.exit_code == 0, r.output
    trial = Trial.objects.get()
    assert (trial.habit_goal, trial.habit_limit, trial.treatment_b) == ("at_most", 6.0, None)
    assert "Hours sitting: at most 6 h a day" in r.output
    r = runner.invoke(app, ["trial", "create", "--habit", "hours_sitting"])
    assert r.exit_code == 2 and "--limit: give the daily limit" in r.stderr
    r = runner.invoke(app, ["trial", "create", "--habit", "hours_sitting", "--b", "heat"])
    assert r.exit_code == 2 and "--habit:" in r.stderr and "not both" in r.stderr
    r = runner.invoke(app, ["trial", "create"])
    assert r.exit_code == 2 and "--b:" in r.stderr
    assert Trial.objects.count() == 1

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import numpy as np
import time_machine

from spasmtrack.diary.entries import RESOURCES, create_entry
from spasmtrack.diary.models import Habit, Treatment
from spasmtrack.insights.daily import (
    MAX_INTENSITY,
    MEAN_INTENSITY,
    PAINFUL_REGIONS,
    SPASM_COUNT,
    TWITCH_COUNT,
    WPI_AREAS,
    DiarySeries,
    diary_series,
    display_name,
    drawing_series,
    muscle_event_series,
    state_before_series,
    treatment_factors,
)
from spasmtrack.insights.services import compute_insights
from spasmtrack.test import BaseTestCase

NOW = datetime(2025, 11, 10, 12, 0, tzinfo=UTC)
D = date.fromisoformat


def test_it_counts_zero_spasms_on_tracked_days_and_leaves_intensity_missing() -> None:
    rows = [
        {"local_date": D("2025-01-01"), "kind": "spasm", "intensity": 4},
        {"local_date": D("2025-01-01"), "kind": "spasm", "intensity": 8},
        {"local_date": D("2025-01-01"), "kind": "twitch", "intensity": 1},
    ]
    s = muscle_event_series(rows, {D("2025-01-01"), D("2025-01-02")})
    assert s[SPASM_COUNT] == {D("2025-01-01"): 2.0, D("2025-01-02"): 0.0}
    assert s[TWITCH_COUNT] == {D("2025-01-01"): 1.0, D("2025-01-02"): 0.0}
    assert s[MAX_INTENSITY] == {D("2025-01-01"): 8.0}
    assert s[MEAN_INTENSITY] == {D("2025-01-01"): 6.0}


def test_it_counts_painful_regions_and_wpi_areas_of_a_day() -> None:
    rows = [
        # calf (right) at 0 is no pain; calf (left) and jaw (left) lie in two WPI areas
        {"local_date": D("2025-01-01"), "regions": {"calf_left": 5, "calf_right": 0}},
        {"local_date": D("2025-01-01"), "regions": {"calf_left": 3, "jaw_left": 2}},
    ]
    s = drawing_series(rows)
    assert s[PAINFUL_REGIONS] == {D("2025-01-01"): 2.0}
    assert s[WPI_AREAS] == {D("2025-01-01"): 2.0}


def test_it_adds_a_dose_factor_only_when_amounts_vary_in_one_unit() -> None:
    def log(day: str, amount: float | None, unit: str = "mg", tid: int = 1) -> dict[str, object]:
        return {
            "local_date": D(day),
            "treatment_id": tid,
            "treatment__name": "Magnesium supplement",
            "treatment__owner_id": None,
            "amount": amount,
            "unit": unit,
            "pain_before": None,
            "pain_after": None,
        }

    tracked = {D("2025-01-01"), D("2025-01-02"), D("2025-01-03")}
    f, info, _ = treatment_factors([log("2025-01-01", 200), log("2025-01-02", 400)], tracked)
    assert f["magnesium supplement"] == {D("2025-01-01"): 1.0, D("2025-01-02"): 1.0}
    assert f["magnesium supplement (mg)"] == {
        D("2025-01-01"): 200.0,
        D("2025-01-02"): 400.0,
        D("2025-01-03"): 0.0,
    }
    assert info["magnesium supplement (mg)"].kind == "numeric"
    same, _, _ = treatment_factors([log("2025-01-01", 200), log("2025-01-02", 200)], tracked)
    assert "magnesium supplement (mg)" not in same
    mixed, _, _ = treatment_factors([log("2025-01-01", 200), log("2025-01-02", None)], tracked)
    assert "magnesium supplement (mg)" not in mixed


def test_its_state_before_counts_spasms_before_the_treatments_time_or_its_usual_time() -> None:
    def at(day: str, hhmm: str) -> datetime:
        return datetime.fromisoformat(f"{day}T{hhmm}:00+00:00")

    events = [
        {"local_date": D("2025-01-01"), "kind": "spasm", "started_at": at("2025-01-01", "08:00")},
        {"local_date": D("2025-01-01"), "kind": "spasm", "started_at": at("2025-01-01", "13:00")},
        {"local_date": D("2025-01-01"), "kind": "twitch", "started_at": at("2025-01-01", "07:00")},
        {"local_date": D("2025-01-01"), "kind": "spasm", "started_at": at("2025-01-01", "15:00")},
        {"local_date": D("2025-01-02"), "kind": "spasm", "started_at": at("2025-01-02", "09:00")},
        {"local_date": D("2025-01-03"), "kind": "spasm", "started_at": at("2025-01-03", "13:30")},
    ]
    logs = [  # heat at 14:00 on the 1st (and a later second session), 12:00 on the 2nd
        {"treatment_id": 1, "local_date": D("2025-01-01"), "at": at("2025-01-01", "18:00")},
        {"treatment_id": 1, "local_date": D("2025-01-01"), "at": at("2025-01-01", "14:00")},
        {"treatment_id": 1, "local_date": D("2025-01-02"), "at": at("2025-01-02", "12:00")},
    ]
    days = {D("2025-01-01"), D("2025-01-02"), D("2025-01-03"), D("2025-01-04")}
    state = state_before_series(events, logs, {1: "heat"}, days, UTC)
    # The 3rd has no heat: its usual time is the median of 14:00 and 12:00, 13:00.
    expected = {D("2025-01-01"): 2.0, D("2025-01-02"): 1.0, D("2025-01-03"): 0.0}
    assert state["heat"][SPASM_COUNT] == {**expected, D("2025-01-04"): 0.0}
    assert state["heat"][MAX_INTENSITY] == state["heat"][SPASM_COUNT]
    assert state_before_series(events, logs, {}, days, UTC) == {}


def test_it_lowers_catalogue_titles_but_keeps_acronyms_and_own_names() -> None:
    assert display_name("Heat", custom=False) == "heat"
    assert display_name("NSAID gel", custom=False) == "NSAID gel"
    assert display_name("Pilates", custom=True) == "Pilates"


@time_machine.travel(NOW)
class DiarySeriesTestCase(BaseTestCase):
    def spasm(self, at: str, intensity: int = 5, person: object = None) -> None:
        create_entry(
            person or self.alice,
            RESOURCES["muscle-events"],
            {"kind": "spasm", "started_at": at, "intensity": intensity, "regions": ["calf_left"]},
        )

    def test_it_buckets_by_local_day_across_the_dst_change(self) -> None:
        # Europe/Berlin leaves summer time on 2025-10-26 (a 25-hour day).
        self.spasm("2025-10-25T22:30:00Z")  # 00:30 CEST on the 26th
        self.spasm("2025-10-26T22:30:00Z")  # 23:30 CET, still the 26th
        self.spasm("2025-10-26T23:30:00Z")  # 00:30 CET on the 27th
        s = diary_series(self.alice)
        assert s.outcomes[SPASM_COUNT] == {D("2025-10-26"): 2.0, D("2025-10-27"): 1.0}
        assert (s.first_day, s.last_day) == (D("2025-10-26"), D("2025-10-27"))

    def test_it_leaves_days_without_any_entry_missing(self) -> None:
        self.spasm("2025-11-01T10:00:00Z", 7)
        create_entry(
            self.alice, RESOURCES["checkins"], {"local_date": "2025-11-03", "overall_pain": 4}
        )
        s = diary_series(self.alice)
        # The 2nd has no entry at all: unknown, not "no spasms".
        assert s.outcomes[SPASM_COUNT] == {D("2025-11-01"): 1.0, D("2025-11-03"): 0.0}
        assert s.outcomes[MAX_INTENSITY] == {D("2025-11-01"): 7.0}
        assert s.outcomes["overall pain"] == {D("2025-11-03"): 4.0}
        assert PAINFUL_REGIONS not in s.outcomes  # never drawn: nothing to compare

    def test_it_reads_treatments_habits_symptoms_and_the_range(self) -> None:
        magnesium = Treatment.objects.create(
            key="magnesium-t", name="Magnesium supplement", category="nutrition", unit="mg"
        )
        stretched = Habit.objects.create(key="stretch-t", name="Stretching done", kind="yes_no")
        for day, hours in (("2025-11-01", 2.5), ("2025-11-02", 6.0)):
            create_entry(
                self.alice,
                RESOURCES["habit-logs"],
                {"habit": self.sitting.key, "local_date": day, "value": hours},
            )
        create_entry(
            self.alice,
            RESOURCES["habit-logs"],
            {"habit": stretched.key, "local_date": "2025-11-02", "value": 1},
        )
        create_entry(
            self.alice,
            RESOURCES["treatment-logs"],
            {
                "treatment": self.heat.key,
                "at": "2025-11-02T18:00:00Z",
                "pain_before": 6,
                "pain_after": 3,
            },
        )
        for day, mg in (("2025-11-01", 200.0), ("2025-11-03", 400.0)):
            create_entry(
                self.alice,
                RESOURCES["treatment-logs"],
                {"treatment": magnesium.key, "at": f"{day}T08:00:00Z", "amount": mg, "unit": "mg"},
            )
        create_entry(
            self.alice,
            RESOURCES["symptom-ratings"],
            {"name": "headache", "local_date": "2025-11-02", "value": 2, "scale_max": 5},
        )
        s = diary_series(self.alice)
        assert s.factors["hours sitting"] == {D("2025-11-01"): 2.5, D("2025-11-02"): 6.0}
        assert s.factor_info["hours sitting"].unit == "hour"
        assert s.factors["heat"] == {D("2025-11-02"): 1.0}
        assert s.factors["stretching done"] == {D("2025-11-02"): 1.0}
        assert s.factor_info["stretching done"].kind == "binary"
        assert s.factors["magnesium supplement (mg)"][D("2025-11-02")] == 0.0
        assert s.sessions == {"heat": [(6.0, 3.0)]}
        assert s.outcomes["headache (0–5)"] == {D("2025-11-02"): 2.0}
        only = diary_series(self.alice, D("2025-11-02"), D("2025-11-02"))
        assert only.factors["hours sitting"] == {D("2025-11-02"): 6.0}
        assert (only.first_day, only.last_day) == (D("2025-11-02"), D("2025-11-02"))

    def test_it_reads_the_state_before_a_treatment_in_local_time(self) -> None:
        self.spasm("2025-11-01T07:00:00Z")  # 08:00 in Berlin
        self.spasm("2025-11-01T12:30:00Z")  # 13:30, after the heat at 13:00
        create_entry(
            self.alice,
            RESOURCES["treatment-logs"],
            {"treatment": self.heat.key, "at": "2025-11-01T12:00:00Z"},
        )
        s = diary_series(self.alice)
        assert s.state_before["heat"][SPASM_COUNT] == {D("2025-11-01"): 1.0}

    def test_it_does_not_call_heat_taken_after_a_bad_morning_worsening(self) -> None:
        """No effect; heat at 14:00 on 70 % of days with a bad morning, 15 % of others."""
        rng = np.random.default_rng(21)
        level = np.zeros(150)
        for t in range(1, 150):
            level[t] = 0.6 * level[t - 1] + rng.normal(0, 0.5)
        rate = np.exp(0.7 + level)
        morning, afternoon = rng.poisson(rate), rng.poisson(rate)
        heat = rng.random(150) < np.where(morning > np.median(morning), 0.7, 0.15)
        rows = []
        for t in range(150):
            day = date(2025, 5, 1) + timedelta(days=t)
            times = [f"{5 + i % 5:02d}:{i // 5 % 60:02d}" for i in range(morning[t])]
            times += [f"{13 + i % 7}:{i // 7 % 60:02d}" for i in range(afternoon[t])]
            rows += [
                {
                    "kind": "spasm",
                    "started_at": f"{day}T{hhmm}:00Z",
                    "intensity": 5,
                    "regions": ["calf_left"],
                }
                for hhmm in times
            ]
            rows.append({"local_date": day.isoformat(), "overall_pain": 5})
            # A habit logged every day makes every day fully logged: no heat means "no".
            rows.append({"habit": self.sitting.key, "local_date": day.isoformat(), "value": 3})
            if heat[t]:
                rows.append({"treatment": self.heat.key, "at": f"{day}T12:00:00Z"})
        for r in rows:
            kind = (
                "habit-logs"
                if "habit" in r
                else (
                    "checkins"
                    if "overall_pain" in r
                    else "treatment-logs"
                    if "treatment" in r
                    else "muscle-events"
                )
            )
            create_entry(self.alice, RESOURCES[kind], r)
        s = diary_series(self.alice)
        assert set(s.state_before) == {"heat"}

        def worse(series: DiarySeries) -> list[str]:
            return [
                i["outcome"]
                for i in compute_insights(series)["aggravates"]
                if i["factor"] == "heat"
            ]

        adjusted = worse(s)
        s.state_before = {}
        assert worse(s)  # without the state before, heat would look like it worsens spasms
        assert adjusted == []

    def test_it_reads_only_the_persons_own_diary(self) -> None:
        self.spasm("2025-11-01T10:00:00Z", person=self.charlie)
        s = diary_series(self.alice)
        assert s.first_day is None and s.outcomes == {}

    def test_it_needs_one_query_per_diary_table(self) -> None:
        self.spasm("2025-11-01T10:00:00Z")
        # muscle events, check-ins, symptom ratings, pain drawings, treatment logs,
        # habit logs, then the nutrition app's intakes (one per 366 days), then the
        # tender-point exams (questionnaire responses), then the measures app's daily values
        # and check-in activity ratings (pacing without steps), then the cycle app's setting
        # (off here: its period days are not read).
        with self.assertNumQueries(11):
            diary_series(self.alice)


def test_it_counts_times_of_day_from_the_persons_day_start() -> None:
    # The day starts at 04:00: a spasm at 01:30 after midnight belongs to the evening before
    # and came after that evening's 23:00 heat, not before it.
    from datetime import time

    day = D("2025-01-01")
    events = [
        {"local_date": day, "kind": "spasm", "started_at": datetime(2025, 1, 1, 8, tzinfo=UTC)},
        {"local_date": day, "kind": "spasm", "started_at": datetime(2025, 1, 2, 1, 30, tzinfo=UTC)},
    ]
    logs = [{"treatment_id": 1, "local_date": day, "at": datetime(2025, 1, 1, 23, tzinfo=UTC)}]
    state = state_before_series(events, logs, {1: "heat"}, {day}, UTC, time(4))
    assert state["heat"][SPASM_COUNT] == {day: 1.0}

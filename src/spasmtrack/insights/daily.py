"""A person's diary as per-local-day series: the inputs of `spasmtrack.core.insights`.

The functions named `*_series` / `*_factors` are pure: they take rows as dicts (what
`QuerySet.values()` returns) and give `{name: {local day: value}}`. `diary_series` runs one
query per diary table (six in all, plus the nutrition app's own when it is installed) and
puts the pieces together.

Days come from each entry's stored `local_date`, so a day is the person's diary day
(`core.days.day_of`: the calendar day, or the day before for an entry before their day start;
a 23- or 25-hour day around a DST change is still one day) and a later change of time zone or
day start does not move old entries.

"Tracked" days are days with any diary entry (spasm, twitch, check-in, pain drawing,
treatment, habit or symptom rating). On a tracked day without spasms the spasm count is 0
and the intensities are missing; on a day without any entry every outcome is missing:
an empty day in the diary is "not recorded", not "no spasms".
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo
from statistics import median
from typing import Any

from spasmtrack.core.body.regions import all_regions
from spasmtrack.core.days import MIDNIGHT, seconds_into_day
from spasmtrack.core.insights import Factor, Outcome
from spasmtrack.core.plausible import EARLIEST_DAY, latest_day

Series = dict[date, float]
Row = Mapping[str, Any]

SPASM_COUNT = "spasm count"
TWITCH_COUNT = "twitch count"
MAX_INTENSITY = "max spasm intensity"
MEAN_INTENSITY = "mean spasm intensity"
PAINFUL_REGIONS = "painful regions (pain drawing)"
WPI_AREAS = "painful WPI areas (pain drawing)"
OVERALL_PAIN = "overall pain"
# The outcomes the page charts and the before/after comparison of changes uses.
MAIN_OUTCOMES = (SPASM_COUNT, MAX_INTENSITY, OVERALL_PAIN)
# Outcomes that measure the same thing: one finding each, listing the outcomes that agree.
OUTCOME_GROUPS = ((OVERALL_PAIN, "spasm burden", MEAN_INTENSITY, MAX_INTENSITY),)

# Check-in field -> (outcome name, lower is better).
CHECKIN_OUTCOMES: dict[str, tuple[str, bool]] = {
    "overall_pain": (OVERALL_PAIN, True),
    "spasm_burden": ("spasm burden", True),
    "sleep_quality": ("sleep quality", False),
    "fatigue": ("fatigue", True),
    "brain_fog": ("brain fog", True),
    "stress": ("stress", True),
    "mood": ("mood", False),
}

# Units as one step reads in a sentence ("each extra hour of hours sitting").
UNIT_WORDS = {"h": "hour", "min": "minute", "drinks": "drink", "serving": "serving"}

FIXED_OUTCOMES: dict[str, Outcome] = {
    SPASM_COUNT: Outcome(SPASM_COUNT, True, ""),
    TWITCH_COUNT: Outcome(TWITCH_COUNT, True, ""),
    MAX_INTENSITY: Outcome(MAX_INTENSITY, True, "points"),
    MEAN_INTENSITY: Outcome(MEAN_INTENSITY, True, "points"),
    PAINFUL_REGIONS: Outcome(PAINFUL_REGIONS, True, ""),
    WPI_AREAS: Outcome(WPI_AREAS, True, ""),
    **{name: Outcome(name, lower, "points") for name, lower in CHECKIN_OUTCOMES.values()},
}


@dataclass
class DiarySeries:
    """Everything the analysis and the charts need, for days in [first_day, last_day].

    `first_day`/`last_day` are None when the range holds no entry at all. `complete_days`
    are the days a yes/no factor without a log counts as "no" (see `complete_days`).
    `sessions` maps
    a treatment's display name to its (pain_before, pain_after) pairs. `region_pain` maps
    "YYYY-MM" to {region id: mean intensity} over that month's pain drawings and spasms.
    `state_before` is `core.insights.analyse`'s argument (see `state_before_series`).
    """

    first_day: date | None
    last_day: date | None
    person_id: int | None = None
    tracked: set[date] = field(default_factory=set)
    outcomes: dict[str, Series] = field(default_factory=dict)
    outcome_info: dict[str, Outcome] = field(default_factory=dict)
    factors: dict[str, Series] = field(default_factory=dict)
    factor_info: dict[str, Factor] = field(default_factory=dict)
    sessions: dict[str, list[tuple[float, float]]] = field(default_factory=dict)
    complete_days: set[date] = field(default_factory=set)
    state_before: dict[str, dict[str, Series]] = field(default_factory=dict)
    region_pain: dict[str, dict[str, float]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def display_name(name: str, custom: bool) -> str:
    """A catalogue name as it reads inside a sentence: "Heat" -> "heat".

    Shared catalogue names start with a capital only because they are titles, so the first
    letter is lowered unless the first word is an acronym ("NSAID"). A person's own names
    are kept exactly as typed.
    """
    if custom or not name:
        return name
    first_word = name.split()[0]
    if len(first_word) > 1 and first_word[1].isupper():
        return name
    return name[0].lower() + name[1:]


def unit_word(unit: str) -> str:
    return UNIT_WORDS.get(unit, unit)


# --- outcomes -------------------------------------------------------------------------------


def muscle_event_series(rows: Iterable[Row], tracked: Iterable[date]) -> dict[str, Series]:
    """Spasm and twitch counts (0 on tracked days without any) and the day's max and mean
    spasm intensity (missing on days without spasms). Rows: local_date, kind, intensity."""
    spasms: dict[date, list[int]] = defaultdict(list)
    twitches: dict[date, int] = defaultdict(int)
    for r in rows:
        if r["kind"] == "spasm":
            spasms[r["local_date"]].append(r["intensity"])
        else:
            twitches[r["local_date"]] += 1
    days = sorted(set(tracked))
    return {
        SPASM_COUNT: {d: float(len(spasms.get(d, ()))) for d in days},
        TWITCH_COUNT: {d: float(twitches.get(d, 0)) for d in days},
        MAX_INTENSITY: {d: float(max(v)) for d, v in sorted(spasms.items())},
        MEAN_INTENSITY: {d: sum(v) / len(v) for d, v in sorted(spasms.items())},
    }


def checkin_series(rows: Iterable[Row]) -> dict[str, Series]:
    """One series per check-in item; a skipped item is missing that day."""
    out: dict[str, Series] = {name: {} for name, _ in CHECKIN_OUTCOMES.values()}
    for r in rows:
        for item, (name, _) in CHECKIN_OUTCOMES.items():
            if r.get(item) is not None:
                out[name][r["local_date"]] = float(r[item])
    return out


def symptom_series(rows: Iterable[Row]) -> tuple[dict[str, Series], dict[str, Outcome]]:
    """One series per symptom name and scale, named with its scale: "headache (0–5)".

    Symptoms are taken as lower-is-better (they are things that bother the person).
    """
    out: dict[str, Series] = defaultdict(dict)
    for r in rows:
        name = f"{r['name']} (0–{r['scale_max']:g})"
        out[name][r["local_date"]] = float(r["value"])
    info = {name: Outcome(name, True, "points") for name in out}
    return dict(out), info


def drawing_series(rows: Iterable[Row]) -> dict[str, Series]:
    """Extent of pain on days with a pain drawing: regions with pain > 0, and the distinct
    Widespread Pain Index areas they fall in. Several drawings on a day are combined."""
    regions_by_day: dict[date, set[str]] = defaultdict(set)
    for r in rows:
        regions_by_day[r["local_date"]].update(k for k, v in r["regions"].items() if v)
    known = all_regions()
    regions_out: Series = {}
    wpi_out: Series = {}
    for d, ids in sorted(regions_by_day.items()):
        regions_out[d] = float(len(ids))
        wpi_out[d] = float(len({known[i].wpi_area for i in ids if i in known} - {""}))
    return {PAINFUL_REGIONS: regions_out, WPI_AREAS: wpi_out}


def region_pain_by_month(
    event_rows: Iterable[Row], drawing_rows: Iterable[Row]
) -> dict[str, dict[str, float]]:
    """{"YYYY-MM": {region id: mean intensity}}: every spasm counts once per region it
    names, every pain-drawing region once with its own intensity. Months ascend."""
    sums: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(lambda: [0.0, 0]))
    for r in event_rows:
        if r["kind"] != "spasm":
            continue
        month = r["local_date"].strftime("%Y-%m")
        for rid in r["regions"]:
            acc = sums[month][rid]
            acc[0] += r["intensity"]
            acc[1] += 1
    for r in drawing_rows:
        month = r["local_date"].strftime("%Y-%m")
        for rid, value in r["regions"].items():
            acc = sums[month][rid]
            acc[0] += value
            acc[1] += 1
    known = all_regions()
    return {
        month: {rid: s / n for rid, (s, n) in by_region.items() if rid in known}
        for month, by_region in sorted(sums.items())
    }


# --- factors ---------------------------------------------------------------------------------


def treatment_factors(
    rows: Iterable[Row], tracked: Iterable[date], names: dict[int, str] | None = None
) -> tuple[dict[str, Series], dict[str, Factor], dict[str, list[tuple[float, float]]]]:
    """Yes/no per treatment and day, a numeric dose where amounts are logged consistently,
    and the same-session (pain_before, pain_after) pairs.

    Rows: local_date, treatment_id, treatment__name, treatment__owner_id, amount, unit,
    pain_before, pain_after. A dose factor ("magnesium supplement (mg)") is added only when
    every log of that treatment has an amount in one unit and the daily totals differ
    (otherwise it would repeat the yes/no factor); its value is the day's total, 0 on other
    tracked days. `names`, when given, receives {treatment id: yes/no factor name}.
    """
    by_treatment: dict[int, list[Row]] = defaultdict(list)
    for r in rows:
        by_treatment[r["treatment_id"]].append(r)
    tracked_days = sorted(set(tracked))
    factors: dict[str, Series] = {}
    info: dict[str, Factor] = {}
    sessions: dict[str, list[tuple[float, float]]] = {}
    for logs in by_treatment.values():
        name = _unique(
            display_name(logs[0]["treatment__name"], logs[0]["treatment__owner_id"] is not None),
            factors,
        )
        if names is not None:
            names[logs[0]["treatment_id"]] = name
        days = {r["local_date"] for r in logs}
        factors[name] = {d: 1.0 for d in sorted(days)}
        info[name] = Factor(name, "binary")
        pairs = [
            (float(r["pain_before"]), float(r["pain_after"]))
            for r in logs
            if r["pain_before"] is not None and r["pain_after"] is not None
        ]
        if pairs:
            sessions[name] = pairs
        units = {r["unit"] for r in logs}
        if len(units) != 1 or "" in units or any(r["amount"] is None for r in logs):
            continue
        totals: dict[date, float] = defaultdict(float)
        for r in logs:
            totals[r["local_date"]] += float(r["amount"])
        if len(set(totals.values())) < 2:
            continue
        unit = units.pop()
        dose = _unique(f"{name} ({unit})", factors)
        factors[dose] = {d: totals.get(d, 0.0) for d in tracked_days}
        info[dose] = Factor(dose, "numeric", unit_word(unit))
    return factors, info, sessions


def _time_of_day(at: datetime, day: date, zone: tzinfo, day_start: time) -> float:
    """Seconds into the entry's diary day: 01:30 comes after 23:00 when the day starts at 04:00."""
    return seconds_into_day(at, day, zone, day_start)


def state_before_series(
    event_rows: Iterable[Row],
    treatment_rows: Iterable[Row],
    names: Mapping[int, str],
    tracked: Iterable[date],
    zone: tzinfo,
    day_start: time = MIDNIGHT,
) -> dict[str, dict[str, Series]]:
    """The state before each treatment's time of day: {factor: {outcome: {day: value}}}.

    Times of day are counted from the start of the person's diary day (`day_start`, see
    core.days). A treatment's time on a day is the time of its first log that day; on a tracked
    day without it, the median local time of all its logs (its usual time), so that days
    with and without it are compared over the same part of the day. The state is the
    number of spasms that started before that time, on every tracked day; it adjusts the
    treatment's comparisons with the spasm count and the mean and max spasm intensity
    (`core.insights.analyse`, `state_before`), so a treatment taken because the morning
    was bad is not read as making the day worse. Check-ins and symptom ratings carry no
    time of day and are not adjusted this way. Rows: events local_date, kind, started_at;
    treatment logs treatment_id, local_date, at.
    """
    starts: dict[date, list[float]] = defaultdict(list)
    for r in event_rows:
        if r["kind"] == "spasm":
            d = r["local_date"]
            starts[d].append(_time_of_day(r["started_at"], d, zone, day_start))
    firsts: dict[int, dict[date, float]] = defaultdict(dict)
    for r in treatment_rows:
        at = _time_of_day(r["at"], r["local_date"], zone, day_start)
        day = firsts[r["treatment_id"]]
        day[r["local_date"]] = min(at, day.get(r["local_date"], at))
    days = sorted(set(tracked))
    out: dict[str, dict[str, Series]] = {}
    for tid, first in firsts.items():
        if tid not in names:
            continue
        usual = median(first.values())
        before = {d: float(sum(t < first.get(d, usual) for t in starts.get(d, ()))) for d in days}
        out[names[tid]] = {SPASM_COUNT: before, MEAN_INTENSITY: before, MAX_INTENSITY: before}
    return out


def complete_days(treatment_rows: Iterable[Row], habit_rows: Iterable[Row]) -> set[date]:
    """Days on which a yes/no factor that was not logged counts as "no".

    The rule (shown on the page as `core.insights.COMPLETE_DAYS_RULE`): a day counts as
    fully logged when at least one treatment or habit was logged that day. Such a day shows
    the person was recording what they took and did, so an item not logged was most likely
    not taken; on a day with no such log at all (only a check-in, or nothing) we cannot tell
    "not taken" from "not written down", and the day is left out of that factor's
    comparison. A check-in alone is not enough: it records how the day felt, not what was
    done. An explicit "no" (a yes/no habit logged as 0) always counts.
    """
    return {r["local_date"] for r in treatment_rows} | {r["local_date"] for r in habit_rows}


def habit_factors(rows: Iterable[Row]) -> tuple[dict[str, Series], dict[str, Factor]]:
    """One factor per habit: yes/no habits are binary (a day without a log is missing, and
    "no" on a `complete_days` day, see core.insights), number habits numeric (a day
    without a log is missing). Rows: local_date, habit_id, habit__name, habit__kind,
    habit__unit, habit__owner_id, value."""
    by_habit: dict[int, list[Row]] = defaultdict(list)
    for r in rows:
        by_habit[r["habit_id"]].append(r)
    factors: dict[str, Series] = {}
    info: dict[str, Factor] = {}
    for logs in by_habit.values():
        first = logs[0]
        name = _unique(
            display_name(first["habit__name"], first["habit__owner_id"] is not None), factors
        )
        factors[name] = {r["local_date"]: float(r["value"]) for r in logs}
        if first["habit__kind"] == "yes_no":
            info[name] = Factor(name, "binary")
        else:
            info[name] = Factor(name, "numeric", unit_word(first["habit__unit"]))
    return factors, info


def _unique(name: str, taken: Mapping[str, object]) -> str:
    """`name`, or `name (2)`, `name (3)`… if a factor of that name exists already."""
    if name not in taken:
        return name
    n = 2
    while f"{name} ({n})" in taken:
        n += 1
    return f"{name} ({n})"


# --- the queries -----------------------------------------------------------------------------


def diary_series(person: Any, since: date | None = None, until: date | None = None) -> DiarySeries:
    """The person's live diary entries in [since, until] as series (whole diary by default).

    Six queries, one per diary table, plus the nutrition app's intake queries (one per
    366 days) when `spasmtrack.nutrition.factors` is installed, plus one for the tender-point
    exams.
    """
    from django.utils.timezone import now

    from spasmtrack.diary.entries import RESOURCES, entries_for
    from spasmtrack.diary.models import checkin_is_empty

    # Odd data stored before the plausible-date rule (year 1, 9999) or an odd range asked for
    # must not reach the analysis: read only days from 1900-01-01 to the person's today.
    low, high = EARLIEST_DAY, latest_day(now(), person.tz)
    since = min(max(since, low), high) if since else None
    until = max(min(until, high), low) if until else None

    def rows(resource: str, *fields: str) -> list[dict[str, Any]]:
        qs = entries_for(person, RESOURCES[resource]).between(since or low, until or high)
        return list(qs.order_by().values("local_date", *fields))

    events = rows("muscle-events", "kind", "intensity", "regions", "started_at")
    # An empty check-in (saved before they were refused) says nothing: not a tracked day.
    checkins = [r for r in rows("checkins", *CHECKIN_OUTCOMES, "notes") if not checkin_is_empty(r)]
    symptoms = rows("symptom-ratings", "name", "value", "scale_max")
    drawings = rows("pain-drawings", "regions")
    treatments = rows(
        "treatment-logs",
        "treatment_id",
        "treatment__name",
        "treatment__owner_id",
        "amount",
        "unit",
        "pain_before",
        "pain_after",
        "at",
    )
    habits = rows(
        "habit-logs",
        "habit_id",
        "habit__name",
        "habit__kind",
        "habit__unit",
        "habit__owner_id",
        "value",
    )
    tracked = {
        r["local_date"]
        for group in (events, checkins, symptoms, drawings, treatments, habits)
        for r in group
    }
    if not tracked:
        return DiarySeries(None, None, person.pk)
    out = DiarySeries(since or min(tracked), until or max(tracked), person.pk, tracked)
    out.complete_days = complete_days(treatments, habits)
    symptom_out, symptom_info = symptom_series(symptoms)
    every = {
        **muscle_event_series(events, tracked),
        **checkin_series(checkins),
        **drawing_series(drawings),
        **symptom_out,
    }
    # An outcome never recorded (e.g. no pain drawings yet) has nothing to compare.
    out.outcomes = {name: series for name, series in every.items() if series}
    out.outcome_info = {**FIXED_OUTCOMES, **symptom_info}
    names: dict[int, str] = {}
    t_factors, t_info, out.sessions = treatment_factors(treatments, tracked, names)
    out.state_before = state_before_series(
        events, treatments, names, tracked, person.zone, person.day_start
    )
    h_factors, h_info = habit_factors(habits)
    out.factors = {**t_factors}
    out.factor_info = {**t_info}
    for name, series in h_factors.items():
        unique = _unique(name, out.factors)
        out.factors[unique] = series
        out.factor_info[unique] = Factor(unique, h_info[name].kind, h_info[name].unit)
    out.region_pain = region_pain_by_month(events, drawings)
    _add_intake_factors(person, out)
    _add_tenderness_outcome(person, out)
    _add_provided_factors(person, out)
    return out


def _add_provided_factors(person: Any, out: DiarySeries) -> None:
    """Factors other apps provide (`insights.providers`), named uniquely beside the rest."""
    from spasmtrack.insights.providers import factor_providers

    assert out.first_day is not None and out.last_day is not None
    for provider in factor_providers():
        factors, info, notes = provider.insight_factors(person, out.first_day, out.last_day)
        for name, series in factors.items():
            unique = _unique(name, out.factors)
            out.factors[unique] = series
            out.factor_info[unique] = Factor(unique, info[name].kind, info[name].unit)
        out.notes.extend(notes)


def _add_tenderness_outcome(person: Any, out: DiarySeries) -> None:
    """The tender-point self-exam's sensitisation score (0-10, lower is better) as an outcome
    on the days of an exam (the exam lives in the questionnaires app)."""
    from spasmtrack.questionnaires.series import SENSITISATION, sensitisation_series

    series = sensitisation_series(person, out.first_day, out.last_day)
    if series:
        out.outcomes[SENSITISATION] = series
        out.outcome_info[SENSITISATION] = Outcome(SENSITISATION, True, "points")


def _add_intake_factors(person: Any, out: DiarySeries) -> None:
    """Numeric intake factors from the nutrition app."""
    from spasmtrack.nutrition.factors import daily_intake_factors

    assert out.first_day is not None and out.last_day is not None
    merged: dict[str, Series] = defaultdict(dict)
    start = out.first_day
    while start <= out.last_day:
        # daily_intake_factors accepts at most 366 days at a time.
        end = min(out.last_day, start + timedelta(days=365))
        for name, series in daily_intake_factors(person, start, end).items():
            merged[name].update(series)
        start = end + timedelta(days=1)
    added = 0
    for name, series in merged.items():
        if not any(series.values()):
            continue
        unique = _unique(name, out.factors)
        unit = name.rsplit("(", 1)[-1].rstrip(")") if name.endswith(")") else ""
        out.factors[unique] = series
        out.factor_info[unique] = Factor(unique, "numeric", unit)
        added += 1
    if added:
        out.notes.append(f"Includes {added} nutrition intake totals from your food log.")

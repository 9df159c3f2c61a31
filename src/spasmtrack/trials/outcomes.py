"""What a self-experiment measures: the outcome series read from the diary, one value a day.

An outcome is named by a string: a daily check-in item ("spasm_burden", "overall_pain", ...),
"spasm_count" (spasms logged on the local day) or "symptom:<name>" (a SymptomRating series).
Days are the person's stored local dates, so a later time-zone change cannot move a score.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from typing import TYPE_CHECKING

from spasmtrack.accounts.models import Person
from spasmtrack.diary.entries import RESOURCES, entries_for
from spasmtrack.diary.models import DailyCheckin, EntryQuerySet, SymptomRating

if TYPE_CHECKING:
    from spasmtrack.core.nof1 import Priors

CHECKIN_LABELS = {
    "spasm_burden": "Spasms today (check-in, 0-10)",
    "overall_pain": "Overall pain (check-in, 0-10)",
    "sleep_quality": "Sleep quality (check-in, 0-10)",
    "fatigue": "Tiredness (check-in, 0-10)",
    "brain_fog": "Brain fog (check-in, 0-10)",
    "stress": "Stress (check-in, 0-10)",
    "mood": "Mood (check-in, 0-10)",
}
# For these a higher score is the better day; for every other outcome lower is better.
HIGHER_IS_BETTER = frozenset({"sleep_quality", "mood"})
SPASM_COUNT = "spasm_count"
# The day's strongest and average spasm (0-10); a day without spasms has no value.
INTENSITY_LABELS = {
    "max_spasm_intensity": "Strongest spasm of the day (0-10)",
    "mean_spasm_intensity": "Average spasm intensity of the day (0-10)",
}
SYMPTOM_PREFIX = "symptom:"
DEFAULT_OUTCOME = "spasm_burden"


def lower_is_better(outcome: str) -> bool:
    return outcome not in HIGHER_IS_BETTER


def symptom_names(person: Person) -> list[str]:
    """Names of the symptoms the person has rated, alphabetically."""
    qs = entries_for(person, RESOURCES["symptom-ratings"]).values_list("name", flat=True)
    return sorted(set(qs))


def outcome_choices(person: Person) -> list[tuple[str, str]]:
    """(value, label) for every outcome this person can choose."""
    choices = list(CHECKIN_LABELS.items())
    choices.append((SPASM_COUNT, "Number of spasms logged that day"))
    choices += list(INTENSITY_LABELS.items())
    choices += [
        (f"{SYMPTOM_PREFIX}{n}", f"{n} (your symptom rating)") for n in symptom_names(person)
    ]
    return choices


def outcome_label(outcome: str) -> str:
    if outcome in CHECKIN_LABELS:
        return CHECKIN_LABELS[outcome]
    if outcome == SPASM_COUNT:
        return "Number of spasms logged that day"
    if outcome in INTENSITY_LABELS:
        return INTENSITY_LABELS[outcome]
    return f"{outcome.removeprefix(SYMPTOM_PREFIX)} (your symptom rating)"


def check_outcome(person: Person, outcome: str) -> str | None:
    """None if `outcome` is usable for this person, else the reason it is not."""
    if outcome in CHECKIN_LABELS or outcome == SPASM_COUNT or outcome in INTENSITY_LABELS:
        return None
    if outcome.startswith(SYMPTOM_PREFIX):
        name = outcome.removeprefix(SYMPTOM_PREFIX)
        if name in symptom_names(person):
            return None
        return f"you have not rated a symptom called {name!r} yet: rate it once first"
    names = ", ".join([*CHECKIN_LABELS, SPASM_COUNT, *INTENSITY_LABELS, "symptom:<name>"])
    return f"unknown outcome {outcome!r} (choose one of {names})"


def _days(since: date, until: date) -> list[date]:
    return [since + timedelta(days=i) for i in range((until - since).days + 1)]


def daily_values(person: Person, outcome: str, since: date, until: date) -> dict[date, float]:
    """The outcome on each local day from `since` to `until` (inclusive) that has one.

    A spasm count is known on a day with a check-in or any logged spasm or twitch (a day
    with a check-in and no spasm is a real zero); other days are left out, not counted as 0.
    """
    if since > until:
        return {}
    if outcome in CHECKIN_LABELS:
        qs = entries_for(person, RESOURCES["checkins"]).between(since, until)
        return {d: float(v) for d, v in qs.values_list("local_date", outcome) if v is not None}
    if outcome == SPASM_COUNT:
        events = entries_for(person, RESOURCES["muscle-events"]).between(since, until)
        counts = Counter(d for d, k in events.values_list("local_date", "kind") if k == "spasm")
        seen = set(events.values_list("local_date", flat=True))
        checkins = DailyCheckin.objects.filter(person=person).live().between(since, until)
        seen |= set(checkins.values_list("local_date", flat=True))
        return {d: float(counts.get(d, 0)) for d in sorted(seen)}
    if outcome in INTENSITY_LABELS:
        events = entries_for(person, RESOURCES["muscle-events"]).between(since, until)
        by_day: dict[date, list[int]] = {}
        for d, i in events.filter(kind="spasm").values_list("local_date", "intensity"):
            by_day.setdefault(d, []).append(i)
        pick = max if outcome == "max_spasm_intensity" else (lambda v: sum(v) / len(v))
        return {d: float(pick(v)) for d, v in sorted(by_day.items())}
    name = outcome.removeprefix(SYMPTOM_PREFIX)
    ratings = entries_for(person, RESOURCES["symptom-ratings"]).between(since, until)
    return {d: float(v) for d, v in ratings.filter(name=name).values_list("local_date", "value")}


def series(person: Person, outcome: str, since: date, until: date) -> list[float | None]:
    """One value or None per consecutive day from `since` to `until` (inclusive)."""
    values = daily_values(person, outcome, since, until)
    return [values.get(d) for d in _days(since, until)]


def priors_for(person: Person, outcome: str) -> Priors:
    """Priors scaled to the outcome's plausible range (the model's defaults suit 0-10)."""
    # Imported here: the analysis module loads SciPy, which the trials models must not.
    from spasmtrack.core.nof1 import Priors

    if outcome.startswith(SYMPTOM_PREFIX):
        name = outcome.removeprefix(SYMPTOM_PREFIX)
        ratings = entries_for(person, RESOURCES["symptom-ratings"]).filter(name=name)
        top = max(ratings.values_list("scale_max", flat=True), default=10.0)
        return Priors.for_range(float(top)) if top != 10 else Priors()
    if outcome == SPASM_COUNT:
        # Counts have no ceiling: scale to the busiest day seen, but never below 0-10.
        events = entries_for(person, RESOURCES["muscle-events"]).filter(kind="spasm")
        per_day = Counter(events.values_list("local_date", flat=True))
        top = max(per_day.values(), default=0)
        return Priors.for_range(float(top)) if top > 10 else Priors()
    return Priors()


def late_entries(person: Person, outcome: str, since: date, until: date) -> list[tuple[date, date]]:
    """(day, day entered) for outcome scores entered more than a day after the day they describe.

    Only check-ins and symptom ratings carry a day chosen by the person; their `created`
    instant tells when they were entered. (Later edits are not visible: entries keep no
    modification time.)
    """
    qs: EntryQuerySet[DailyCheckin] | EntryQuerySet[SymptomRating]
    if outcome in CHECKIN_LABELS:
        qs = entries_for(person, RESOURCES["checkins"]).between(since, until)
        qs = qs.filter(**{f"{outcome}__isnull": False})
    elif outcome.startswith(SYMPTOM_PREFIX):
        qs = entries_for(person, RESOURCES["symptom-ratings"]).between(since, until)
        qs = qs.filter(name=outcome.removeprefix(SYMPTOM_PREFIX))
    else:
        return []
    out = []
    for day, created in qs.values_list("local_date", "created"):
        entered = person.local_date(created)
        if (entered - day).days > 1:
            out.append((day, entered))
    return sorted(out)

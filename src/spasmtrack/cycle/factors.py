"""The menstrual cycle as Insights factors (this app's factor provider, see
`insights.providers`), only for a person who turned cycle tracking on.

From the logged period days (`core.cycle.day_phases`): "cycle day" (numeric, 1 = the
period's first day) and one yes/no factor per phase, each 1 on the days of that phase and 0
on the other days whose phase is known; days with no known phase (before the first logged
period, a cycle of an uncounted length, the open cycle past its expected end) are missing.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from spasmtrack.core.cycle import PHASES, day_phases
from spasmtrack.cycle.models import CycleSettings, PeriodDay

if TYPE_CHECKING:  # core.insights loads numpy and scipy: not at django.setup()
    from spasmtrack.core.insights import Factor

Series = dict[date, float]
CYCLE_DAY = "cycle day"
PHASE_NAMES = {
    "menstrual": "menstrual phase (period days)",
    "follicular": "follicular phase (estimated)",
    "luteal": "luteal phase (estimated)",
}


def cycle_series(days: list[date], first: date, last: date) -> dict[str, Series]:
    """{factor name: {day: value}} for [first, last] from the period days (pure)."""
    known = day_phases(days, first, last)
    out: dict[str, Series] = {CYCLE_DAY: {d: float(v.cycle_day) for d, v in known.items()}}
    phased = {d: v.phase for d, v in known.items() if v.phase is not None}
    for phase in PHASES:
        out[PHASE_NAMES[phase]] = {d: 1.0 if p == phase else 0.0 for d, p in phased.items()}
    return out


def insight_factors(
    person: Any, first: date, last: date
) -> tuple[dict[str, Series], dict[str, Factor], list[str]]:
    """(factors, how to read them, notes) for [first, last]; nothing when tracking is off."""
    from spasmtrack.core.insights import Factor

    if not CycleSettings.objects.filter(person=person, enabled=True).exists():
        return {}, {}, []
    # Every logged day: the cycle a day belongs to may have started before `first`.
    days = list(PeriodDay.objects.filter(person=person).values_list("local_date", flat=True))
    factors: dict[str, Series] = {}
    info: dict[str, Factor] = {}
    for name, series in cycle_series(days, first, last).items():
        if len(set(series.values())) < 2:
            continue  # never varies: nothing to compare
        factors[name] = series
        info[name] = Factor(name, "numeric", "day") if name == CYCLE_DAY else Factor(name, "binary")
    notes = []
    if factors:
        notes.append(
            "Includes your menstrual cycle: the cycle day and phase come from the period days "
            "you logged (the phases are estimated from the calendar)."
        )
    return factors, info, notes


def watched_models() -> list[type[Any]]:
    return [PeriodDay, CycleSettings]

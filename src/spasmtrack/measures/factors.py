"""Daily measurements as Insights factors (this app's factor provider).

`insight_factors(person, first_day, last_day)` is what `insights.daily` collects from every
feature app that has it; `watched_models()` names the tables whose changes must refresh the
cached analysis. One value per day and metric: when two sources have one, the first in
`models.SOURCE_PRIORITY` (typed in, then Apple Health, Fitbit, CSV, Flaredown). Every
metric is a numeric factor in its own unit (steps in thousands, so an effect reads "per
1,000 steps"); from air pressure come "air pressure change since yesterday" (hPa) and the
yes/no "air pressure drop of 5 hPa or more", on days whose day before has a pressure; from
steps the pacing factor "a day well above your usual activity" (`core.measures.boom_days`),
whose later days (lags 1-2) show boom and bust.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from spasmtrack.core.measures import (
    BOOM_WINDOW_DAYS,
    METRICS,
    PRESSURE,
    PRESSURE_DROP_HPA,
    STEPS,
    boom_days,
    pressure_factors,
)
from spasmtrack.measures.models import SOURCE_PRIORITY, DailyMetric

if TYPE_CHECKING:  # core.insights loads numpy and scipy: not at django.setup()
    from spasmtrack.core.insights import Factor

Series = dict[date, float]
PRESSURE_CHANGE = "air pressure change since yesterday"
PRESSURE_DROP = f"air pressure drop of {PRESSURE_DROP_HPA:g} hPa or more"
BOOM = "a day well above your usual activity (steps)"


def daily_values(person: Any, first: date, last: date) -> dict[str, Series]:
    """{metric: {day: value}} for days in [first, last], one source per day and metric."""
    rank = {s: i for i, s in enumerate(SOURCE_PRIORITY)}
    best: dict[tuple[str, date], tuple[int, float]] = {}
    rows = DailyMetric.objects.filter(
        person=person, local_date__gte=first, local_date__lte=last
    ).values_list("local_date", "metric", "value", "source")
    for day, metric, value, source in rows.order_by():
        r = rank.get(source, len(rank))
        key = (metric, day)
        if key not in best or r < best[key][0]:
            best[key] = (r, value)
    out: dict[str, Series] = {}
    for (metric, day), (_, value) in sorted(best.items()):
        out.setdefault(metric, {})[day] = value
    return out


def insight_factors(
    person: Any, first: date, last: date
) -> tuple[dict[str, Series], dict[str, Factor], list[str]]:
    """(factors, how to read them, notes) for [first, last]; the pressure change and the
    usual activity also read the weeks before `first`."""
    from spasmtrack.core.insights import Factor

    values = daily_values(person, first - timedelta(days=BOOM_WINDOW_DAYS), last)
    factors: dict[str, Series] = {}
    info: dict[str, Factor] = {}
    for metric, series in values.items():
        m = METRICS.get(metric)
        name = m.label if m else metric.replace("_", " ")
        scale = m.factor_scale if m else 1.0
        in_range = {d: v / scale for d, v in series.items() if d >= first}
        if len(set(in_range.values())) < 2:
            continue  # never varies: nothing to compare
        factors[name] = in_range
        info[name] = Factor(name, "numeric", m.factor_unit if m else "")
    if PRESSURE in values:
        change, drop = pressure_factors(values[PRESSURE])
        change = {d: v for d, v in change.items() if d >= first}
        drop = {d: v for d, v in drop.items() if d >= first}
        if len(set(change.values())) >= 2:
            factors[PRESSURE_CHANGE] = change
            info[PRESSURE_CHANGE] = Factor(PRESSURE_CHANGE, "numeric", "hPa")
        if len(set(drop.values())) == 2:
            factors[PRESSURE_DROP] = drop
            info[PRESSURE_DROP] = Factor(PRESSURE_DROP, "binary")
    if STEPS in values:
        boom = {d: v for d, v in boom_days(values[STEPS]).items() if d >= first}
        if len(set(boom.values())) == 2:
            factors[BOOM] = boom
            info[BOOM] = Factor(BOOM, "binary")
    notes = []
    if factors:
        notes.append(
            f"Includes {len(factors)} daily measurements (weather, sleep, activity) from "
            "your imports."
        )
    return factors, info, notes


def watched_models() -> list[type[Any]]:
    return [DailyMetric]


def boom_days_this_week(person: Any, today: date) -> tuple[int, int] | None:
    """(days well above the usual activity, days with a usual range) over the 7 days up to
    `today`, or None when none of them has a usual range yet (too few days of steps)."""
    first = today - timedelta(days=6)
    values = daily_values(person, first - timedelta(days=BOOM_WINDOW_DAYS), today)
    boom = {d: v for d, v in boom_days(values.get(STEPS, {})).items() if d >= first}
    if not boom:
        return None
    return int(sum(boom.values())), len(boom)

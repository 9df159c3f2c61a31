"""Daily measurements as Insights factors (this app's factor provider).

`insight_factors(person, first_day, last_day)` is what `insights.daily` collects from every
feature app that has it; `watched_models()` names the tables whose changes must refresh the
cached analysis. One value per day and metric: when two sources have one, the first in
`models.SOURCE_PRIORITY` (typed in, then Apple Health, Fitbit, CSV, Flaredown). Every
metric is a numeric factor in its own unit (steps in thousands, so an effect reads "per
1,000 steps"); from air pressure come "air pressure change since yesterday" (hPa) and the
yes/no "air pressure drop of 5 hPa or more", on days whose day before has a pressure; from
steps the pacing factor "a day well above your usual activity" (`core.measures.boom_days`),
whose later days (lags 1-2) show boom and bust. A person without steps who rates "how much
did you do today" in the check-in (0-10) gets the same pacing factor from the rating
(well above = BOOM_RATING_POINTS over the usual), and the rating itself as a numeric factor.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from spasmtrack.core.measures import (
    BOOM_RATING_POINTS,
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
BOOM_RATED = "a day well above your usual activity (your rating)"
ACTIVITY_RATING = "how much you did (check-in, 0–10)"


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


def activity_ratings(person: Any, first: date, last: date) -> Series:
    """{day: the check-in's "how much did you do" rating} for days in [first, last]."""
    from spasmtrack.diary.entries import RESOURCES, entries_for

    rows = (
        entries_for(person, RESOURCES["checkins"])
        .between(first, last)
        .filter(activity__isnull=False)
        .order_by()
        .values_list("local_date", "activity")
    )
    return {day: float(value) for day, value in rows if value is not None}


def pacing(values: dict[str, Series], ratings: Series) -> tuple[str, dict[date, float]]:
    """(the pacing factor's name, its days) from the values of [first, last] (a span that
    includes the usual-range window): from steps when the person has any, else from the
    check-in's activity ratings."""
    if STEPS in values:
        return BOOM, boom_days(values[STEPS])
    return BOOM_RATED, boom_days(ratings, points=BOOM_RATING_POINTS)


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
    measured = len(factors)
    ratings = activity_ratings(person, first - timedelta(days=BOOM_WINDOW_DAYS), last)
    name, days = pacing(values, ratings)
    boom = {d: v for d, v in days.items() if d >= first}
    if len(set(boom.values())) == 2:
        factors[name] = boom
        info[name] = Factor(name, "binary")
        if name == BOOM:
            measured += 1
    rated = {d: v for d, v in ratings.items() if d >= first}
    if len(set(rated.values())) >= 2:
        factors[ACTIVITY_RATING] = rated
        info[ACTIVITY_RATING] = Factor(ACTIVITY_RATING, "numeric", "point")
    notes = []
    if measured:
        notes.append(
            f"Includes {measured} daily measurements (weather, sleep, activity) from your imports."
        )
    return factors, info, notes


def watched_models() -> list[type[Any]]:
    return [DailyMetric]


def boom_days_this_week(person: Any, today: date) -> tuple[int, int] | None:
    """(days well above the usual activity, days with a usual range) over the 7 days up to
    `today`, or None when none of them has a usual range yet (too few days of steps, or of
    activity ratings for a person without steps)."""
    week = pacing_this_week(person, today)
    return None if week is None else week[:2]


def pacing_this_week(person: Any, today: date) -> tuple[int, int, str] | None:
    """`boom_days_this_week` and what it was read from: "steps" or "rating"."""
    first = today - timedelta(days=6)
    window = first - timedelta(days=BOOM_WINDOW_DAYS)
    values = daily_values(person, window, today)
    ratings = {} if STEPS in values else activity_ratings(person, window, today)
    name, days = pacing(values, ratings)
    boom = {d: v for d, v in days.items() if d >= first}
    if not boom:
        return None
    return int(sum(boom.values())), len(boom), "steps" if name == BOOM else "rating"

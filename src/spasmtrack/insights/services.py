"""Insights for one person: the analysis, same-session effects and changes, cached.

`insights_for(person, since, until)` is what the API, the page and the CLI call. Results are
cached with Django's cache framework under a key made of the person, the range and the
diary version (`diary_version`), so any write to the diary gives a new key: nothing stale
is ever served, in any process, and old entries simply expire.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from functools import cache as cache_for_process
from typing import Any, TypedDict, TypeVar

from django.core.cache import cache
from django.db import connection

from spasmtrack.core.insights import (
    COMPLETE_DAYS_RULE,
    FDR_LEVEL,
    InsightDict,
    InsightsReport,
    analyse,
    bh_q_values,
    interrupted_time_series,
    interval_text,
    number,
    paired_effect,
    rtm_corrected,
)
from spasmtrack.insights.daily import MAIN_OUTCOMES, OUTCOME_GROUPS, DiarySeries, diary_series
from spasmtrack.insights.models import DiaryVersion
from spasmtrack.insights.signals import watched_models

T = TypeVar("T")

ANALYSIS_VERSION = 3  # part of the cache key: bump when the output changes shape
CACHE_SECONDS = 7 * 24 * 3600
CHANGE_WINDOW_DAYS = 90  # days each side of a change compared (other changes blur longer spans)
CHANGE_MIN_DAYS = 7  # per side, as core.interrupted_time_series requires
Q_THRESHOLD = FDR_LEVEL  # findings and changes: see core.insights.FDR_LEVEL


class ItemDict(InsightDict):
    pass  # `headline`: the descriptive sentence alone (no verdict, no "not proof" tail)


class SessionDict(TypedDict):
    treatment: str
    n: int
    mean_difference: float | None
    ci95: list[float] | None
    corrected_difference: float | None  # for regression to the mean (None: not possible)
    corrected_ci95: list[float] | None
    p_value: float | None
    verdict: str
    sentence: str


class ChangeDict(TypedDict):
    change: str
    day: str
    outcome: str
    level_change: float | None
    ci95: list[float] | None
    p_value: float | None
    q_value: float | None
    n_before: int
    n_after: int
    verdict: str
    sentence: str


class ChangesDict(TypedDict):
    status: str  # "ok", or "pending" when this install cannot record changes
    items: list[ChangeDict]


class InsightsDict(TypedDict):
    first_day: str | None
    last_day: str | None
    days_tracked: int
    helps: list[ItemDict]
    aggravates: list[ItemDict]
    no_clear_effect: list[ItemDict]
    not_enough_data: list[ItemDict]
    used_on_worse_days: list[ItemDict]
    complete_days_rule: str
    same_session: list[SessionDict]
    changes: ChangesDict
    notes: list[str]


# --- cache keys ------------------------------------------------------------------------------


def diary_version(person: Any) -> str:
    """A string that changes whenever anything the analysis reads changes.

    One query: the signal-bumped counter (edits, bin, restore, deletes) plus the newest id
    of each watched table (also catches bulk inserts, which send no signals). Creates the
    counter row on first use, so later deletes have a row to bump.
    """
    with connection.cursor() as cursor:
        cursor.execute(_version_sql(), [person.pk] * (len(watched_models()) + 1))
        row = list(cursor.fetchone())
    if row[0] is None:
        DiaryVersion.objects.get_or_create(person_id=person.pk)
        row[0] = 0
    return ".".join(str(v or 0) for v in row)


@cache_for_process
def _version_sql() -> str:
    """Built once per process: the ORM would recompile nine subqueries on every request."""
    tables = [DiaryVersion._meta.db_table] + [m._meta.db_table for m in watched_models()]
    cols = [f"(SELECT version FROM {tables[0]} WHERE person_id = %s)"]
    cols += [
        f"(SELECT id FROM {t} WHERE person_id = %s ORDER BY id DESC LIMIT 1)" for t in tables[1:]
    ]
    return "SELECT " + ", ".join(cols)


def cache_key(kind: str, person: Any, since: date | None, until: date | None, version: str) -> str:
    span = f"{since or 'start'}:{until or 'end'}"
    return f"insights:{ANALYSIS_VERSION}:{kind}:{person.pk}:{span}:{version}"


def _cached(key: str, compute: Callable[[], T]) -> T:
    value: T | None = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, CACHE_SECONDS)
    return value


def cached_series(
    person: Any, since: date | None, until: date | None, version: str | None = None
) -> DiarySeries:
    version = version or diary_version(person)
    key = cache_key("series", person, since, until, version)
    return _cached(key, lambda: diary_series(person, since, until))


def insights_for(person: Any, since: date | None = None, until: date | None = None) -> InsightsDict:
    """The person's insights for [since, until] (whole diary by default), cached."""
    version = diary_version(person)
    key = cache_key("report", person, since, until, version)
    return _cached(key, lambda: compute_insights(cached_series(person, since, until, version)))


# --- the computation -------------------------------------------------------------------------


def compute_insights(s: DiarySeries) -> InsightsDict:
    """Run every analysis on the series (uncached)."""
    if s.first_day is None or s.last_day is None:
        report = InsightsReport()
        first = last = None
    else:
        report = analyse(
            s.outcomes,
            s.factors,
            s.first_day,
            s.last_day,
            outcome_info=s.outcome_info,
            factor_info=s.factor_info,
            q_threshold=Q_THRESHOLD,
            complete_days=s.complete_days,
            outcome_groups=OUTCOME_GROUPS,
            state_before=s.state_before,
        )
        first, last = s.first_day.isoformat(), s.last_day.isoformat()
    d = report.to_dict()

    def items(group: list[InsightDict]) -> list[ItemDict]:
        return [ItemDict(**i) for i in group]

    return {
        "first_day": first,
        "last_day": last,
        "days_tracked": len(s.tracked),
        "helps": items(d["helps"]),
        "aggravates": items(d["aggravates"]),
        "no_clear_effect": items(d["no_clear_effect"]),
        "not_enough_data": items(d["not_enough_data"]),
        "used_on_worse_days": items(d["used_on_worse_days"]),
        "complete_days_rule": COMPLETE_DAYS_RULE,
        "same_session": same_session(s.sessions, _typical_pain(s)),
        "changes": compare_changes(s),
        "notes": list(s.notes),
    }


def _amount(effect: float, unit: str = "points") -> str:
    return f"{number(abs(effect))} {unit} {'higher' if effect >= 0 else 'lower'}"


def _typical_pain(s: DiarySeries) -> float | None:
    """The person's mean daily overall pain, the level regression to the mean pulls to."""
    values = list(s.outcomes.get("overall pain", {}).values())
    return sum(values) / len(values) if len(values) >= 7 else None


def same_session(
    sessions: dict[str, list[tuple[float, float]]], typical: float | None = None
) -> list[SessionDict]:
    """Pain after minus pain before, per treatment with at least two rated sessions; with
    the person's `typical` pain, corrected for regression to the mean (core.rtm_corrected):
    the verdict then uses the corrected change."""
    out: list[SessionDict] = []
    for name, pairs in sorted(sessions.items()):
        if len(pairs) < 2:
            out.append(
                {
                    "treatment": name,
                    "n": len(pairs),
                    "mean_difference": None,
                    "ci95": None,
                    "corrected_difference": None,
                    "corrected_ci95": None,
                    "p_value": None,
                    "verdict": "not_enough_data",
                    "sentence": (
                        f"Rate your pain before and after {name} once more to see how it "
                        "changes within a session."
                    ),
                }
            )
            continue
        e = paired_effect(pairs)
        low, high = e.ci95
        same = e.sd_difference == 0  # every session moved by the same amount: no interval
        corrected = rtm_corrected(pairs, typical) if typical is not None and not same else None
        if same:
            text = f"In {e.n} sessions of {name}, pain afterwards was " + (
                f"{_amount(e.mean_difference)} than before every time."
                if e.mean_difference
                else "the same as before every time."
            )
            # The sign test decides (p < 0.05, as the interval does otherwise): two or
            # three identical sessions are not yet a clear effect.
            low = high = e.mean_difference if (e.p_value or 1.0) < 0.05 else 0.0
        else:
            ci = interval_text(e.mean_difference, low, high)
            text = (
                f"In {e.n} sessions of {name}, pain afterwards was on average "
                f"{_amount(e.mean_difference)} than before ({ci})."
            )
        if corrected is not None:
            change, (low, high) = corrected
            text += (
                f" Starting from your usual pain level, the change would be "
                f"{_amount(change)} ({interval_text(change, low, high)}), allowing for high "
                "pain easing anyway."
            )
        else:
            change = e.mean_difference
        clear = low > 0 or high < 0
        verdict = ("helps" if change < 0 else "aggravates") if clear else "no_clear_effect"
        if verdict == "helps" and corrected is None:
            text += (
                " Pain that is high enough to treat often eases anyway, so part of this drop "
                "may have happened without it."
            )
        elif verdict == "no_clear_effect":
            text += " No clear change within the session."
        out.append(
            {
                "treatment": name,
                "n": e.n,
                "mean_difference": e.mean_difference,
                "ci95": None if same else list(e.ci95),
                "corrected_difference": corrected[0] if corrected else None,
                "corrected_ci95": list(corrected[1]) if corrected else None,
                "p_value": e.p_value,
                "verdict": verdict,
                "sentence": text,
            }
        )
    return out


def _change_events(person_id: int) -> list[tuple[date, str]] | None:
    """The person's recorded changes (None is kept for a provider that has none to give)."""
    from spasmtrack.accounts.models import Person
    from spasmtrack.nutrition.factors import change_events

    return change_events(Person.objects.get(pk=person_id))


def compare_changes(s: DiarySeries) -> ChangesDict:
    """Each recorded change vs the main outcomes: level shift on the change day beyond the
    trends (interrupted time series), over CHANGE_WINDOW_DAYS each side, BH q-values
    across all the changes' tests."""
    if s.first_day is None or s.person_id is None:
        return {"status": "ok", "items": []}
    events = _change_events(s.person_id)
    if events is None:
        return {"status": "pending", "items": []}
    tested: list[tuple[ChangeDict, bool]] = []
    items: list[ChangeDict] = []
    for day, title in events:
        for outcome in MAIN_OUTCOMES:
            item, lower_better = _one_change(s, day, title, outcome)
            items.append(item)
            if item["p_value"] is not None:
                tested.append((item, lower_better))
    if tested:
        import numpy as np

        q = bh_q_values(np.array([i["p_value"] for i, _ in tested], dtype=np.float64))
        for (item, lower_better), qv in zip(tested, q.tolist(), strict=True):
            _set_change_verdict(item, float(qv), lower_better)
    return {"status": "ok", "items": items}


def _one_change(s: DiarySeries, day: date, title: str, outcome: str) -> tuple[ChangeDict, bool]:
    info = s.outcome_info.get(outcome)
    lower_better = info.lower_is_better if info else True
    unit = info.unit if info and info.unit else ""
    lo, hi = day - timedelta(days=CHANGE_WINDOW_DAYS), day + timedelta(days=CHANGE_WINDOW_DAYS)
    series = {d: v for d, v in s.outcomes.get(outcome, {}).items() if lo <= d < hi}
    n_after = sum(1 for d in series if d >= day)
    n_before = len(series) - n_after
    item: ChangeDict = {
        "change": title,
        "day": day.isoformat(),
        "outcome": outcome,
        "level_change": None,
        "ci95": None,
        "p_value": None,
        "q_value": None,
        "n_before": n_before,
        "n_after": n_after,
        "verdict": "not_enough_data",
        "sentence": (
            f"Not enough data yet to compare {outcome} before and after “{title}”: "
            f"at least {CHANGE_MIN_DAYS} days on each side are needed "
            f"(so far {n_before} before and {n_after} after)."
        ),
    }
    try:
        r = interrupted_time_series(series, day, CHANGE_MIN_DAYS)
    except ValueError:
        return item, lower_better
    item.update(
        {
            "level_change": r.level_change,
            "ci95": list(r.ci95),
            "p_value": r.p_value,
            "verdict": "no_clear_effect",
        }
    )
    item["sentence"] = (
        f"After “{title}” ({day:%-d %b %Y}), {outcome} was "
        f"{_amount(r.level_change, unit) if unit else _plain_amount(r.level_change)} than the "
        f"earlier trend would suggest ({interval_text(r.level_change, *r.ci95)})."
    )
    return item, lower_better


def _plain_amount(effect: float) -> str:
    return f"{number(abs(effect))} {'higher' if effect >= 0 else 'lower'}"


def _set_change_verdict(item: ChangeDict, q: float, lower_better: bool) -> None:
    item["q_value"] = q
    assert item["ci95"] is not None and item["level_change"] is not None
    low, high = item["ci95"]
    if q <= Q_THRESHOLD and (low > 0 or high < 0):
        better = (item["level_change"] < 0) == lower_better
        item["verdict"] = "helps" if better else "aggravates"
        item["sentence"] += (
            " This is a pattern in your diary, not proof: other things may have changed "
            "at the same time."
        )
    else:
        item["sentence"] += " No clear change."


def report_and_series(
    person: Any, since: date | None = None, until: date | None = None
) -> tuple[InsightsDict, DiarySeries]:
    """Both cached results for the page, with one diary-version query."""
    version = diary_version(person)
    series = cached_series(person, since, until, version)
    key = cache_key("report", person, since, until, version)
    return _cached(key, lambda: compute_insights(series)), series


def waiting_factors(report: InsightsDict) -> list[dict[str, Any]]:
    """Factors not compared with anything yet, with the fewest extra days that would allow
    a first comparison: [{"factor", "more_with", "more_without", "sentence"}]."""
    tested = {i["factor"] for k in ("helps", "aggravates", "no_clear_effect") for i in report[k]}
    best: dict[str, ItemDict] = {}
    for i in report["not_enough_data"]:
        if i["factor"] in tested:
            continue
        need = i["more_days_with"] + i["more_days_without"]
        current = best.get(i["factor"])
        if current is None or need < current["more_days_with"] + current["more_days_without"]:
            best[i["factor"]] = i
    return [
        {
            "factor": name,
            "more_with": i["more_days_with"],
            "more_without": i["more_days_without"],
            "sentence": i["sentence"],
        }
        for name, i in sorted(best.items())
    ]

"""Plain sentences for Insights results.

The wording describes what was seen in the diary ("on days with", "was followed by") and
never claims that a factor causes a change: these are observational patterns, and the
suggested next step for a strong one is an experiment.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["binary", "numeric"]
Verdict = Literal["helps", "aggravates", "no_clear_effect", "not_enough_data"]


@dataclass(frozen=True)
class Wording:
    """What a sentence needs to know about one factor x outcome x lag test."""

    factor: str
    outcome: str
    lag_days: int
    kind: Kind
    outcome_unit: str = ""  # e.g. "points"; "" leaves the number bare
    factor_unit: str = ""  # numeric factors: one step, e.g. "hour"; "" = "1-point"


def decimals(x: float) -> int:
    """Decimals that show `x` with about two significant digits (at most 3 decimals)."""
    a = abs(x)
    if a >= 10:
        return 0
    if a >= 1:
        return 1
    if a >= 0.1:
        return 2
    return 3


def number(x: float, places: int | None = None) -> str:
    """A short human number: 12, 1.8, 0.35, 0.042 (or with `places` decimals)."""
    return f"{x:.{decimals(x) if places is None else places}f}"


def _when(lag_days: int) -> str:
    if lag_days == 1:
        return "the next day"
    return f"{lag_days} days later"


def _amount(w: Wording, effect: float) -> str:
    """'1.8 points higher' / '0.4 lower' in the effect's own direction."""
    word = "higher" if effect >= 0 else "lower"
    unit = f" {w.outcome_unit}" if w.outcome_unit else ""
    return f"{number(abs(effect))}{unit} {word}"


def interval_text(effect: float, low: float, high: float) -> str:
    """The 95 % interval, e.g. '0.9 to 2.7' or '0.5 lower to 1.1 higher'.

    When the interval lies on one side of 0 its ends are sizes in the headline's
    direction ("higher" or "lower"), smallest first; when it includes no change, both
    ends are named. Numbers use the headline's decimals.
    """
    places = decimals(effect)
    if low > 0 or high < 0:
        a, b = sorted((abs(low), abs(high)))
        return f"95 % interval {number(a, places)} to {number(b, places)}"
    return f"95 % interval {number(-low, places)} lower to {number(high, places)} higher"


def effect_sentence(w: Wording, effect: float, low: float, high: float) -> str:
    """The descriptive part: what went with or followed the factor, with its interval."""
    amount = _amount(w, effect)
    ci = interval_text(effect, low, high)
    if w.kind == "binary":
        if w.lag_days == 0:
            return f"On days with {w.factor}, {w.outcome} was {amount} than on days without ({ci})."
        return (
            f"Days with {w.factor} were followed {_when(w.lag_days)} by {w.outcome} "
            f"{amount} than days without ({ci})."
        )
    step = (
        f"extra {w.factor_unit} of {w.factor}" if w.factor_unit else f"1-point rise in {w.factor}"
    )
    if w.lag_days == 0:
        return f"Each {step} went with {w.outcome} {amount} on the same day ({ci})."
    return f"Each {step} was followed {_when(w.lag_days)} by {w.outcome} {amount} ({ci})."


def verdict_sentence(w: Wording, verdict: Verdict, effect: float, low: float, high: float) -> str:
    """The full sentence for a tested pair: description plus what it does and does not mean."""
    base = effect_sentence(w, effect, low, high)
    if verdict in ("helps", "aggravates"):
        return (
            f"{base} This is a pattern in your diary, not proof that one causes the other "
            "— try testing it in an experiment."
        )
    if low > 0 or high < 0:
        return f"{base} No clear effect: with this many comparisons it could be chance."
    return f"{base} No clear effect: the interval includes no change."


def not_enough_sentence(
    w: Wording, reason: str, more_days_with: int, more_days_without: int
) -> str:
    """Why a pair was not tested and, where counting days helps, how many more are needed."""
    head = f"Not enough data yet to compare {w.factor} with {w.outcome}"
    head += " on the same day" if w.lag_days == 0 else f" {_when(w.lag_days)}"
    if reason == "few_days" and w.kind == "binary":
        parts = []
        if more_days_with:
            parts.append(f"{more_days_with} more days with {w.factor}")
        if more_days_without:
            parts.append(f"{more_days_without} more days without it")
        return f"{head}: about {' and '.join(parts)} are needed."
    if reason == "few_days":
        return f"{head}: about {more_days_with} more days with a value for {w.factor} are needed."
    if reason == "factor_constant":
        return f"{head}: {w.factor} has had the same value every day so far."
    if reason == "outcome_constant":
        return f"{head}: {w.outcome} has not changed enough to compare."
    # reason == "tied_to_weekday": the factor only follows the weekly rhythm or the trend.
    return (
        f"{head}: {w.factor} follows the days of the week (or a steady trend) so closely "
        "that the two cannot be told apart."
    )

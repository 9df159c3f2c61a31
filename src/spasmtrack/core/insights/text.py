"""Plain sentences for Insights results.

The wording describes what was seen in the diary ("on days with", "was followed by") and
never claims that a factor causes a change: these are observational patterns, and the
suggested next step for a strong one is an experiment.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from scipy import special

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
    lags: tuple[int, ...] = ()  # lags reported together; () = (lag_days,)
    course: bool = False  # a yes/no factor on one contiguous stretch
    other_outcomes: tuple[str, ...] = ()  # further outcomes of a grouped finding that agree

    @property
    def reported_lags(self) -> tuple[int, ...]:
        return self.lags or (self.lag_days,)


MEANINGFUL_CHANGE = 1.0  # on the outcome's scale: 1 point of 0–10, or one more spasm a day
POWER = 0.8
MAX_MORE_DAYS = 3650
_Z_SUM = float(special.ndtri(0.975) + special.ndtri(POWER))  # ndtri = norm.ppf


def more_days_to_tell(n_days: int, se: float, change: float = MEANINGFUL_CHANGE) -> int | None:
    """Roughly how many more days would detect a difference of `change` with 80 % power at
    5 %, if the standard error shrinks like 1 / sqrt(days): 0 when the data already would,
    None when more than ten years of days would be needed."""
    needed_se = change / _Z_SUM
    if se <= needed_se:
        return 0
    more = math.ceil(n_days * (se / needed_se) ** 2 - n_days)
    return more if more <= MAX_MORE_DAYS else None


def timing_text(lags: tuple[int, ...], course: bool = False) -> str:
    """'the same day', 'the next day', 'the same day or the next day', 'within 2 days'..."""
    if course:
        return "while taking it"
    names = {0: "the same day", 1: "the next day", 2: "2 days later"}
    if len(lags) == 1:
        return names.get(lags[0], f"{lags[0]} days later")
    if len(lags) == 2:
        return f"{names.get(lags[0], str(lags[0]))} or {names.get(lags[1], str(lags[1]))}"
    return f"within {max(lags)} days"


def step_phrase(w: Wording) -> str:
    """One step of a numeric factor: "extra hour of sitting" for "hours sitting" (unit
    "hour"), "extra hour slept" for "hours slept", "extra mg of magnesium" otherwise."""
    if not w.factor_unit:
        return f"1-point rise in {w.factor}"
    words = w.factor.split()
    if len(words) > 1 and words[0].lower() in (w.factor_unit, w.factor_unit + "s"):
        rest = " ".join(words[1:])
        joiner = " of " if words[1].endswith("ing") else " "
        return f"extra {w.factor_unit}{joiner}{rest}"
    return f"extra {w.factor_unit} of {w.factor}"


def outcomes_text(w: Wording) -> str:
    names = [w.outcome, *w.other_outcomes]
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + " and " + names[-1]


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
    """The descriptive part: what went with or followed the factor, with its range."""
    amount = _amount(w, effect)
    ci = interval_text(effect, low, high).replace("95 % interval", "likely range")
    what = outcomes_text(w)
    verb = "were" if w.other_outcomes else "was"
    lags = w.reported_lags
    if w.course:
        return f"While taking {w.factor}, {what} {verb} {amount} than before and after ({ci})."
    if w.kind == "binary":
        if lags == (0,):
            return f"On days with {w.factor}, {what} {verb} {amount} than on days without ({ci})."
        return (
            f"Days with {w.factor} were followed {timing_text(lags)} by {what} "
            f"{amount} than days without ({ci})."
        )
    step = step_phrase(w)
    if lags == (0,):
        return f"Each {step} went with {what} {amount} on the same day ({ci})."
    return f"Each {step} was followed {timing_text(lags)} by {what} {amount} ({ci})."


def verdict_sentence(
    w: Wording,
    verdict: Verdict,
    effect: float,
    low: float,
    high: float,
    more_days: int | None = None,
) -> str:
    """The full sentence: "likely helps" / "likely worsens" / "unclear", then the numbers."""
    base = effect_sentence(w, effect, low, high)
    if verdict == "helps":
        return (
            f"{w.factor[:1].upper()}{w.factor[1:]} likely helps: {base} This is a pattern in "
            "your diary, not proof that one causes the other — try testing it in an experiment."
        )
    if verdict == "aggravates":
        return (
            f"{w.factor[:1].upper()}{w.factor[1:]} likely worsens {outcomes_text(w)}: {base} "
            "This is a pattern in your diary, not proof that one causes the other — try "
            "testing it in an experiment."
        )
    if more_days == 0:
        return (
            f"No clear effect of {w.factor} on {w.outcome}: {base} A difference of "
            f"{number(MEANINGFUL_CHANGE)} or more is unlikely."
        )
    tell = f"about {more_days} more days would tell" if more_days else "many more days are needed"
    return f"Unclear — {tell}. {base}"


def worse_days_sentence(w: Wording, effect: float, low: float, high: float) -> str:
    """A factor taken after worse days: an observation about when it is used, not an effect."""
    amount = _amount(w, effect)
    ci = interval_text(effect, low, high).replace("95 % interval", "likely range")
    return (
        f"You tend to use {w.factor} after worse days: the day before {w.factor}, "
        f"{w.outcome} was {amount} than before other days ({ci}). This says when you use "
        "it, not what it does."
    )


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

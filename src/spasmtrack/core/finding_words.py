"""Plain words for one Insights finding: "likely helps", "likely worsens" or "unclear".

The engine (`core.insights`) decides the verdict; this module only words it for the page:
the verdict as a short label, the effect in the outcome's own units (points on the 0–10
scales) with its 95 % range, and, for an unclear finding, roughly how many more days of
the same kind would settle it.

"How many more days": a standard error shrinks like 1/sqrt(days), so the days needed for
an effect of the size seen so far to be detected at two-sided 5 % with 80 % power are
    n_needed = n * ((z_0.975 + z_0.80) * se / |effect|) ** 2,
the usual sample-size formula for a normal test (e.g. Chow, Shao & Wang, *Sample Size
Calculations in Clinical Research*, ch. 3). It ignores the multiple-comparison adjustment
and assumes the effect seen so far is the true one, so the page says "about".
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from scipy.stats import norm

ALPHA = 0.05
POWER = 0.8
MAX_MORE_DAYS = 730  # beyond two more years "about N days" is not a useful promise

LAG_WORDS = {0: "the same day", 1: "the next day", 2: "two days later"}


@dataclass(frozen=True)
class Words:
    """`label` is the headline ("Likely helps"); `sentence` the effect with its range."""

    label: str
    tone: str  # "helps", "worsens" or "unclear": the CSS class
    sentence: str
    more_days: int | None  # unclear findings: about this many more days would tell


def more_days_needed(
    effect: float, se: float, n_days: int, alpha: float = ALPHA, power: float = POWER
) -> int | None:
    """More days (beyond `n_days`) for an effect this size to be found with `power`.

    None when the effect is 0 (no size to detect) or more than MAX_MORE_DAYS would be needed.
    Returns at least 1: an unclear finding always needs more days.
    """
    if not (se > 0) or effect == 0 or n_days < 1:
        return None
    z = norm.ppf(1 - alpha / 2) + norm.ppf(power)
    needed = n_days * (z * se / abs(effect)) ** 2
    more = max(1, math.ceil(needed - n_days))
    return more if more <= MAX_MORE_DAYS else None


def amount(value: float, unit: str, places: int = 1) -> str:
    """'1.4 points' for 0–10 scores; a bare '0.8' for counts (the outcome names them)."""
    size = _number(abs(value), places)
    return f"{size} {unit}" if unit else size


def places_for(*values: float) -> int:
    """One decimal, or two when a number in the sentence would otherwise read as 0.0/0.1."""
    small = [abs(v) for v in values if v != 0]
    return 2 if small and min(small) < 0.095 else 1


def _number(x: float, places: int = 1) -> str:
    return f"{abs(x):.{places}f}"


def per_step(factor: str, unit: str) -> str:
    """'each extra hour sitting' for "hours sitting" (not "hour of hours sitting")."""
    if not unit:
        return f"each 1-point rise in {factor}"
    low = factor.lower()
    for form in (unit + "s ", unit + " "):
        if low.startswith(form):
            return f"each extra {unit} {factor[len(form) :]}"
    return f"each extra {unit} of {factor}"


def range_text(low: float, high: float, unit: str, places: int | None = None) -> str:
    """'range 0.9 to 1.8 points lower' or 'range 0.5 lower to 1.1 higher'."""
    p = places_for(low, high) if places is None else places
    u = f" {unit}" if unit else ""
    if high < 0:
        return f"range {_number(high, p)} to {_number(low, p)}{u} lower"
    if low > 0:
        return f"range {_number(low, p)} to {_number(high, p)}{u} higher"
    return f"range {_number(low, p)}{u} lower to {_number(high, p)}{u} higher"


def words_for(
    *,
    verdict: str,
    factor: str,
    outcome: str,
    kind: str,
    lag_days: int,
    effect: float,
    low: float,
    high: float,
    se: float,
    n_days: int,
    outcome_unit: str = "",
    factor_unit: str = "",
    timing: str | None = None,
) -> Words:
    """The label and sentence for a tested finding (`verdict` is the engine's)."""
    when = timing or LAG_WORDS.get(lag_days, f"{lag_days} days later")
    direction = "higher" if effect >= 0 else "lower"
    places = places_for(effect, low, high)
    size = amount(effect, outcome_unit, places)
    span = range_text(low, high, outcome_unit, places)
    if kind == "binary":
        if lag_days == 0 and timing in (None, "", "the same day"):
            head = f"On days with {factor}, {outcome} was {size} {direction} ({span})."
        else:
            head = f"After days with {factor}, {outcome} {when} was {size} {direction} ({span})."
    else:
        step = per_step(factor, factor_unit)
        head = f"With {step}, {outcome} {when} was {size} {direction} ({span})."
        head = head[0].upper() + head[1:]
    if verdict == "helps":
        return Words("Likely helps", "helps", head, None)
    if verdict == "aggravates":
        return Words("Likely worsens", "worsens", head, None)
    more = more_days_needed(effect, se, n_days)
    label = (
        f"Unclear — about {more} more day{'s' if more != 1 else ''} would tell"
        if more is not None
        else "Unclear — more days are unlikely to tell"
    )
    return Words(label, "unclear", head, more)

"""The results of the n-of-1 analysis and power check, as plain shapes with no numerical
import: the trials API reads its JSON schemas from them (`trials.schemas`) without loading
NumPy or SciPy, which only computing them needs (`model`, `power`)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, TypedDict


class FrequentistDict(TypedDict):
    method: str
    mean_difference: float | None
    ci95: list[float] | None
    p_value: float | None
    n_blocks: int


@dataclass(frozen=True)
class PowerCheck:
    """The power check of a planned experiment (`power.power_warning`, `power.plan_to_power`).
    `power` is None when the past data are too few to estimate it; `warning` None if fine."""

    power: float | None
    warning: str | None
    mean: float | None
    sd: float | None
    autocorrelation: float | None
    n_sims: int


@dataclass(frozen=True)
class TrialResult:
    """The answer to "is B better than A for me?". `effect` and `ci95` are B - A."""

    effect: float
    ci95: tuple[float, float]
    p_b_better: float
    p_mcid: float
    n_days: int
    model: str
    sentence: str
    frequentist: FrequentistDict

    def to_dict(self) -> dict[str, Any]:
        """The result as JSON values (the API's ResultOut is read from this class)."""
        return {**dataclasses.asdict(self), "ci95": list(self.ci95)}

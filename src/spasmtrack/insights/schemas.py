"""Output schemas of /api/insights (the same shape `spasmtrack insights --json` prints)."""

from __future__ import annotations

from datetime import date

from ninja import Schema
from pydantic import model_validator

from spasmtrack.strict import StrictIn


class RangeIn(StrictIn):
    since: date | None = None
    until: date | None = None

    @model_validator(mode="after")
    def ordered(self) -> RangeIn:
        if self.since and self.until and self.since > self.until:
            raise ValueError("since must be on or before until")
        return self


class ExperimentOut(Schema):
    status: str  # "confirmed" or "not_confirmed"
    trial: str  # the experiment's id
    title: str


class InsightOut(Schema):
    factor: str
    outcome: str
    outcomes: list[str]  # every outcome of a grouped finding; `outcome` is the main one
    lag_days: int  # the strongest lag (-1 for used_on_worse_days: the day before)
    lags_considered: list[int]
    lags_reported: list[int]  # the lags the data cannot tell apart, reported together
    timing: str  # e.g. "the same day", "the same day or the next day", "while taking it"
    kind: str
    effect: float | None
    se: float | None
    ci95: list[float] | None
    p_value: float | None
    q_value: float | None
    n_days: int
    n_with: int
    n_without: int
    more_days_with: int
    more_days_without: int
    more_days_to_tell: int | None
    reason: str
    sentence: str
    headline: str
    # Set when a finished experiment tested this finding (same factor as B, same outcome).
    experiment: ExperimentOut | None = None


class SessionOut(Schema):
    treatment: str
    n: int
    mean_difference: float | None
    ci95: list[float] | None
    corrected_difference: float | None
    corrected_ci95: list[float] | None
    p_value: float | None
    verdict: str
    sentence: str


class ChangeComparisonOut(Schema):
    change: str
    day: date
    outcome: str
    level_change: float | None
    ci95: list[float] | None
    p_value: float | None
    q_value: float | None
    n_before: int
    n_after: int
    verdict: str
    sentence: str


class ChangesOut(Schema):
    status: str
    items: list[ChangeComparisonOut]


class InsightsOut(Schema):
    first_day: date | None
    last_day: date | None
    days_tracked: int
    helps: list[InsightOut]
    aggravates: list[InsightOut]
    no_clear_effect: list[InsightOut]
    not_enough_data: list[InsightOut]
    used_on_worse_days: list[InsightOut]
    complete_days_rule: str
    same_session: list[SessionOut]
    changes: ChangesOut
    notes: list[str]

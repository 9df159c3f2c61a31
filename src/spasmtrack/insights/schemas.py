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


class InsightOut(Schema):
    factor: str
    outcome: str
    lag_days: int
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
    reason: str
    sentence: str
    headline: str


class SessionOut(Schema):
    treatment: str
    n: int
    mean_difference: float | None
    ci95: list[float] | None
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
    same_session: list[SessionOut]
    changes: ChangesOut
    notes: list[str]

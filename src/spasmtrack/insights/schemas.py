"""Output schemas of /api/insights (the same shape `spasmtrack insights --json` prints)."""

from __future__ import annotations

from datetime import date
from typing import Any

from ninja import Schema
from pydantic import model_validator

from spasmtrack.core.insights import InsightDict
from spasmtrack.insights.services import ChangeDict, ChangesDict, InsightsDict, SessionDict
from spasmtrack.shapes import schema_of
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


# Read from the shapes the analysis already defines (core.insights' InsightDict, the
# service's SessionDict, ChangeDict, InsightsDict): one list of fields each.
InsightOut = schema_of(
    InsightDict,
    "InsightOut",
    # Set when a finished experiment tested this finding (same factor as B, same outcome).
    extra={"experiment": (ExperimentOut | None, None)},
)
SessionOut = schema_of(SessionDict, "SessionOut")
ChangeComparisonOut = schema_of(ChangeDict, "ChangeComparisonOut", day=date)
ChangesOut = schema_of(ChangesDict, "ChangesOut", items=list[ChangeComparisonOut])  # type: ignore[valid-type]
_LISTS = ("helps", "aggravates", "no_clear_effect", "not_enough_data", "used_on_worse_days")
_FINDINGS: dict[str, Any] = {name: list[InsightOut] for name in _LISTS}  # type: ignore[valid-type]
InsightsOut = schema_of(
    InsightsDict,
    "InsightsOut",
    first_day=date | None,
    last_day=date | None,
    same_session=list[SessionOut],  # type: ignore[valid-type]
    changes=ChangesOut,
    **_FINDINGS,
)

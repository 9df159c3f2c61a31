"""JSON shapes of period days (the row's id, day and timestamps are `crud.DayRowOut`)."""

from __future__ import annotations

from datetime import date

from pydantic import Field

from spasmtrack.crud import DayRowOut
from spasmtrack.strict import StrictIn


class PeriodDayIn(StrictIn):
    local_date: date = Field(description="a day of your period (your calendar)")


class PeriodDayPatch(StrictIn):
    local_date: date | None = None


class PeriodDayOut(DayRowOut):
    pass

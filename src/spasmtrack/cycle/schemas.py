"""JSON shapes of period days."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from ninja import Schema
from pydantic import Field

from spasmtrack.strict import StrictIn


class PeriodDayIn(StrictIn):
    local_date: date = Field(description="a day of your period (your calendar)")


class PeriodDayPatch(StrictIn):
    local_date: date | None = None


class PeriodDayOut(Schema):
    id: UUID = Field(validation_alias="code")
    local_date: date
    created: datetime
    updated: datetime


class PeriodDayFilters(StrictIn):
    since: date | None = None
    until: date | None = None

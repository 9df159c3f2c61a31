"""JSON API of period days: list / create / read / update / delete, like the diary's.

Every handler acts on `request.auth` and reaches days through `services.get_owned`, so
another person's id is a 404. The API works whether or not tracking is on in Settings
(the setting decides what the pages show and Insights uses, not what may be stored).

No `from __future__ import annotations` (django-ninja reads the annotations at import time).
"""

from typing import Any
from uuid import UUID

from ninja import Query, Router
from ninja.pagination import paginate
from ninja.responses import Status

from spasmtrack.accounts.http import ApiRequest
from spasmtrack.core.plausible import EARLIEST_DAY, TOO_EARLY
from spasmtrack.cycle import schemas as s
from spasmtrack.cycle.services import (
    PeriodError,
    create_day,
    delete_day,
    get_owned,
    period_days_for,
    update_day,
)
from spasmtrack.pagination import BoundedLimitOffsetPagination

router = Router(tags=["cycle"])


@router.get("/period-days", response=list[s.PeriodDayOut], operation_id="list_period_days")
@paginate(BoundedLimitOffsetPagination)
def list_period_days(request: ApiRequest, filters: Query[s.PeriodDayFilters]) -> Any:
    qs = period_days_for(request.auth)
    for name, day in (("since", filters.since), ("until", filters.until)):
        if day is not None and day < EARLIEST_DAY:
            raise PeriodError(name, TOO_EARLY)
    if filters.since:
        qs = qs.filter(local_date__gte=filters.since)
    if filters.until:
        qs = qs.filter(local_date__lte=filters.until)
    return qs.order_by("-local_date", "-id")


@router.post("/period-days", response={201: s.PeriodDayOut}, operation_id="create_period_day")
def create_period_day(request: ApiRequest, payload: s.PeriodDayIn) -> Any:
    return Status(201, create_day(request.auth, payload.model_dump()))


@router.get("/period-days/{code}", response=s.PeriodDayOut, operation_id="read_period_day")
def read_period_day(request: ApiRequest, code: UUID) -> Any:
    return get_owned(request.auth, code)


@router.patch("/period-days/{code}", response=s.PeriodDayOut, operation_id="update_period_day")
def update_period_day(request: ApiRequest, code: UUID, payload: s.PeriodDayPatch) -> Any:
    obj = get_owned(request.auth, code)
    return update_day(request.auth, obj, payload.model_dump(exclude_unset=True))


@router.delete("/period-days/{code}", response={204: None}, operation_id="delete_period_day")
def delete_period_day(request: ApiRequest, code: UUID) -> Any:
    delete_day(request.auth, get_owned(request.auth, code))
    return Status(204, None)

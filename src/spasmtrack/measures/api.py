"""JSON API of daily measurements: list / create / read / update / delete, like the diary's.

Every handler acts on `request.auth` and reaches values through `services.get_owned`, so
another person's id is a 404. Imported values (Apple Health, Fitbit, CSV, Flaredown) can be
corrected or deleted here too; a re-import of the same file brings them back.

No `from __future__ import annotations` (django-ninja reads the annotations at import time).
"""

from typing import Any
from uuid import UUID

from ninja import Query, Router
from ninja.pagination import paginate
from ninja.responses import Status

from spasmtrack.accounts.http import ApiRequest
from spasmtrack.core.plausible import EARLIEST_DAY, TOO_EARLY
from spasmtrack.diary.entries import EntryError
from spasmtrack.measures import schemas as s
from spasmtrack.measures.services import (
    create_value,
    delete_value,
    get_owned,
    metrics_for,
    update_value,
)
from spasmtrack.pagination import BoundedLimitOffsetPagination

router = Router(tags=["measures"])


@router.get("/daily-metrics", response=list[s.DailyMetricOut], operation_id="list_daily_metrics")
@paginate(BoundedLimitOffsetPagination)
def list_daily_metrics(request: ApiRequest, filters: Query[s.MetricFilters]) -> Any:
    qs = metrics_for(request.auth)
    for name, day in (("since", filters.since), ("until", filters.until)):
        if day is not None and day < EARLIEST_DAY:
            raise EntryError(name, TOO_EARLY)
    if filters.since:
        qs = qs.filter(local_date__gte=filters.since)
    if filters.until:
        qs = qs.filter(local_date__lte=filters.until)
    if filters.metric:
        qs = qs.filter(metric=filters.metric)
    if filters.source:
        qs = qs.filter(source=filters.source)
    return qs.order_by("-local_date", "metric", "source", "-id")


@router.post("/daily-metrics", response={201: s.DailyMetricOut}, operation_id="create_daily_metric")
def create_daily_metric(request: ApiRequest, payload: s.DailyMetricIn) -> Any:
    return Status(201, create_value(request.auth, payload.model_dump()))


@router.get("/daily-metrics/{code}", response=s.DailyMetricOut, operation_id="read_daily_metric")
def read_daily_metric(request: ApiRequest, code: UUID) -> Any:
    return get_owned(request.auth, code)


@router.patch(
    "/daily-metrics/{code}", response=s.DailyMetricOut, operation_id="update_daily_metric"
)
def update_daily_metric(request: ApiRequest, code: UUID, payload: s.DailyMetricPatch) -> Any:
    obj = get_owned(request.auth, code)
    return update_value(request.auth, obj, payload.model_dump(exclude_unset=True))


@router.delete("/daily-metrics/{code}", response={204: None}, operation_id="delete_daily_metric")
def delete_daily_metric(request: ApiRequest, code: UUID) -> Any:
    delete_value(request.auth, get_owned(request.auth, code))
    return Status(204, None)

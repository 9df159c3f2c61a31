"""JSON API of daily measurements: list / create / read / update / delete, the shape of
`spasmtrack.crud` (the same as the diary's).

Every handler acts on `request.auth` and reaches values through `services.get_owned`, so
another person's id is a 404. Imported values (Apple Health, Fitbit, CSV, Flaredown) can be
corrected or deleted here too; a re-import of the same file brings them back.
"""

from __future__ import annotations

from ninja import Router

from spasmtrack.crud import Crud, add_crud
from spasmtrack.diary.entries import EntryError
from spasmtrack.measures import schemas as s
from spasmtrack.measures import services

router = Router(tags=["measures"])

DAILY_METRICS = Crud(
    name="daily-metrics",
    schema_in=s.DailyMetricIn,
    schema_patch=s.DailyMetricPatch,
    schema_out=s.DailyMetricOut,
    filters=s.MetricFilters,
    rows_for=services.metrics_for,
    get_owned=services.get_owned,
    create=services.create_value,
    update=services.update_value,
    delete=services.delete_value,
    order=("-local_date", "metric", "source", "-id"),
    error=EntryError,
)
add_crud(router, DAILY_METRICS)

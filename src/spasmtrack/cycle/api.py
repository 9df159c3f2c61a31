"""JSON API of period days: list / create / read / update / delete, the shape of
`spasmtrack.crud` (the same as the diary's).

Every handler acts on `request.auth` and reaches days through `services.get_owned`, so
another person's id is a 404. The API works whether or not tracking is on in Settings
(the setting decides what the pages show and Insights uses, not what may be stored).
"""

from __future__ import annotations

from ninja import Router

from spasmtrack.crud import Crud, DayRange, add_crud
from spasmtrack.cycle import schemas as s
from spasmtrack.cycle import services

router = Router(tags=["cycle"])

PERIOD_DAYS = Crud(
    name="period-days",
    schema_in=s.PeriodDayIn,
    schema_patch=s.PeriodDayPatch,
    schema_out=s.PeriodDayOut,
    filters=DayRange,
    rows_for=services.period_days_for,
    get_owned=services.get_owned,
    create=services.create_day,
    update=services.update_day,
    delete=services.delete_day,
    order=("-local_date", "-id"),
    error=services.PeriodError,
)
add_crud(router, PERIOD_DAYS)

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
    "period-days",
    ("-local_date", "-id"),
    (s.PeriodDayIn, s.PeriodDayPatch, s.PeriodDayOut, DayRange),
    (services.period_days_for, services.get_owned),
    (services.create_day, services.update_day, services.delete_day),
    services.PeriodError,
)
add_crud(router, PERIOD_DAYS)

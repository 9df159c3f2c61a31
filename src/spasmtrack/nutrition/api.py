"""JSON API: intakes, nutrition totals and profile, ergonomics checklist, recorded changes.

Every handler acts on `request.auth` (the person) and reaches entries through
`accounts.owned.owned_or_404`, so another person's id is a 404, exactly like the diary API.

No `from __future__ import annotations` here (as in diary/api.py): django-ninja builds the
query-parameter models from the handlers' annotations and cannot resolve them as strings.
"""

from datetime import date, timedelta
from typing import Any, cast
from uuid import UUID

from django.http import Http404
from django.utils.timezone import now
from ninja import Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from spasmtrack.accounts.http import ApiRequest
from spasmtrack.accounts.owned import owned_or_404
from spasmtrack.core.plausible import EARLIEST_DAY, TOO_EARLY
from spasmtrack.diary.entries import EntryError
from spasmtrack.diary.models import Entry
from spasmtrack.nutrition import schemas as s
from spasmtrack.nutrition.intakes import intakes_for, log_intake, totals
from spasmtrack.nutrition.lifestyle import (
    changes_for,
    checklist,
    checklist_item,
    record_change,
    update_change,
)
from spasmtrack.nutrition.models import ChangeEvent, ChecklistStatus, Intake, NutritionProfile
from spasmtrack.pagination import BoundedLimitOffsetPagination
from spasmtrack.strict import StrictIn

router = Router(tags=["nutrition"])


class NutritionDateRange(StrictIn):
    since: date | None = None
    until: date | None = None


# ---------------------------------------------------------------- intakes


@router.get("/intakes", response=list[s.IntakeOut], operation_id="list_intakes")
@paginate(BoundedLimitOffsetPagination)
def list_intakes(request: ApiRequest, filters: Query[NutritionDateRange]) -> Any:
    return intakes_for(request.auth).between(filters.since, filters.until).order_by("-at", "-id")


@router.post("/intakes", response={201: s.IntakeOut}, operation_id="create_intake")
def create_intake(request: ApiRequest, payload: s.IntakeIn) -> Any:
    return Status(201, log_intake(request.auth, payload))


def _read_and_delete(path: str, model: type[Entry], schema: Any, name: str) -> None:
    """GET and DELETE `path`/{code}: one of the person's live entries (404 for anyone else's,
    as in the diary API), and moving it to the bin. Operation ids read_<name>, delete_<name>."""

    def read(request: ApiRequest, code: UUID) -> Any:
        return owned_or_404(request.auth, model.objects.live(), code)

    def delete(request: ApiRequest, code: UUID) -> Any:
        owned_or_404(request.auth, model.objects.live(), code).move_to_bin()
        return Status(204, None)

    read.__name__ = read.__qualname__ = f"read_{name}"  # (ninja's operation summary)
    delete.__name__ = delete.__qualname__ = f"delete_{name}"
    router.get(f"{path}/{{code}}", response=schema, operation_id=f"read_{name}")(read)
    router.delete(f"{path}/{{code}}", response={204: None}, operation_id=f"delete_{name}")(delete)


_read_and_delete("/intakes", Intake, s.IntakeOut, "intake")


# ---------------------------------------------------------------- totals and profile


@router.get("/nutrition/totals", response=s.TotalsOut, operation_id="nutrition_totals")
def nutrition_totals(request: ApiRequest, filters: Query[NutritionDateRange]) -> Any:
    """Daily totals against the reference; default: the last 7 days up to today."""
    for field, day in (("since", filters.since), ("until", filters.until)):
        if day is not None and day < EARLIEST_DAY:  # (and no date arithmetic overflows)
            raise EntryError(field, TOO_EARLY)
    until = filters.until or request.auth.today()
    since = filters.since or until - timedelta(days=6)
    try:
        return totals(request.auth, since, until)
    except ValueError as e:
        raise EntryError("since", str(e)) from None


@router.get("/nutrition/profile", response=s.ProfileOut, operation_id="read_nutrition_profile")
def read_profile(request: ApiRequest) -> Any:
    p = NutritionProfile.for_person(request.auth)
    return {"age": p.age, "sex": p.sex_or_none}


@router.put("/nutrition/profile", response=s.ProfileOut, operation_id="set_nutrition_profile")
def set_profile(request: ApiRequest, payload: s.ProfileIn) -> Any:
    NutritionProfile.objects.update_or_create(
        person=request.auth,
        defaults={"age": payload.age, "sex": payload.sex or "", "updated": now()},
    )
    return payload


# ---------------------------------------------------------------- ergonomics checklist


@router.get("/checklist", response=list[s.ChecklistItemOut], operation_id="list_checklist")
def list_checklist(request: ApiRequest) -> Any:
    return checklist(request.auth)


@router.put("/checklist/{item}", response=s.ChecklistItemOut, operation_id="set_checklist_item")
def set_checklist_item(request: ApiRequest, item: str, payload: s.ChecklistIn) -> Any:
    day = payload.local_date or request.auth.today()
    try:
        ChecklistStatus.set(request.auth, item, payload.status, day)
    except KeyError:
        raise Http404("No such checklist item") from None
    return checklist_item(request.auth, item)


# ---------------------------------------------------------------- recorded changes


@router.get("/changes", response=list[s.ChangeOut], operation_id="list_changes")
@paginate(BoundedLimitOffsetPagination)
def list_changes(request: ApiRequest, filters: Query[NutritionDateRange]) -> Any:
    qs = changes_for(request.auth).between(filters.since, filters.until)
    return qs.order_by("-local_date", "-id")


@router.post("/changes", response={201: s.ChangeOut}, operation_id="create_change")
def create_change(request: ApiRequest, payload: s.ChangeIn) -> Any:
    return Status(201, record_change(request.auth, payload))


_read_and_delete("/changes", ChangeEvent, s.ChangeOut, "change")


@router.patch("/changes/{code}", response=s.ChangeOut, operation_id="update_change")
def patch_change(request: ApiRequest, code: UUID, payload: s.ChangePatch) -> Any:  # type: ignore[valid-type]
    # (ChangePatch is derived at run time, patch_of(ChangeIn): mypy sees no class)
    change = owned_or_404(request.auth, ChangeEvent.objects.live(), code)
    return update_change(change, cast(Schema, payload).model_dump(exclude_unset=True))

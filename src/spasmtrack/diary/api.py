"""The diary's JSON API: list / create / read / update / delete for every kind of entry.

No `from __future__ import annotations` here: django-ninja reads the handlers' annotations at
import time, and the generated handlers annotate with per-resource local schema classes.
"""

from datetime import date
from typing import Any, cast
from uuid import UUID

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from spasmtrack.accounts.http import ApiRequest
from spasmtrack.accounts.owned import owned_or_404
from spasmtrack.diary import schemas as s
from spasmtrack.diary.carried import patch_of
from spasmtrack.diary.entries import (
    RESOURCES,
    Resource,
    StaleEntry,
    create_entry,
    entries_for,
    habits_for,
    treatments_for,
    update_entry,
)
from spasmtrack.diary.models import Entry, Habit, Treatment
from spasmtrack.pagination import BoundedLimitOffsetPagination
from spasmtrack.strict import StrictIn

router = Router(tags=["diary"])


class DateRange(StrictIn):
    since: date | None = None
    until: date | None = None
    kind: str | None = None


PATCH_HELP = (
    "Send `If-Match` with the ETag of the version you edited (from a read, create or "
    "earlier update): if the entry changed since, nothing is saved and 409 returns the "
    "saved entry under `current`. Without If-Match the change is applied to whatever is saved."
)
CHANGED_ELSEWHERE = "changed elsewhere since the version you edited: nothing was saved"


def etag(entry: Any) -> str:
    return f'"{entry.version}"'


def if_match_version(request: HttpRequest) -> int | None | str:
    """The version an `If-Match` names; None without one (or `*`); "unreadable" otherwise."""
    header = request.headers.get("If-Match", "").strip()
    if not header or header == "*":
        return None
    value = header.removeprefix("W/").strip('"')
    return int(value) if value.isdigit() and len(value) < 10 else "unreadable"


def _register(res: Resource[Entry]) -> None:
    """Add the five operations for one resource (same ownership rules for all)."""
    name, schema_in, schema_out = res.name, res.schema_in, res.schema_out
    schema_patch = patch_of(schema_in)
    singular = name.rstrip("s").replace("-", "_")

    # (schema_out is a class chosen at run time: mypy cannot see it as a type)
    @router.get(f"/{name}", response=list[schema_out], operation_id=f"list_{singular}s")  # type: ignore[valid-type]
    @paginate(BoundedLimitOffsetPagination)
    def list_entries(request: ApiRequest, filters: Query[DateRange]) -> Any:
        qs = entries_for(request.auth, res).between(filters.since, filters.until)
        if filters.kind and hasattr(res.model, "kind"):
            qs = qs.filter(**{"kind": filters.kind})  # a field of some kinds only
        return qs.order_by(res.order, "-id")

    @router.post(f"/{name}", response={201: schema_out}, operation_id=f"create_{singular}")
    def create(request: ApiRequest, payload: schema_in, response: HttpResponse) -> Any:  # type: ignore[valid-type]
        entry = create_entry(request.auth, res, payload)
        response["ETag"] = etag(entry)
        # Read into its shape here: ninja dumps an instance of the response schema as it is,
        # instead of validating the entry through a wrapper model of its own.
        context = {"request": request, "response_status": 201}
        return Status(201, schema_out.model_validate(entry, context=context))

    @router.get(f"/{name}/{{code}}", response=schema_out, operation_id=f"read_{singular}")
    def read(request: ApiRequest, code: UUID, response: HttpResponse) -> Any:
        entry = owned_or_404(request.auth, entries_for(request.auth, res), code)
        response["ETag"] = etag(entry)
        return entry

    @router.patch(
        f"/{name}/{{code}}",
        response={200: schema_out, 409: s.ConflictOut, 412: s.PreconditionFailedOut},
        operation_id=f"update_{singular}",
        description=PATCH_HELP,
    )
    def update(
        request: ApiRequest,
        code: UUID,
        payload: schema_patch,  # type: ignore[valid-type]
        response: HttpResponse,
    ) -> Any:
        entry = owned_or_404(request.auth, entries_for(request.auth, res), code)
        expected = if_match_version(request)
        if isinstance(expected, str):  # "unreadable"
            return Status(412, {"detail": 'If-Match must be an ETag from this API, e.g. "3"'})
        try:
            # Validated in full (ranges, cross-field rules) against the merged entry.
            saved = update_entry(
                request.auth,
                res,
                entry,
                cast(Schema, payload).model_dump(exclude_unset=True),
                expected,
            )
        except StaleEntry as e:
            response["ETag"] = etag(e.saved)
            current = schema_out.model_validate(e.saved).model_dump(mode="json")
            return Status(409, {"detail": CHANGED_ELSEWHERE, "current": current})
        response["ETag"] = etag(saved)
        return saved

    @router.delete(f"/{name}/{{code}}", response={204: None}, operation_id=f"delete_{singular}")
    def delete(request: ApiRequest, code: UUID) -> Any:
        owned_or_404(request.auth, entries_for(request.auth, res), code).move_to_bin()
        return Status(204, None)


for _res in RESOURCES.values():
    _register(_res)


@router.get("/treatments", response=list[s.TreatmentOut], tags=["catalogue"])
def list_treatments(request: ApiRequest) -> Any:
    return treatments_for(request.auth).order_by("category", "name")


@router.post("/treatments", response={201: s.TreatmentOut}, tags=["catalogue"])
def add_treatment(request: ApiRequest, payload: s.TreatmentIn) -> Any:
    return Status(201, Treatment.add_custom(request.auth, **payload.model_dump()))


@router.get("/habits", response=list[s.HabitOut], tags=["catalogue"])
def list_habits(request: ApiRequest) -> Any:
    return habits_for(request.auth).order_by("category", "name")


@router.post("/habits", response={201: s.HabitOut}, tags=["catalogue"])
def add_habit(request: ApiRequest, payload: s.HabitIn) -> Any:
    return Status(201, Habit.add_custom(request.auth, **payload.model_dump()))

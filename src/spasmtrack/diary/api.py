"""The diary's JSON API: list / create / read / update / delete for every kind of entry.

No `from __future__ import annotations` here: django-ninja reads the handlers' annotations at
import time, and the generated handlers annotate with per-resource local schema classes.
"""

from datetime import date
from typing import Any
from uuid import UUID

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status
from pydantic import create_model

from spasmtrack.diary import schemas as s
from spasmtrack.diary.entries import (
    RESOURCES,
    Resource,
    create_entry,
    entries_for,
    get_entry_for_person,
    habits_for,
    treatments_for,
    update_entry,
)
from spasmtrack.diary.models import Habit, Treatment
from spasmtrack.pagination import BoundedLimitOffsetPagination

router = Router(tags=["diary"])


class DateRange(Schema):
    since: date | None = None
    until: date | None = None
    kind: str | None = None


def _patch_schema(schema_in: type[Schema]) -> type[Schema]:
    """The input schema with every field optional: a PATCH sends only what changes."""
    fields: dict[str, Any] = {
        n: (f.annotation | None, None) for n, f in schema_in.model_fields.items()
    }
    return create_model(f"{schema_in.__name__}Patch", __base__=Schema, **fields)


def _register(res: Resource) -> None:
    """Add the five operations for one resource (same ownership rules for all)."""
    name, schema_in, schema_out = res.name, res.schema_in, res.schema_out
    schema_patch = _patch_schema(schema_in)
    singular = name.rstrip("s").replace("-", "_")

    @router.get(f"/{name}", response=list[schema_out], operation_id=f"list_{singular}s")
    @paginate(BoundedLimitOffsetPagination)
    def list_entries(request: HttpRequest, filters: Query[DateRange]) -> Any:
        qs = entries_for(request.auth, res).between(filters.since, filters.until)
        if filters.kind and hasattr(res.model, "kind"):
            qs = qs.filter(kind=filters.kind)
        return qs.order_by(res.order, "-id")

    @router.post(f"/{name}", response={201: schema_out}, operation_id=f"create_{singular}")
    def create(request: HttpRequest, payload: schema_in) -> Any:  # type: ignore[valid-type]
        return Status(201, create_entry(request.auth, res, payload))

    @router.get(f"/{name}/{{code}}", response=schema_out, operation_id=f"read_{singular}")
    def read(request: HttpRequest, code: UUID) -> Any:
        return get_entry_for_person(request.auth, res, code)

    @router.patch(f"/{name}/{{code}}", response=schema_out, operation_id=f"update_{singular}")
    def update(request: HttpRequest, code: UUID, payload: schema_patch) -> Any:  # type: ignore[valid-type]
        entry = get_entry_for_person(request.auth, res, code)
        # Validated in full (ranges, cross-field rules) against the merged entry.
        return update_entry(request.auth, res, entry, payload.model_dump(exclude_unset=True))

    @router.delete(f"/{name}/{{code}}", response={204: None}, operation_id=f"delete_{singular}")
    def delete(request: HttpRequest, code: UUID) -> Any:
        get_entry_for_person(request.auth, res, code).move_to_bin()
        return Status(204, None)


for _res in RESOURCES.values():
    _register(_res)


@router.get("/treatments", response=list[s.TreatmentOut], tags=["catalogue"])
def list_treatments(request: HttpRequest) -> Any:
    return treatments_for(request.auth).order_by("category", "name")


@router.post("/treatments", response={201: s.TreatmentOut}, tags=["catalogue"])
def add_treatment(request: HttpRequest, payload: s.TreatmentIn) -> Any:
    return Status(201, Treatment.add_custom(request.auth, **payload.model_dump()))


@router.get("/habits", response=list[s.HabitOut], tags=["catalogue"])
def list_habits(request: HttpRequest) -> Any:
    return habits_for(request.auth).order_by("category", "name")


@router.post("/habits", response={201: s.HabitOut}, tags=["catalogue"])
def add_habit(request: HttpRequest, payload: s.HabitIn) -> Any:
    return Status(201, Habit.add_custom(request.auth, **payload.model_dump()))

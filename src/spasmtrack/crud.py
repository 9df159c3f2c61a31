"""The one list / create / read / update / delete shape of a person's day-keyed rows.

The diary builds its five operations per kind from `diary.entries.RESOURCES`; the apps whose
rows are not diary entries (period days, daily measurements) describe them with a `Crud` and
`add_crud(router, crud)` adds the same five operations: a paginated list newest first with
`since`/`until` (and any exact-match filters the app names), 201 on create, the row on read
and update, 204 on delete. Every handler acts on `request.auth` and reaches a row through the
app's `get_owned`, so another person's id is a 404; the app's own functions do the writes and
raise its `EntryError`s (a field-level 422).

No `from __future__ import annotations` (django-ninja reads the annotations at import time).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Generic, TypeVar, cast
from uuid import UUID

from django.db import models
from ninja import Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status
from pydantic import BaseModel, Field

from spasmtrack.accounts.http import ApiRequest
from spasmtrack.accounts.models import Person
from spasmtrack.core.plausible import EARLIEST_DAY, TOO_EARLY
from spasmtrack.pagination import BoundedLimitOffsetPagination
from spasmtrack.strict import StrictIn

M = TypeVar("M", bound=models.Model)


class DayRange(StrictIn):
    """The list filters every day-keyed resource has (each app may add exact matches)."""

    since: date | None = None
    until: date | None = None


class DayRowOut(Schema):
    """What every day-keyed row shows: its id (the code), its day and its timestamps."""

    id: UUID = Field(validation_alias="code")
    local_date: date
    created: datetime
    updated: datetime


@dataclass(frozen=True)
class Crud(Generic[M]):
    """One resource: its path segment and list order, its schemas and the app's functions."""

    name: str  # URL segment, e.g. "period-days"; operation ids are list_<name>, create_<one>…
    order: tuple[str, ...]  # of the list, newest first
    # (in, patch, out, list filters): filter fields beyond since/until are exact matches
    schemas: tuple[type[BaseModel], type[BaseModel], type[Schema], type[DayRange]]
    reads: tuple[  # (the person's rows, the person's row by code or Http404)
        Callable[[Person], "models.QuerySet[M]"], Callable[[Person, UUID], M]
    ]
    writes: tuple[  # (create, update, delete), each refusing with `error`
        Callable[[Person, dict[str, Any]], M],
        Callable[[Person, M, dict[str, Any]], M],
        Callable[[Person, M], None],
    ]
    error: Callable[[str, str], Exception]  # the app's field-level error (field, message)

    @property
    def plural(self) -> str:
        return self.name.replace("-", "_")

    @property
    def singular(self) -> str:
        return self.plural.removesuffix("s")


def filtered(crud: "Crud[Any]", person: Person, filters: DayRange) -> "models.QuerySet[Any]":
    """The person's rows within the filters, in the resource's order."""
    for name, day in (("since", filters.since), ("until", filters.until)):
        if day is not None and day < EARLIEST_DAY:
            raise crud.error(name, TOO_EARLY)
    qs = crud.reads[0](person)
    if filters.since:
        qs = qs.filter(local_date__gte=filters.since)
    if filters.until:
        qs = qs.filter(local_date__lte=filters.until)
    for name in type(filters).model_fields:
        value = getattr(filters, name)
        if name not in DayRange.model_fields and value:
            qs = qs.filter(**{name: value})
    return qs.order_by(*crud.order)


def add_crud(router: Router, crud: "Crud[Any]") -> None:
    """Add the five operations of `crud` to `router`."""
    path = f"/{crud.name}"
    schema_in, schema_patch, out, filters_schema = crud.schemas
    _, get_owned = crud.reads
    create, update, delete = crud.writes

    # (the schemas are classes chosen at run time: mypy cannot see them as types)
    @router.get(path, response=list[out], operation_id=f"list_{crud.plural}")  # type: ignore[valid-type]
    @paginate(BoundedLimitOffsetPagination)
    def list_rows(request: ApiRequest, filters: Query[filters_schema]) -> Any:  # type: ignore[valid-type]
        return filtered(crud, request.auth, filters)

    @router.post(path, response={201: out}, operation_id=f"create_{crud.singular}")
    def create_row(request: ApiRequest, payload: schema_in) -> Any:  # type: ignore[valid-type]
        return Status(201, create(request.auth, cast(Schema, payload).model_dump()))

    @router.get(f"{path}/{{code}}", response=out, operation_id=f"read_{crud.singular}")
    def read_row(request: ApiRequest, code: UUID) -> Any:
        return get_owned(request.auth, code)

    @router.patch(f"{path}/{{code}}", response=out, operation_id=f"update_{crud.singular}")
    def update_row(request: ApiRequest, code: UUID, payload: schema_patch) -> Any:  # type: ignore[valid-type]
        obj = get_owned(request.auth, code)
        return update(request.auth, obj, cast(Schema, payload).model_dump(exclude_unset=True))

    @router.delete(f"{path}/{{code}}", response={204: None}, operation_id=f"delete_{crud.singular}")
    def delete_row(request: ApiRequest, code: UUID) -> Any:
        delete(request.auth, get_owned(request.auth, code))
        return Status(204, None)

"""The section protocol of the native export: what an app declares to take part in export,
import, backup, restore and `delete_person_data`.

Each app that owns a person's data declares its sections in `spasmtrack.<app>.exports`
(`SECTIONS: tuple[Section, ...]`), next to its models; `collect()` gathers them in the order of
`EXPORTING_APPS` (the diary first, then `FEATURE_APPS`), which is also the import order: anything
a row refers to (a custom treatment, the trial of an adherence answer) is loaded before it is
needed. This module holds the protocol and the small helpers every section uses; it imports no
app, so the apps' `exports` modules may import it.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from importlib import import_module
from importlib.util import find_spec
from types import ModuleType
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from pydantic import BaseModel, ValidationError

from spasmtrack.accounts.models import Person
from spasmtrack.exchange.limits import ImportRefused
from spasmtrack.features import FEATURE_APPS

Row = dict[str, Any]
Exporter = Callable[[Person], list[Row]]
Importer = Callable[[Person, list[Row], str], None]
RowImporter = Callable[[Person, Row], None]

# Apps whose `exports` module (if it has one) brings sections, in import order.
EXPORTING_APPS = ("diary", *FEATURE_APPS)


@dataclass(frozen=True)
class Section:
    """One kind of data in the document.

    `export(person)` returns the person's rows as JSON-ready dicts in a stable order (the same
    order after a round trip). `load(person, rows, where)` writes them or raises
    ImportRefused(where, row, reason) at the first bad row (the caller's transaction then
    undoes the rest). `columns` is the CSV header; cells of `complex` columns hold JSON.
    `stored(person)` is every row the person has of this kind, binned ones included (for
    `has_data` and `delete_person_data`; its model is what the coverage test counts as
    exported). A catalogue section (`catalogue=True`) does not make a diary non-empty, and its
    rows stay when something else still points at them.
    """

    key: str
    columns: tuple[str, ...]
    export: Exporter
    load: Importer
    stored: Callable[[Person], models.QuerySet[Any]]
    complex: frozenset[str] = frozenset()
    catalogue: bool = False


def app_modules(module: str, apps: Iterable[str] = EXPORTING_APPS) -> Iterator[ModuleType]:
    """`spasmtrack.<app>.<module>` of each app that has one, in `apps` order."""
    for app in apps:
        name = f"spasmtrack.{app}.{module}"
        if find_spec(name) is not None:
            yield import_module(name)


def collect() -> tuple[Section, ...]:
    """Every app's sections, in `EXPORTING_APPS` order; refuses two sections with one key."""
    out: list[Section] = []
    for m in app_modules("exports"):
        out += m.SECTIONS
    keys = [s.key for s in out]
    if len(set(keys)) != len(keys):
        raise RuntimeError(f"two export sections share a key: {sorted(keys)}")
    return tuple(out)


# ---------------------------------------------------------------- row-by-row import


def reason(e: Exception) -> str:
    """The one-line reason of a refused row (the first pydantic error, or Django's)."""
    if isinstance(e, ValidationError):
        err = e.errors(include_url=False)[0]
        loc = ".".join(map(str, err["loc"])) or "row"
        return f"{loc}: {err['msg']}"
    if isinstance(e, DjangoValidationError):
        return "; ".join(e.messages)
    return str(e)


def load_rows(
    load_row: RowImporter, person: Person, rows: list[Row], where: str, start: int = 1
) -> None:
    """Load rows one by one; the first one refused raises ImportRefused naming its number."""
    for i, row in enumerate(rows, start=start):
        try:
            load_row(person, row)
        except (ValueError, DjangoValidationError) as e:  # pydantic's is a ValueError too
            raise ImportRefused(where, i, reason(e)) from None
        except OverflowError:  # a date at the very edge of the calendar, moved by a time zone
            raise ImportRefused(where, i, "a date or time is out of range") from None


def each_row(load_row: RowImporter) -> Importer:
    """A section importer from a one-row importer that raises ValueError for a bad row."""
    return lambda person, rows, where: load_rows(load_row, person, rows, where)


def at_most_one(what: str, load_row: RowImporter) -> Importer:
    """An importer for something a person has once (a profile, a notepad)."""
    each = each_row(load_row)

    def load(person: Person, rows: list[Row], where: str) -> None:
        if len(rows) > 1:
            raise ImportRefused(where, 2, f"a person has only one {what}")
        each(person, rows, where)

    return load


def as_json(model: type[BaseModel], data: Any) -> Row:
    """`data` (an object or a dict) through `model`, as JSON-ready values."""
    return model.model_validate(data, from_attributes=True).model_dump(mode="json")


def new_code(model: type[models.Model], code: uuid.UUID | None, what: str) -> uuid.UUID:
    """The code to give a new row: the exported one (refused if taken) or a fresh one."""
    if code is None:
        return uuid.uuid4()
    if model._default_manager.filter(code=code).exists():
        raise ValueError(f"{what} {code} already exists")
    return code


def pin(obj: models.Model, **fields: Any) -> None:
    """Set fields an app's create function derives (code, local day, timestamps) to the
    exported values, so the round trip keeps them. One filtered update, no re-validation."""
    type(obj)._default_manager.filter(pk=obj.pk).update(**fields)
    for k, v in fields.items():
        setattr(obj, k, v)


def same_or_refuse(existing: Row, incoming: Row, what: str) -> bool:
    """True when the person already has exactly this (skip it); ValueError when different.

    Import adds and never overwrites, as with entries: a different value already there is
    refused rather than silently replaced.
    """
    if existing == incoming:
        return True
    raise ValueError(f"you already have {what} that differs: change or clear it first")


def columns(*models_: type[BaseModel], first: Iterable[str] = ()) -> tuple[str, ...]:
    """A CSV header: `first`, then every field of the models in order, each once."""
    out = list(first)
    for m in models_:
        out += [f for f in m.model_fields if f not in out]
    return tuple(out)

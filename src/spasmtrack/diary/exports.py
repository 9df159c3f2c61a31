"""The diary's sections of the native export: the person's own catalogue additions, then one
section per diary kind (`RESOURCES`), each row `schema_out` and imported through `create_entry`
(see `spasmtrack.exchange.sections` for the protocol)."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import AwareDatetime, BaseModel, Field

from spasmtrack.accounts.models import Person
from spasmtrack.diary.entries import RESOURCES, EntryError, Resource, create_entry, entries_for
from spasmtrack.diary.models import Entry, Habit, Treatment, checkin_is_empty
from spasmtrack.exchange.sections import Row, Section, each_row, load_rows

CATALOGUES: dict[str, tuple[type[Treatment] | type[Habit], tuple[str, ...]]] = {
    "treatments": (Treatment, ("key", "name", "unit", "category")),
    "habits": (Habit, ("key", "name", "unit", "kind", "category")),
}
COMPLEX = ("regions",)  # diary cells holding a list or mapping, JSON-encoded in CSV


def _catalogue_row(person: Person, model: Any, fields: tuple[str, ...], row: Row) -> None:
    """Add one of the person's own catalogue entries; a key they already own is reused."""
    missing = [f for f in ("key", "name") if not row.get(f)]
    if missing:
        raise ValueError(f"{', '.join(missing)} missing")
    existing = model.objects.filter(key=row["key"]).first()
    if existing is not None:
        if existing.owner_id != person.id:
            raise ValueError(f"key {row['key']!r} belongs to another catalogue entry")
        return
    obj = model(owner=person, **{f: row[f] for f in fields if f in row})
    try:
        obj.full_clean(exclude=["owner"])
    except Exception as e:
        raise ValueError(str(e)) from None
    obj.save()


class _Stamps(BaseModel):
    updated: AwareDatetime | None = None
    version: int | None = Field(None, ge=1, le=2**31 - 1)


def _entry_row(person: Person, res: Resource[Entry], row: Row) -> None:
    """Add one diary entry through `create_entry`, keeping its id and local day."""
    fields = res.schema_in.model_fields
    data = {k: v for k, v in row.items() if k in fields}
    if res.name == "checkins" and checkin_is_empty(data):
        # Saved before empty check-ins were refused: it holds nothing, so nothing is lost.
        return
    extra: dict[str, Any] = {}
    if "id" in row:
        if res.model.objects.filter(code=row["id"]).exists():
            raise ValueError(f"entry {row['id']} already exists")
        extra["code"] = row["id"]
    if "local_date" in row and "local_date" not in fields:
        # Keep the day it was logged on, even if the time zone changed since.
        extra["local_date"] = date.fromisoformat(str(row["local_date"]))
    extra |= _Stamps.model_validate(row).model_dump(exclude_none=True)  # kept on round trip
    try:
        create_entry(person, res, data, **extra)
    except EntryError as e:
        raise ValueError(str(e)) from None


def import_catalogue_row(
    person: Person, model: Any, fields: tuple[str, ...], row: Row, where: str, i: int
) -> None:
    """`_catalogue_row`, refusing with ImportRefused(where, i, reason) (used by FHIR)."""
    load_rows(lambda p, r: _catalogue_row(p, model, fields, r), person, [row], where, i)


def import_entry(person: Person, res: Resource[Entry], row: Row, where: str, i: int) -> None:
    """`_entry_row`, refusing with ImportRefused(where, i, reason) (used by FHIR)."""
    load_rows(lambda p, r: _entry_row(p, res, r), person, [row], where, i)


def _catalogue_section(name: str, model: Any, fields: tuple[str, ...]) -> Section:
    return Section(
        key=f"custom-{name}",
        columns=fields,
        export=lambda person: list(
            model.objects.filter(owner=person).order_by("key").values(*fields)
        ),
        load=each_row(lambda person, row: _catalogue_row(person, model, fields, row)),
        stored=lambda person: model.objects.filter(owner=person),
        catalogue=True,
    )


def _resource_section(res: Resource[Entry]) -> Section:
    def export(person: Person) -> list[Row]:
        qs = entries_for(person, res).order_by(res.order.lstrip("-"), "id")
        return [res.schema_out.model_validate(e).model_dump(mode="json") for e in qs]

    columns = tuple(res.schema_out.model_fields)
    return Section(
        key=res.name,
        columns=columns,
        export=export,
        load=each_row(lambda person, row: _entry_row(person, res, row)),
        stored=lambda person: res.model.objects.filter(person=person),
        complex=frozenset(COMPLEX) & set(columns),
    )


SECTIONS: tuple[Section, ...] = (
    *(_catalogue_section(name, model, fields) for name, (model, fields) in CATALOGUES.items()),
    *(_resource_section(res) for res in RESOURCES.values()),
)

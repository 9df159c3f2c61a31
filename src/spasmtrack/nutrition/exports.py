"""The nutrition app's sections of the native export: profile, ergonomics checklist, intakes
and recorded changes (see `spasmtrack.exchange.sections`)."""

from __future__ import annotations

import uuid
from datetime import date

from django.utils.timezone import now
from pydantic import AwareDatetime, BaseModel

from spasmtrack.accounts.models import Person
from spasmtrack.diary.entries import require_plausible
from spasmtrack.exchange.sections import (
    Row,
    Section,
    as_json,
    at_most_one,
    columns,
    each_row,
    new_code,
    pin,
    same_or_refuse,
)
from spasmtrack.nutrition.intakes import log_intake
from spasmtrack.nutrition.lifestyle import record_change
from spasmtrack.nutrition.models import ChangeEvent, ChecklistStatus, Intake, NutritionProfile
from spasmtrack.nutrition.schemas import (
    ChangeIn,
    ChangeOut,
    ChecklistIn,
    IntakeIn,
    IntakeOut,
    ProfileIn,
    known_checklist_item,
)


def _export_intakes(person: Person) -> list[Row]:
    qs = Intake.objects.filter(person=person).live().order_by("at", "code")
    return [as_json(IntakeOut, i) for i in qs]


class _Entry(BaseModel):
    id: uuid.UUID | None = None
    local_date: date | None = None


def _load_intake(person: Person, row: Row) -> None:
    ident = _Entry.model_validate(row)
    code = new_code(Intake, ident.id, "intake")
    require_plausible(person, local_date=ident.local_date)
    data = IntakeIn.model_validate({k: v for k, v in row.items() if k in IntakeIn.model_fields})
    saved = log_intake(person, data)
    pin(saved, code=code, local_date=ident.local_date or saved.local_date)


class ProfileRow(ProfileIn):
    updated: AwareDatetime | None = None


def _export_profile(person: Person) -> list[Row]:
    return [
        as_json(ProfileRow, {"age": p.age, "sex": p.sex_or_none, "updated": p.updated})
        for p in NutritionProfile.objects.filter(person=person)
    ]


def _load_profile(person: Person, row: Row) -> None:
    r = ProfileRow.model_validate(row)
    found = NutritionProfile.objects.filter(person=person).first()
    if found is not None:
        have = {"age": found.age, "sex": found.sex_or_none}
        if have == {"age": None, "sex": None}:
            found.delete()  # a blank profile says nothing: the document's replaces it
        elif same_or_refuse(have, {"age": r.age, "sex": r.sex}, "a nutrition profile"):
            return
    NutritionProfile.objects.create(
        person=person, age=r.age, sex=r.sex or "", updated=r.updated or now()
    )


class ChecklistRow(ChecklistIn):
    item: str
    local_date: date  # required here: the day it was set
    updated: AwareDatetime | None = None


def _export_checklist(person: Person) -> list[Row]:
    qs = ChecklistStatus.objects.filter(person=person).order_by("item")
    return [as_json(ChecklistRow, s) for s in qs]


def _load_checklist(person: Person, row: Row) -> None:
    r = ChecklistRow.model_validate(row)
    if not known_checklist_item(r.item):
        raise ValueError(f"item: unknown checklist item {r.item!r}")
    found = ChecklistStatus.objects.filter(person=person, item=r.item).first()
    if found is not None:
        have = {"status": found.status, "local_date": found.local_date}
        incoming = {"status": r.status, "local_date": r.local_date}
        same_or_refuse(have, incoming, f"a status for checklist item {r.item!r}")
        return
    saved = ChecklistStatus.set(person, r.item, r.status, r.local_date)
    if r.updated is not None:
        pin(saved, updated=r.updated)


def _export_changes(person: Person) -> list[Row]:
    qs = ChangeEvent.objects.filter(person=person).live().order_by("local_date", "code")
    return [as_json(ChangeOut, c) for c in qs]


def _load_change(person: Person, row: Row) -> None:
    code = new_code(ChangeEvent, _Entry.model_validate(row).id, "change")
    data = ChangeIn.model_validate({k: v for k, v in row.items() if k in ChangeIn.model_fields})
    pin(record_change(person, data), code=code)


SECTIONS: tuple[Section, ...] = (
    Section(
        "nutrition-profile",
        columns(ProfileRow),
        _export_profile,
        at_most_one("nutrition profile", _load_profile),
        lambda p: NutritionProfile.objects.filter(person=p),
    ),
    Section(
        "checklist",
        columns(ChecklistRow, first=("item",)),
        _export_checklist,
        each_row(_load_checklist),
        lambda p: ChecklistStatus.objects.filter(person=p),
    ),
    Section(
        "intakes",
        columns(IntakeOut),
        _export_intakes,
        each_row(_load_intake),
        lambda p: Intake.objects.filter(person=p),
        frozenset({"nutrients"}),
    ),
    Section(
        "changes",
        columns(ChangeOut),
        _export_changes,
        each_row(_load_change),
        lambda p: ChangeEvent.objects.filter(person=p),
    ),
)

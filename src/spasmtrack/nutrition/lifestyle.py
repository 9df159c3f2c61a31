"""The ergonomics checklist, recorded changes and the quick daily habits form.

Habits are the diary's: they are written through `diary.entries.create_entry` and
`update_entry`, so the one-value-per-habit-per-day rule and its validation are the diary's.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from spasmtrack.accounts.models import Person
from spasmtrack.core.catalogue import ergonomics
from spasmtrack.diary.entries import (
    RESOURCES,
    create_entry,
    entries_for,
    habits_for,
    require_plausible,
    update_entry,
)
from spasmtrack.diary.models import Habit, HabitLog
from spasmtrack.nutrition.models import ChangeEvent, ChecklistStatus

if TYPE_CHECKING:  # ninja and pydantic stay out of what Insights imports (changes_for)
    from spasmtrack.nutrition.schemas import ChangeIn

# The recurring desk-and-movement habits offered on the lifestyle page (ids in habits.json).
LIFESTYLE_HABITS = ("hours_sitting", "posture_breaks", "stretching_done")


def checklist(person: Person) -> list[dict[str, Any]]:
    """Every checklist item in file order with the person's status (ChecklistItemOut)."""
    rows = {r.item: r for r in ChecklistStatus.objects.filter(person=person)}
    out = []
    from spasmtrack.nutrition.schemas import sources_out

    for item in ergonomics().values():
        row = rows.get(item.id)
        out.append(
            {
                "item": item.id,
                "title": item.title,
                "guidance": item.guidance,
                "status": row.status if row else ChecklistStatus.Status.NOT_LOOKED.value,
                "status_label": row.get_status_display() if row else "Not looked at",
                "local_date": row.local_date if row and row.status != "not_looked" else None,
                "sources": sources_out(item.sources),
            }
        )
    return out


def checklist_item(person: Person, item: str) -> dict[str, Any]:
    """One item of `checklist(person)`; KeyError for an unknown item id."""
    for row in checklist(person):
        if row["item"] == item:
            return row
    raise KeyError(item)


def changes_for(person: Person) -> Any:
    return ChangeEvent.objects.filter(person=person).live()


def record_change(person: Person, data: ChangeIn | Mapping[str, Any]) -> ChangeEvent:
    """Validate (if given a mapping; raises pydantic ValidationError) and save a change."""
    from spasmtrack.nutrition.schemas import ChangeIn

    if not isinstance(data, ChangeIn):
        data = ChangeIn.model_validate(dict(data))
    require_plausible(person, local_date=data.local_date)
    change = ChangeEvent(person=person, **data.model_dump())
    change.save()
    return change


def update_change(change: ChangeEvent, patch: Mapping[str, Any]) -> ChangeEvent:
    """Apply a partial change, re-validating the whole record as if it were new."""
    from spasmtrack.nutrition.schemas import ChangeIn

    current = {f: getattr(change, f) for f in ChangeIn.model_fields}
    merged = ChangeIn.model_validate({**current, **patch})
    require_plausible(change.person, local_date=merged.local_date)
    for k, v in merged.model_dump().items():
        setattr(change, k, v)
    change.save(update_fields=(*ChangeIn.model_fields,))
    return change


@dataclass
class HabitRow:
    habit: Habit
    log: HabitLog | None

    @property
    def value(self) -> float | None:
        return self.log.value if self.log else None


def habit_rows(person: Person, day: date) -> list[HabitRow]:
    """The lifestyle habits (those in the catalogue) with the person's value on `day`."""
    habits = {h.key: h for h in habits_for(person).filter(key__in=LIFESTYLE_HABITS)}
    logs = {
        log.habit.key: log
        for log in entries_for(person, RESOURCES["habit-logs"]).filter(
            local_date=day, habit__key__in=LIFESTYLE_HABITS
        )
    }
    return [HabitRow(habits[k], logs.get(k)) for k in LIFESTYLE_HABITS if k in habits]


def save_habits(person: Person, day: date, values: Mapping[str, float | None]) -> int:
    """Write one HabitLog per habit with a value (None = leave as it is); a habit already
    logged that day is updated. Returns how many were written. Raises EntryError or
    pydantic ValidationError like the diary API."""
    res = RESOURCES["habit-logs"]
    written = 0
    for row in habit_rows(person, day):
        value = values.get(row.habit.key)
        if value is None:
            continue
        if row.log is None:
            data = {"habit": row.habit.key, "local_date": day, "value": value}
            create_entry(person, res, data)
        elif row.log.value != value:
            update_entry(person, res, row.log, {"value": value})
        written += 1
    return written

"""The cycle app's sections of the native export, backup and restore: the setting (on or
off) and the period days. Period days keep their id and timestamps, so export → import →
export is the same; a day the person already has is skipped (import never overwrites, and
a period day has nothing else that could differ)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from django.utils.timezone import now

from spasmtrack.accounts.models import Person
from spasmtrack.core.plausible import day_problem
from spasmtrack.cycle.models import CycleSettings, PeriodDay
from spasmtrack.cycle.schemas import PeriodDayOut
from spasmtrack.exchange.sections import (
    Row,
    Section,
    as_json,
    at_most_one,
    each_row,
    new_code,
    same_or_refuse,
)

DAY_COLUMNS = ("id", "local_date", "created", "updated")


def _when(row: Row, key: str) -> datetime:
    text = row.get(key)
    if text in (None, ""):
        return now()
    at = datetime.fromisoformat(str(text))
    if at.tzinfo is None:
        raise ValueError(f"{key}: needs a time zone offset")
    return at


def _export_days(person: Person) -> list[Row]:
    qs = PeriodDay.objects.filter(person=person).order_by("local_date", "id")
    return [as_json(PeriodDayOut, d) for d in qs]


def _load_day(person: Person, row: Row) -> None:
    if row.get("local_date") in (None, ""):
        raise ValueError("local_date missing")
    day = date.fromisoformat(str(row["local_date"]))
    if problem := day_problem(day, now(), person.tz):
        raise ValueError(f"local_date: {problem}")
    if PeriodDay.objects.filter(person=person, local_date=day).exists():
        return  # already a period day: nothing to add
    code = new_code(PeriodDay, uuid.UUID(str(row["id"])) if row.get("id") else None, "period day")
    PeriodDay.objects.create(
        person=person,
        code=code,
        local_date=day,
        created=_when(row, "created"),
        updated=_when(row, "updated"),
    )


def _export_settings(person: Person) -> list[Row]:
    return [{"enabled": s.enabled} for s in CycleSettings.objects.filter(person=person)]


def _load_settings(person: Person, row: Row) -> None:
    enabled = row.get("enabled")
    if isinstance(enabled, str) and enabled.lower() in ("true", "false"):
        enabled = enabled.lower() == "true"  # a CSV cell
    if not isinstance(enabled, bool):
        raise ValueError("enabled: true or false is needed")
    existing = CycleSettings.objects.filter(person=person).first()
    if existing is not None:
        same_or_refuse({"enabled": existing.enabled}, {"enabled": enabled}, "a cycle setting")
        return
    CycleSettings.objects.create(person=person, enabled=enabled)


def _days(p: Person) -> Any:
    return PeriodDay.objects.filter(person=p)


def _settings(p: Person) -> Any:
    return CycleSettings.objects.filter(person=p)


SECTIONS: tuple[Section, ...] = (
    Section(
        "cycle-settings",
        ("enabled",),
        _export_settings,
        at_most_one("cycle setting", _load_settings),
        _settings,
    ),
    Section("period-days", DAY_COLUMNS, _export_days, each_row(_load_day), _days),
)

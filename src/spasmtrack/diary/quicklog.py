"""The one-line quick log: understand a sentence, show it, then save what it says.

Parsing is pure (`core.quicklog.parser`, `core.quicklog.line`); this module gives the parser the
person's catalogue (the shared entries with their cited synonyms, plus the person's own
additions) and turns the entries of a line, minus the ones the person removed, into diary
entries, all in one transaction. Nothing is defaulted: an entry with a question is not saved.
"""

from __future__ import annotations

import functools
from collections.abc import Collection
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils.timezone import now

from spasmtrack.accounts.models import Person
from spasmtrack.core import catalogue
from spasmtrack.core.quicklog.line import LineEntry, LineReading, read_line
from spasmtrack.core.quicklog.parser import QuickLogParser
from spasmtrack.diary.entries import (
    RESOURCES,
    create_entry,
    entries_for,
    habits_for,
    treatments_for,
    update_entry,
)


def parser_for(person: Person) -> QuickLogParser:
    """The quick-log parser for the person's catalogue: the shared entries with their cited
    synonyms, plus the person's own additions. Two small queries; the parser itself (its
    catalogue trie and speller, ~20 ms to build) is shared by every request whose catalogue
    reads the same."""
    shared_t, shared_h = catalogue.treatments(), catalogue.habits()
    treatments = tuple(
        (t.key, t.name, t.unit, tuple(shared_t[t.key].synonyms) if t.key in shared_t else ())
        for t in treatments_for(person)
    )
    habits = tuple(
        (
            h.key,
            h.name,
            h.kind,
            h.unit,
            tuple(shared_h[h.key].synonyms) if h.key in shared_h else (),
        )
        for h in habits_for(person)
    )
    return _parser(treatments, habits)


@functools.lru_cache(maxsize=64)
def _parser(
    treatments: tuple[tuple[str, str, str, tuple[str, ...]], ...],
    habits: tuple[tuple[str, str, str, str, tuple[str, ...]], ...],
) -> QuickLogParser:
    """One parser per distinct catalogue (most people share the default one). Bounded: a
    server with many people who each added their own treatments keeps the 64 latest."""
    return QuickLogParser(
        treatments=[
            {"id": key, "name": name, "unit": unit, "synonyms": list(synonyms)}
            for key, name, unit, synonyms in treatments
        ],
        habits=[
            {"id": key, "name": name, "kind": kind, "unit": unit, "synonyms": list(synonyms)}
            for key, name, kind, unit, synonyms in habits
        ],
    )


def read(person: Person, text: str, at: datetime | None = None) -> LineReading:
    """Every entry the line reports, read in the person's time zone."""
    when = (at or now()).astimezone(person.zone)
    return read_line(parser_for(person), text, now=when, day_start=person.day_start)


def kept(reading: LineReading, removed: Collection[int] = ()) -> list[tuple[int, LineEntry]]:
    """The entries the person did not remove, with their index in the reading."""
    return [(i, e) for i, e in enumerate(reading.entries) if i not in removed]


def problems(reading: LineReading, removed: Collection[int] = ()) -> list[str]:
    """What stops saving: a question still open, or nothing left to save."""
    left = kept(reading, removed)
    asks = [e.question for _, e in left if e.question]
    if asks:
        return asks
    if not left:
        if reading.entries:
            return ["Every entry was removed; nothing to save."]
        if reading.not_saved:
            return ["Nothing to save: the line says it did not happen."]
        return ["Nothing to save was understood."]
    return []


def _iso(v: Any) -> Any:
    return v.isoformat() if isinstance(v, datetime) else v


@transaction.atomic
def save_reading(
    person: Person,
    reading: LineReading,
    removed: Collection[int] = (),
    at: datetime | None = None,
) -> list[Any]:
    """Save the kept entries of a line (all or nothing); ValueError when something is open.
    A check-in fills in the day's check-in; a habit replaces that day's value. `at` (when the
    line was typed, for a line sent later from the phone's outbox) is the time of an entry
    whose line named none; without it, the time of saving."""
    found = problems(reading, removed)
    if found:
        raise ValueError(found[0])
    saved: list[Any] = []
    notes = reading.notes.strip()
    for _, e in kept(reading, removed):
        data = {k: _iso(v) for k, v in e.data.items()}
        kind_resource = {
            "muscle_event": "muscle-events",
            "pain_drawing": "pain-drawings",
            "treatment": "treatment-logs",
        }.get(e.kind)
        if at is not None and kind_resource:
            field = RESOURCES[kind_resource].model.instant_field
            if field and not data.get(field):
                data[field] = at.isoformat()
        extra = "; ".join(n for n in (data.pop("notes", ""), notes) if n)
        notes = ""
        if e.kind == "muscle_event":
            saved.append(create_entry(person, RESOURCES["muscle-events"], {**data, "notes": extra}))
        elif e.kind == "pain_drawing":
            saved.append(create_entry(person, RESOURCES["pain-drawings"], {**data, "notes": extra}))
        elif e.kind == "treatment":
            saved.append(
                create_entry(person, RESOURCES["treatment-logs"], {**data, "notes": extra})
            )
        elif e.kind == "checkin":
            res = RESOURCES["checkins"]
            existing = entries_for(person, res).filter(local_date=data["local_date"]).first()
            if existing is not None:
                patch = {k: v for k, v in data.items() if k != "local_date"}
                if extra:
                    patch["notes"] = "; ".join(n for n in (existing.notes, extra) if n)
                saved.append(update_entry(person, res, existing, patch))
            else:
                saved.append(create_entry(person, res, {**data, "notes": extra}))
        elif e.kind == "habit":
            logs = RESOURCES["habit-logs"]
            day = data.pop("local_date")
            same_day = entries_for(person, logs).filter(habit__key=data["habit"], local_date=day)
            row = {**data, "local_date": day, "notes": extra}
            first = same_day.first()
            saved.append(
                update_entry(person, logs, first, row) if first else create_entry(person, logs, row)
            )
    return saved

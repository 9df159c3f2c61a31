"""The one-line quick log: understand a sentence, show it, then save what it says.

Parsing is pure (`core.quicklog`); this module gives the parser the person's catalogue (the
shared entries with their cited synonyms, plus the person's own additions) and turns an
understood line into diary entries, all in one transaction.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils.timezone import now

from spasmtrack.accounts.models import Person
from spasmtrack.core import catalogue
from spasmtrack.core.quicklog import QuickLog, QuickLogParser
from spasmtrack.diary.entries import (
    RESOURCES,
    create_entry,
    entries_for,
    habits_for,
    treatments_for,
    update_entry,
)


def parser_for(person: Person) -> QuickLogParser:
    shared_t, shared_h = catalogue.treatments(), catalogue.habits()
    treatments = [
        {
            "id": t.key,
            "name": t.name,
            "unit": t.unit,
            "synonyms": list(shared_t[t.key].synonyms) if t.key in shared_t else [],
        }
        for t in treatments_for(person)
    ]
    habits = [
        {
            "id": h.key,
            "name": h.name,
            "kind": h.kind,
            "unit": h.unit,
            "synonyms": list(shared_h[h.key].synonyms) if h.key in shared_h else [],
        }
        for h in habits_for(person)
    ]
    return QuickLogParser(treatments=treatments, habits=habits)


def understand(person: Person, text: str, at: datetime | None = None) -> QuickLog:
    return parser_for(person).parse(text, now=(at or now()).astimezone(person.zone))


def last_intensity(person: Person) -> int | None:
    last = entries_for(person, RESOURCES["muscle-events"]).order_by("-started_at").first()
    return last.intensity if last else None


def plan(person: Person, ql: QuickLog) -> tuple[list[str], list[str]]:
    """What saving would write (plain sentences), and what stops or limits it."""
    will, problems = [], []
    if ql.kind and ql.regions:
        intensity = ql.intensity
        if intensity is None:
            intensity = 1 if ql.kind == "twitch" else last_intensity(person)
        if intensity is None:
            problems.append(f"How strong was the {ql.kind}? Add a number like 6/10.")
        else:
            will.append(f"a {ql.kind} at {intensity}/10")
    elif ql.kind:
        problems.append(f"Where was the {ql.kind}? Name the spot, e.g. 'left calf'.")
    elif ql.regions and ql.intensity is not None:
        will.append(f"a pain drawing of {len(ql.regions)} area(s) at {ql.intensity}/10")
    elif ql.regions:
        problems.append("Was it a spasm, a twitch or pain? Add a word and a number.")
    will += [f"treatment: {t.describe()}" for t in ql.treatments]
    will += [f"habit: {h.name} = {h.value}" for h in ql.habits]
    if not will and not problems:
        problems.append("Nothing to save was understood; try the buttons above.")
    return will, problems


@transaction.atomic
def save(person: Person, ql: QuickLog) -> list[Any]:
    """Write everything `plan` promised; returns the new or updated entries."""
    _, problems = plan(person, ql)
    if problems:
        raise ValueError(problems[0])
    saved: list[Any] = []
    notes = ql.notes.strip()
    at = ql.when.isoformat() if ql.when else None
    if ql.kind and ql.regions:
        intensity = ql.intensity
        if intensity is None:
            intensity = 1 if ql.kind == "twitch" else last_intensity(person)
        saved.append(
            create_entry(
                person,
                RESOURCES["muscle-events"],
                {
                    "kind": ql.kind,
                    "regions": list(ql.regions),
                    "intensity": intensity,
                    "started_at": at,
                    "duration_s": ql.duration_s,
                    "suspected_trigger": ", ".join(ql.triggers)[:200],
                    "notes": notes,
                },
            )
        )
        notes = ""
    elif ql.regions and ql.intensity is not None:
        saved.append(
            create_entry(
                person,
                RESOURCES["pain-drawings"],
                {
                    "regions": {r: ql.intensity for r in ql.regions},
                    "at": at,
                    "notes": notes,
                },
            )
        )
        notes = ""
    for t in ql.treatments:
        saved.append(
            create_entry(
                person,
                RESOURCES["treatment-logs"],
                {
                    "treatment": t.id,
                    "at": at,
                    "amount": t.amount,
                    "unit": t.unit or "",
                    "pain_before": t.pain_before,
                    "pain_after": t.pain_after,
                    "notes": notes,
                },
            )
        )
        notes = ""
    day = (ql.when or now()).astimezone(person.zone).date()
    for h in ql.habits:
        value = float(h.value) if not isinstance(h.value, bool) else (1.0 if h.value else 0.0)
        res = RESOURCES["habit-logs"]
        existing = entries_for(person, res).filter(habit__key=h.id, local_date=day).first()
        data = {"habit": h.id, "local_date": day, "value": value, "notes": notes}
        saved.append(
            update_entry(person, res, existing, data)
            if existing
            else create_entry(person, res, data)
        )
        notes = ""
    return saved

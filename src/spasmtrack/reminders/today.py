"""What is due for one person now, for the Today page and the API (no quiet hours: a page
the person opens is not a disturbance)."""

from __future__ import annotations

from datetime import datetime
from typing import TypedDict

from spasmtrack.accounts.models import Person
from spasmtrack.core.reminders import due
from spasmtrack.reminders.facts import for_person
from spasmtrack.reminders.scheduler import url_for


class DueDict(TypedDict):
    kind: str
    key: str
    at: datetime
    until: datetime
    title: str
    body: str
    url: str
    subject: str


def due_for(person: Person, now: datetime) -> list[DueDict]:
    found = for_person(person.pk, now)
    if found is None:
        return []
    plan, facts = found.plan, found.facts
    return [
        {
            "kind": d.kind,
            "key": d.key,
            "at": d.at,
            "until": d.until,
            "title": d.title,
            "body": d.body,
            "url": url_for(d),
            "subject": d.subject,
        }
        for d in due(plan, facts, now, quiet=False)
    ]

"""What is due for one person now, for the Today page and the API (no quiet hours: a page
the person opens is not a disturbance)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from spasmtrack.accounts.models import Person
from spasmtrack.core.reminders import due
from spasmtrack.reminders.facts import for_person
from spasmtrack.reminders.scheduler import url_for


def due_for(person: Person, now: datetime) -> list[dict[str, Any]]:
    """Each reminder due now: the fields of `core.reminders.Due`, and `url`, the page that
    answers it."""
    found = for_person(person.pk, now)
    if found is None:
        return []
    return [
        {**d._asdict(), "url": url_for(d)} for d in due(found.plan, found.facts, now, quiet=False)
    ]

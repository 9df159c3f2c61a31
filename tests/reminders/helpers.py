"""Shared set-up for reminder tests: settings rows and deliveries for synthetic people."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from django.contrib.auth.models import User

from spasmtrack.accounts.models import Person
from spasmtrack.reminders.models import Delivery, ReminderSettings

# Monday 1 June 2026, 18:30 UTC = 20:30 in Berlin, 14:30 in New York.
NOW = datetime(2026, 6, 1, 18, 30, tzinfo=UTC)


def settings_for(person: Person, **kw: object) -> ReminderSettings:
    values: dict[str, object] = {
        "checkin_at": time(20, 0),
        "pain_after_minutes": None,
        "experiment_at": None,
        "fiqr_weeks": None,
        "acr2016_months": None,
        "peg_weeks": None,
        "quiet_from": None,
        "quiet_until": None,
        "by_push": False,
        "by_email": True,
        "email": f"{person.user.username}@example.invalid",
        "since": NOW.date(),
    }
    values.update(kw)
    return ReminderSettings.objects.create(person=person, **values)


def people(n: int, tz: str = "Europe/Berlin", prefix: str = "p") -> list[Person]:
    users = User.objects.bulk_create([User(username=f"{prefix}{i}") for i in range(n)])
    return Person.objects.bulk_create([Person(user=u, tz=tz) for u in users])


def delivery(person: Person, key: str, channel: str = "email", **kw: object) -> Delivery:
    values: dict[str, object] = {
        "kind": "test",
        "due_at": NOW - timedelta(minutes=1),
        "until": NOW + timedelta(hours=1),
        "title": "T",
        "body": "B",
        "url": "/",
    }
    values.update(kw)
    return Delivery.objects.create(person=person, key=key, channel=channel, **values)

"""Writing and reading the cycle app's data: the setting, and period days from every door.

Pages, the API and the CLI all come here: `log_period_day` / `unlog_period_day` (one tap on
Today, `spasmtrack period log`), and `create_day` / `update_day` / `delete_day` (the API).
Every day is checked against the plausible-date rule (not in the future, not before 1900);
each change refreshes the cached Insights analysis.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils.timezone import now

from spasmtrack.accounts.models import Person
from spasmtrack.accounts.owned import owned_or_404
from spasmtrack.core.cycle import CycleSummary, summarise
from spasmtrack.core.plausible import day_problem
from spasmtrack.cycle.models import CycleSettings, PeriodDay
from spasmtrack.diary.entries import EntryError
from spasmtrack.insights.signals import bump  # the person's data changed


class PeriodError(EntryError):
    """A refused period day (`field`, `message`): the API answers it with a field-level 422."""


# --- the setting ----------------------------------------------------------------------------


def is_enabled(person: Person) -> bool:
    """Whether the person turned cycle tracking on (off for everyone who never did)."""
    return CycleSettings.objects.filter(person=person, enabled=True).exists()


def set_enabled(person: Person, enabled: bool) -> CycleSettings:
    """Turn tracking on or off. Off hides it everywhere; the logged days stay (they are
    exported and can be deleted like any data)."""
    obj, _ = CycleSettings.objects.update_or_create(
        person=person, defaults={"enabled": enabled, "updated": now()}
    )
    bump(person.pk)  # the cycle factors appear or go
    return obj


# --- period days ----------------------------------------------------------------------------


def period_days_for(person: Person) -> QuerySet[PeriodDay]:
    return PeriodDay.objects.filter(person=person)


def get_owned(person: Person, code: UUID | str) -> PeriodDay:
    """The person's period day with this code; another person's (or none) is a 404."""
    return owned_or_404(person, PeriodDay, code, "period day")


def _checked_day(person: Person, day: Any) -> date:
    if not isinstance(day, date):
        raise PeriodError("local_date", "a date YYYY-MM-DD is needed")
    if problem := day_problem(day, now(), person.tz):
        raise PeriodError("local_date", problem)
    return day


def log_period_day(person: Person, day: date) -> tuple[PeriodDay, bool]:
    """Mark `day` as a period day: (the row, whether it is new). Logging it again is no
    change."""
    day = _checked_day(person, day)
    obj, created = PeriodDay.objects.get_or_create(person=person, local_date=day)
    if created:
        bump(person.pk)
    return obj, created


def unlog_period_day(person: Person, day: date) -> bool:
    """Take `day` back (the undo on Today); False when it was not a period day."""
    deleted, _ = period_days_for(person).filter(local_date=day).delete()
    if deleted:
        bump(person.pk)
    return bool(deleted)


def create_day(person: Person, data: dict[str, Any]) -> PeriodDay:
    """A new period day (the API); a day already logged is refused (it is there already)."""
    day = _checked_day(person, data.get("local_date"))
    try:
        with transaction.atomic():
            obj = PeriodDay.objects.create(person=person, local_date=day)
    except IntegrityError:
        raise PeriodError("local_date", f"{day.isoformat()} is already a period day") from None
    bump(person.pk)
    return obj


def update_day(person: Person, obj: PeriodDay, changes: dict[str, Any]) -> PeriodDay:
    """Move a period day to another day (a wrong day tapped)."""
    if changes.get("local_date") is None:
        return obj
    day = _checked_day(person, changes["local_date"])
    if day == obj.local_date:
        return obj
    if period_days_for(person).filter(local_date=day).exists():
        raise PeriodError("local_date", f"{day.isoformat()} is already a period day")
    obj.local_date = day
    obj.updated = now()
    obj.save(update_fields=("local_date", "updated"))
    bump(person.pk)
    return obj


def delete_day(person: Person, obj: PeriodDay) -> None:
    obj.delete()
    bump(person.pk)


def logged_days(person: Person) -> list[date]:
    return list(period_days_for(person).values_list("local_date", flat=True))


def summary_for(person: Person, today: date | None = None) -> CycleSummary:
    """Today's cycle figures from the person's own period days (one query)."""
    return summarise(logged_days(person), today or person.today())

"""The reminders app's section of the native export, backup and restore: the person's
reminder settings (what, when, quiet hours, channels). Rows are checked by the settings
form itself, so a restored row obeys the same rules as one saved on the page.

Not exported: push subscriptions (bound to one browser on one device, with its keys; the
phone subscribes again) and the delivery outbox (transport state)."""

from __future__ import annotations

from datetime import date, time
from typing import Any

from spasmtrack.accounts.models import Person
from spasmtrack.exchange.sections import Row, Section, at_most_one, same_or_refuse
from spasmtrack.reminders.forms import ReminderSettingsForm
from spasmtrack.reminders.models import ReminderSettings

FIELDS: tuple[str, ...] = tuple(ReminderSettingsForm.Meta.fields)
COLUMNS = (*FIELDS, "since")


def _plain(value: Any) -> Any:
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return value


def _export(person: Person) -> list[Row]:
    return [
        {k: _plain(getattr(s, k)) for k in COLUMNS}
        for s in ReminderSettings.objects.filter(person=person)
    ]


def _load(person: Person, row: Row) -> None:
    data = {k: ("" if row.get(k) is None else row[k]) for k in FIELDS}
    # A checkbox that is off is absent from a form post.
    data = {k: v for k, v in data.items() if v is not False}
    form = ReminderSettingsForm(data, instance=ReminderSettings(person=person))
    if not form.is_valid():
        field, errors = next(iter(form.errors.items()))
        raise ValueError(f"{field}: {errors[0]}")
    try:
        since = date.fromisoformat(str(row.get("since")))
    except ValueError:
        raise ValueError("since: a date YYYY-MM-DD is needed") from None
    existing = ReminderSettings.objects.filter(person=person).first()
    if existing is not None:
        same_or_refuse(
            _export(person)[0],
            {**_export_row(form.instance), "since": since.isoformat()},
            "reminder settings",
        )
        return
    saved = form.save(commit=False)
    saved.since = since
    saved.save()


def _export_row(s: ReminderSettings) -> Row:
    return {k: _plain(getattr(s, k)) for k in FIELDS}


SECTIONS: tuple[Section, ...] = (
    Section(
        "reminder-settings",
        COLUMNS,
        _export,
        at_most_one("set of reminder settings", _load),
        lambda p: ReminderSettings.objects.filter(person=p),
    ),
)

"""Reminders as iCalendar alarms (RFC 5545 VALARM), for people who live in their calendar app.

`/reminders/calendar.ics`: the daily check-in as a daily repeating event with an alarm, and
the next due day of each questionnaire. Times are "floating" (no zone): the calendar rings at
the chosen wall-clock time wherever the phone is, which is what a reminder time means here.
The experiment schedule's own file (`/trials/<code>/schedule.ics`) gets a daily alarm at the
experiment reminder time (see `trials.views.ics`).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from spasmtrack.accounts.models import Person
from spasmtrack.core.nof1.design import _ics_escape, _ics_fold
from spasmtrack.core.reminders import QUESTIONNAIRE_TITLES, QUESTIONNAIRES, next_questionnaire_day
from spasmtrack.reminders.models import ReminderSettings


def _alarm(text: str) -> list[str]:
    return ["BEGIN:VALARM", "ACTION:DISPLAY", f"DESCRIPTION:{_ics_escape(text)}"] + [
        "TRIGGER:PT0S",
        "END:VALARM",
    ]


def _floating(day: date, at: time) -> str:
    return datetime.combine(day, at).strftime("%Y%m%dT%H%M%S")


def reminders_ics(person: Person, row: ReminderSettings, now: datetime) -> str:
    """The calendar text (CRLF line ends, folded at 75 octets)."""
    from django.db.models import Max

    from spasmtrack.questionnaires.models import QuestionnaireResponse

    stamp = now.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    uid = f"{person.code}@spasmtrack.reminders"
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Spasmtrack//reminders//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
    ]
    plan = row.plan(person.tz)
    if plan.checkin_at is not None:
        lines += [
            "BEGIN:VEVENT",
            f"UID:checkin-{uid}",
            f"DTSTAMP:{stamp}",
            f"DTSTART:{_floating(row.since, plan.checkin_at)}",
            "DURATION:PT5M",
            "RRULE:FREQ=DAILY",
            "SUMMARY:Spasmtrack: daily check-in",
            "TRANSP:TRANSPARENT",
            *_alarm("Daily check-in"),
            "END:VEVENT",
        ]
    last = dict(
        QuestionnaireResponse.objects.filter(person=person, kind__in=QUESTIONNAIRES)
        .values("kind")
        .annotate(last=Max("local_date"))
        .values_list("kind", "last")
    )
    today = person.local_date(now)
    for kind in QUESTIONNAIRES:
        day = next_questionnaire_day(plan, kind, last.get(kind))
        if day is None:
            continue
        day = max(day, today)
        title = f"Spasmtrack: {QUESTIONNAIRE_TITLES[kind]} is due"
        lines += [
            "BEGIN:VEVENT",
            f"UID:{kind}-{day:%Y%m%d}-{uid}",
            f"DTSTAMP:{stamp}",
            f"DTSTART:{_floating(day, plan.questionnaire_at)}",
            "DURATION:PT10M",
            f"SUMMARY:{_ics_escape(title)}",
            "TRANSP:TRANSPARENT",
            *_alarm(title),
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(piece + "\r\n" for line in lines for piece in _ics_fold(line))


def experiment_alarm(person: Person) -> time | None:
    """When an experiment day rings in its calendar file: the person's experiment reminder
    time, if they asked for calendar alarms in Reminders."""
    row = ReminderSettings.objects.filter(person=person, in_calendar=True).first()
    return row.experiment_at if row else None

"""What a person should be reminded of right now: a pure function of their choices, a few facts
from their diary and the instant `now`.

No Django here. The scheduler (`spasmtrack reminders`), the Today page and the calendar feed
all call `due()`; delivery (push, e-mail) is the app's business.

Time: a reminder time is a wall-clock time on the person's calendar (`Plan.tz`), so "20:00"
stays 20:00 across daylight-saving changes. A wall time that does not exist (02:30 on the night
clocks go forward) fires at the same distance after the gap (03:30); a wall time that happens
twice (02:30 on the night clocks go back) fires once, at the first of the two.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from types import MappingProxyType
from typing import NamedTuple
from zoneinfo import ZoneInfo

KINDS = ("checkin", "pain_after", "experiment", "fiqr", "acr2016", "peg")
QUESTIONNAIRES = ("fiqr", "acr2016", "peg")
QUESTIONNAIRE_TITLES = {"fiqr": "FIQR", "acr2016": "ACR 2016 criteria", "peg": "PEG"}
# "How is your pain now?" is only worth asking soon after the treatment: a reminder held back
# by quiet hours (or a server that was off) beyond this window is dropped, not sent late.
PAIN_AFTER_WINDOW = timedelta(hours=3)
# An unanswered questionnaire is asked about again once a week until it is filled in.
QUESTIONNAIRE_REPEAT_DAYS = 7


class Plan(NamedTuple):
    """A person's reminder choices. `None` turns a reminder off.

    `fiqr_weeks`, `acr2016_months` and `peg_weeks` are the intervals after the last answer;
    a questionnaire never answered is due from `since` (the day reminders were set up).
    Quiet hours run from `quiet_from` to `quiet_until` (may span midnight); nothing fires in
    them: a reminder due inside waits for `quiet_until`, and is dropped if stale by then.
    """

    tz: str
    since: date
    checkin_at: time | None = None
    pain_after_minutes: int | None = None
    experiment_at: time | None = None
    questionnaire_at: time = time(18, 0)
    fiqr_weeks: int | None = None
    acr2016_months: int | None = None
    peg_weeks: int | None = None
    quiet_from: time | None = None
    quiet_until: time | None = None


class PendingTreatment(NamedTuple):
    """A treatment logged with a pain before and no pain after yet."""

    code: str
    name: str
    at: datetime


class Facts(NamedTuple):
    """What the diary says (only recent days matter).

    `checkin_days`: local days with a check-in. `experiment_days`: for each local day, the
    running experiments (code, title) whose adherence question is still unanswered that day.
    `last_answered`: the local day each questionnaire kind was last filled in.
    """

    checkin_days: frozenset[date] = frozenset()
    treatments: tuple[PendingTreatment, ...] = ()
    experiment_days: Mapping[date, tuple[tuple[str, str], ...]] = MappingProxyType({})
    last_answered: Mapping[str, date] = MappingProxyType({})


class Due(NamedTuple):
    """One reminder that is due. `key` is unique per person and stable across ticks (it names
    the reminder and its subject: a day, a treatment, a due date), so delivery can be made
    once per key. `at` is when it may go out (after quiet hours), `until` when it goes stale;
    both aware UTC. `subject` is the treatment or experiment code, or the questionnaire kind.
    """

    kind: str
    key: str
    at: datetime
    until: datetime
    title: str
    body: str
    subject: str = ""


# Named tuples, not dataclasses: `due()` builds these for every person on every tick, and a
# frozen dataclass costs several times more to construct.


@lru_cache(maxsize=8192)  # people share zones and times: a tick computes each one once
def wall(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The UTC instant of wall-clock `at` on `day` in `zone` (gap: shifted forward by the gap;
    repeated hour: the first occurrence)."""
    local = datetime.combine(day, at, tzinfo=zone)  # fold=0: first occurrence, pre-gap offset
    return local.astimezone(UTC)


def in_quiet(plan: Plan, instant: datetime) -> bool:
    """True when `instant` falls in the person's quiet hours."""
    return _in_quiet(plan, instant.astimezone(ZoneInfo(plan.tz)).time())


def _in_quiet(plan: Plan, t: time) -> bool:
    start, end = plan.quiet_from, plan.quiet_until
    if start is None or end is None or start == end:
        return False
    return start <= t < end if start < end else (t >= start or t < end)


def after_quiet(plan: Plan, instant: datetime) -> datetime:
    """`instant`, or the end of the quiet hours it falls in."""
    return _after_quiet(plan, ZoneInfo(plan.tz), instant)


def _after_quiet(plan: Plan, zone: ZoneInfo, instant: datetime) -> datetime:
    local = instant.astimezone(zone)
    if not _in_quiet(plan, local.time()):
        return instant
    assert plan.quiet_until is not None
    end = wall(local.date(), plan.quiet_until, zone)
    if end <= instant:
        end = wall(local.date() + timedelta(days=1), plan.quiet_until, zone)
    return end


@lru_cache(maxsize=4096)
def add_months(day: date, months: int) -> date:
    """`day` plus whole calendar months; the 31st becomes the month's last day."""
    m = day.month - 1 + months
    year, month = day.year + m // 12, m % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def next_questionnaire_day(plan: Plan, kind: str, last: date | None) -> date | None:
    """The first day `kind` is due again after an answer on `last` (None: off)."""
    if kind == "fiqr":
        if not plan.fiqr_weeks:
            return None
        return plan.since if last is None else last + timedelta(weeks=plan.fiqr_weeks)
    if kind == "acr2016":
        if not plan.acr2016_months:
            return None
        return plan.since if last is None else add_months(last, plan.acr2016_months)
    if kind == "peg":
        if not plan.peg_weeks:
            return None
        return plan.since if last is None else last + timedelta(weeks=plan.peg_weeks)
    raise ValueError(f"unknown questionnaire {kind!r}")


def due(plan: Plan, facts: Facts, now: datetime, *, quiet: bool = True) -> list[Due]:
    """Every reminder due at `now` (aware), in the order they became due.

    With `quiet=False` quiet hours are ignored (the Today page shows what is due whatever
    the hour). A reminder whose task is done (check-in saved, pain after filled in,
    adherence answered, questionnaire filled in) is not due.
    """
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    zone = ZoneInfo(plan.tz)
    today = now.astimezone(zone).date()
    shift = quiet and plan.quiet_from is not None and plan.quiet_until is not None
    result: list[Due] = []
    # Each reminder: its wall-clock time first, and nothing more is built for one that is not
    # due yet (quiet hours only ever move a time later). This loop runs for every person on
    # every tick, so it stays cheap (bench/reminders.py).

    def fire(at: datetime, until: datetime) -> datetime | None:
        if shift:
            at = _after_quiet(plan, zone, at)
        return at if at <= now < until and at < until else None

    clock = Clock(plan.tz, plan.quiet_from, plan.quiet_until) if shift else Clock(plan.tz)
    if plan.checkin_at is not None and today not in facts.checkin_days:
        found = _checkin_due(today, plan.checkin_at, clock, now)
        if found is not None:
            result.append(found)

    if plan.pain_after_minutes is not None and facts.treatments:
        delay = timedelta(minutes=plan.pain_after_minutes)
        for t in facts.treatments:
            at = t.at + delay
            if at > now or (fired := fire(at, at + PAIN_AFTER_WINDOW)) is None:
                continue
            result.append(
                Due(
                    "pain_after",
                    f"pain_after:{t.code}",
                    fired,
                    at + PAIN_AFTER_WINDOW,
                    "How is your pain now?",
                    f"{t.name} at {t.at.astimezone(zone):%H:%M}: tap how much it hurts now.",
                    t.code,
                )
            )

    if plan.experiment_at is not None and today in facts.experiment_days:
        at = wall(today, plan.experiment_at, zone)
        if at <= now:
            tomorrow = wall(today + timedelta(days=1), time(0), zone)
            if (fired := fire(at, tomorrow)) is not None:
                for code, title in facts.experiment_days[today]:
                    result.append(
                        Due(
                            "experiment",
                            f"experiment:{code}:{today.isoformat()}",
                            fired,
                            tomorrow,
                            "Experiment: today's question",
                            f"{title}: did you stick to today's plan?",
                            code,
                        )
                    )

    for kind in QUESTIONNAIRES:
        first = next_questionnaire_day(plan, kind, facts.last_answered.get(kind))
        if first is None or first > today:
            continue
        weeks_late = (today - first).days // QUESTIONNAIRE_REPEAT_DAYS
        day = first + timedelta(days=QUESTIONNAIRE_REPEAT_DAYS * weeks_late)
        found = _questionnaire_due(kind, day, plan.questionnaire_at, clock, now)
        if found is not None:
            result.append(found)

    if len(result) > 1:
        result.sort(key=lambda d: (d.at, d.key))
    return result


# The day-bound reminders depend only on the day, the chosen time, the zone, the quiet hours
# and `now`, never on who: people who share them share one computation per tick.


class Clock(NamedTuple):
    """The zone and the quiet hours that apply (none: None, None): with the day and the time,
    all that decides when a day-bound reminder goes out, so people alike share one result."""

    tz: str
    quiet_from: time | None = None
    quiet_until: time | None = None


def _window(
    day: date, days: int, at_time: time, clock: Clock, now: datetime
) -> tuple[datetime, datetime] | None:
    """(when it goes out, when it goes stale) of a reminder at `at_time` on `day` (after the
    quiet hours) that stays for `days` days; None when it is not out now."""
    tz, quiet_from, quiet_until = clock
    zone = ZoneInfo(tz)
    until = wall(day + timedelta(days=days), time(0), zone)
    at = wall(day, at_time, zone)
    if at > now:
        return None
    if quiet_from is not None and quiet_until is not None:
        at = _after_quiet(
            Plan("", date.min, quiet_from=quiet_from, quiet_until=quiet_until), zone, at
        )
    return (at, until) if at <= now < until and at < until else None


@lru_cache(maxsize=4096)
def _checkin_due(today: date, at_time: time, clock: Clock, now: datetime) -> Due | None:
    window = _window(today, 1, at_time, clock, now)
    if window is None:
        return None
    text = "How was today? The check-in takes a minute."
    return Due("checkin", f"checkin:{today.isoformat()}", *window, "Daily check-in", text)


@lru_cache(maxsize=8192)
def _questionnaire_due(
    kind: str, day: date, at_time: time, clock: Clock, now: datetime
) -> Due | None:
    window = _window(day, QUESTIONNAIRE_REPEAT_DAYS, at_time, clock, now)
    if window is None:
        return None
    name = QUESTIONNAIRE_TITLES[kind]
    title, text = f"{name} is due", f"Time for the {name} questionnaire."
    return Due(kind, f"{kind}:{day.isoformat()}", *window, title, text, kind)

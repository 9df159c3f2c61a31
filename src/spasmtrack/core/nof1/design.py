"""Design of a randomised n-of-1 self-experiment: the A/B schedule and its calendar.

A trial is `blocks` blocks; each block holds one period of condition A and one of B, in an
order drawn at random per block (AB or BA) from a numpy Generator seeded with the recorded
`seed`, so that time trends and expectations cannot line up with the treatment (AHRQ 2014 n-of-1
user's guide; Senn, random order within cycles). The same seed always gives the same schedule.

Washout: the first `washout_days` days of a period that *switches* condition are flagged
`in_washout` (an analytic washout: the person follows the new condition, but those days are left
out of the analysis because the previous condition may still be acting). The very first period
is flagged too, because whatever was done before the trial may carry over. A period that
continues the previous period's condition (B then B across a block boundary) is not flagged.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal

Condition = Literal["A", "B"]
DayState = Literal["not_started", "running", "finished"]


@dataclass(frozen=True)
class DayRecord:
    """One scheduled day. `block` and `period` are 1-based; `period` counts across the trial."""

    day: date
    block: int
    period: int
    condition: Condition
    in_washout: bool


@dataclass(frozen=True)
class DayStatus:
    """Where `today` falls in a trial; `day_number` etc. are None unless `state == "running"`."""

    state: DayState
    total_days: int
    day_number: int | None = None
    block: int | None = None
    period: int | None = None
    condition: Condition | None = None
    in_washout: bool = False
    days_left_in_period: int | None = None

    @property
    def text(self) -> str:
        """A one-line, plain description, e.g. "Day 5 of 42: condition B (block 1 of 3)"."""
        if self.state == "not_started":
            return f"The experiment has not started yet ({self.total_days} days planned)."
        if self.state == "finished":
            return f"The experiment is finished ({self.total_days} days)."
        text = f"Day {self.day_number} of {self.total_days}: condition {self.condition}"
        if self.in_washout:
            text += " (washout day, not counted in the analysis)"
        return text + "."


@dataclass(frozen=True)
class Schedule:
    """A randomised AB/BA block schedule; `days` are consecutive calendar days from `start`."""

    start: date
    period_days: int
    blocks: int
    seed: int
    washout_days: int
    orders: tuple[str, ...]  # one "AB" or "BA" per block, as drawn
    days: tuple[DayRecord, ...]

    @property
    def end(self) -> date:
        """The last day of the trial (inclusive)."""
        return self.days[-1].day

    @property
    def total_days(self) -> int:
        return len(self.days)

    def day_status(self, today: date) -> DayStatus:
        """Where `today` (the person's local date, passed in) falls in the trial."""
        if today < self.start:
            return DayStatus("not_started", self.total_days)
        if today > self.end:
            return DayStatus("finished", self.total_days)
        index = (today - self.start).days
        rec = self.days[index]
        period_end = max(d.day for d in self.days if d.period == rec.period)
        return DayStatus(
            state="running",
            total_days=self.total_days,
            day_number=index + 1,
            block=rec.block,
            period=rec.period,
            condition=rec.condition,
            in_washout=rec.in_washout,
            days_left_in_period=(period_end - today).days,
        )

    def washout_mask(self) -> list[bool]:
        """`in_washout` for each day, in order (the mask `analyse` accepts)."""
        return [d.in_washout for d in self.days]


def make_schedule(
    start: date,
    period_days: int = 7,
    blocks: int = 3,
    *,
    seed: int,
    washout_days: int = 0,
) -> Schedule:
    """Draw a schedule of `blocks` AB/BA blocks of two `period_days`-day periods from `seed`.

    Raises ValueError for fewer than 1 block, periods shorter than 2 days, or a washout that
    would leave no analysable day in a period.
    """
    if blocks < 1:
        raise ValueError("A trial needs at least one block.")
    if period_days < 2:
        raise ValueError("Periods must be at least 2 days long.")
    if not 0 <= washout_days < period_days:
        raise ValueError("The washout must be shorter than a period.")
    import numpy as np  # here, not at module level: the trials models import this module

    rng = np.random.default_rng(seed)
    # One fair coin per block: AB or BA.
    orders = tuple("AB" if flip == 0 else "BA" for flip in rng.integers(0, 2, size=blocks))
    days: list[DayRecord] = []
    previous: str | None = None
    for b, order in enumerate(orders):
        for k, cond in enumerate(order):
            period = 2 * b + k + 1
            switched = cond != previous
            for i in range(period_days):
                days.append(
                    DayRecord(
                        day=start + timedelta(days=len(days)),
                        block=b + 1,
                        period=period,
                        condition="A" if cond == "A" else "B",
                        in_washout=switched and i < washout_days,
                    )
                )
            previous = cond
    return Schedule(start, period_days, blocks, seed, washout_days, orders, tuple(days))


# --- iCalendar (RFC 5545) ---------------------------------------------------------------------


def _ics_escape(text: str) -> str:
    """Escape a TEXT value (RFC 5545 3.3.11)."""
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def _ics_fold(line: str) -> list[str]:
    """Fold a content line into pieces of at most 75 octets (RFC 5545 3.1).

    Continuation pieces start with one space, which counts towards their 75 octets; we never
    split inside a UTF-8 character.
    """
    pieces: list[str] = []
    current, size, limit = "", 0, 75
    for ch in line:
        n = len(ch.encode("utf-8"))
        if size + n > limit:
            pieces.append(current)
            current, size, limit = " ", 1, 75
        current += ch
        size += n
    pieces.append(current)
    return pieces


def to_ics(
    schedule: Schedule,
    title_a: str,
    title_b: str,
    *,
    uid: str,
    dtstamp: datetime,
    alarm_at: time | None = None,
) -> str:
    """The schedule as an iCalendar file: one all-day VEVENT per period.

    With `alarm_at`, each period's event carries one VALARM per day at that wall-clock time
    (a trigger relative to the all-day start, so it follows the phone's own time zone), for
    the daily adherence question.

    `uid` is a globally unique stem for this trial (e.g. "<trial uuid>@spasmtrack"); each event's
    UID is "<period>-<uid>". `dtstamp` must be timezone-aware; it is written in UTC. Lines end
    in CRLF and are folded at 75 octets.
    """
    if dtstamp.tzinfo is None:
        raise ValueError("dtstamp must be timezone-aware.")
    stamp = dtstamp.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    titles = {"A": title_a, "B": title_b}
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Spasmtrack//n-of-1 self-experiment//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
    ]
    for period in sorted({d.period for d in schedule.days}):
        pdays = [d for d in schedule.days if d.period == period]
        first, last = pdays[0], pdays[-1]
        washout = sum(d.in_washout for d in pdays)
        description = (
            f"Self-experiment block {first.block} of {schedule.blocks}, "
            f"period {period} of {2 * schedule.blocks}: condition {first.condition}."
        )
        if washout:
            description += f" The first {washout} day(s) are a washout and are not analysed."
        lines += [
            "BEGIN:VEVENT",
            f"UID:{period}-{uid}",
            f"DTSTAMP:{stamp}",
            f"DTSTART;VALUE=DATE:{first.day:%Y%m%d}",
            # DTEND of an all-day event is exclusive: the day after the period's last day.
            f"DTEND;VALUE=DATE:{last.day + timedelta(days=1):%Y%m%d}",
            f"SUMMARY:{_ics_escape(f'{first.condition}: {titles[first.condition]}')}",
            f"DESCRIPTION:{_ics_escape(description)}",
            "TRANSP:TRANSPARENT",
        ]
        if alarm_at is not None:
            at = f"{alarm_at.hour}H{alarm_at.minute}M"
            for i in range(len(pdays)):
                lines += [
                    "BEGIN:VALARM",
                    "ACTION:DISPLAY",
                    "DESCRIPTION:Experiment: did you stick to today's plan?",
                    f"TRIGGER;RELATED=START:P{i}DT{at}",
                    "END:VALARM",
                ]
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "".join(piece + "\r\n" for line in lines for piece in _ics_fold(line))

"""The person-facing side of the trigger-point knowledge base: finder, prior and tracking.

Pages, the API and the CLI call these functions; the arithmetic lives in `spasmtrack.core`
(`referral.find`, `referral.explain_combination`, `trigger_points.trends/active_pattern`).
Every function that reads a diary takes the person and reads only that person's live entries.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from spasmtrack.accounts.models import Person
from spasmtrack.core.body.muscles import Muscle, all_muscles
from spasmtrack.core.body.referral import PersonalTrP
from spasmtrack.core.body.trigger_points import (
    PatternFlag,
    Trend,
    TrPRecord,
    active_pattern,
    trends,
)
from spasmtrack.diary.entries import RESOURCES, create_entry, entries_for
from spasmtrack.trigger_points.finder import prior_of

TRP = RESOURCES["trigger-points"]
DEFAULT_TENDERNESS = 5


def personal_prior(person: Person) -> list[PersonalTrP]:
    """The person's latest status per muscle-side, as the finder's personal prior
    (`finder.prior_of`: knowledge-base muscles only, midline for both sides, "resolved"
    gives none). Binned entries are ignored."""
    rows = entries_for(person, TRP).order_by("at", "id").values_list("muscle", "side", "status")
    return prior_of(rows)


def records(person: Person) -> list[TrPRecord]:
    """The person's live trigger-point entries as core records, oldest first."""
    rows = entries_for(person, TRP).order_by("at", "id")
    return [TrPRecord(t.muscle, t.side, t.status, t.tenderness, t.local_date) for t in rows]


@dataclass(frozen=True)
class MuscleSide:
    """One tracked muscle-side: its entries (oldest first) and tenderness trend."""

    muscle: str
    name: str
    side: str
    entries: list[Any]  # diary TriggerPoint rows
    trend: Trend

    @property
    def latest(self) -> Any:
        return self.entries[-1]

    def to_dict(self) -> dict[str, Any]:
        """The API's MuscleSideOut shape."""
        return {
            "muscle": self.muscle,
            "name": self.name,
            "side": self.side,
            "latest_status": self.latest.status,
            "latest_tenderness": self.latest.tenderness,
            "entries": [
                {
                    "id": str(e.code),
                    "local_date": e.local_date,
                    "status": e.status,
                    "tenderness": e.tenderness,
                    "found_by": e.found_by,
                }
                for e in self.entries
            ],
            "trend": self.trend.to_dict(),
        }


@dataclass(frozen=True)
class Tracking:
    muscle_sides: list[MuscleSide]
    pattern: PatternFlag

    def to_dict(self) -> dict[str, Any]:
        """The API's SummaryOut shape."""
        return {
            "muscle_sides": [ms.to_dict() for ms in self.muscle_sides],
            "pattern": self.pattern.to_dict(),
        }


def muscle_name(muscle_id: str) -> str:
    m: Muscle | None = all_muscles().get(muscle_id)
    return m.name if m else muscle_id.replace("_", " ").capitalize()


def tracking(person: Person, today: date) -> Tracking:
    """The person's TrPs grouped by muscle-side (most recently recorded first) with trends,
    and the several-active-over-weeks flag as of `today` (the person's local date)."""
    rows = list(entries_for(person, TRP).order_by("at", "id"))
    grouped: dict[tuple[str, str], list[Any]] = {}
    for t in rows:
        grouped.setdefault((t.muscle, t.side), []).append(t)
    recs = [TrPRecord(t.muscle, t.side, t.status, t.tenderness, t.local_date) for t in rows]
    by_key = {(tr.muscle, tr.side): tr for tr in trends(recs)}
    sides = [
        MuscleSide(m, muscle_name(m), s, entries, by_key[(m, s)])
        for (m, s), entries in grouped.items()
    ]
    sides.sort(key=lambda ms: (ms.latest.at, ms.latest.id), reverse=True)
    return Tracking(sides, active_pattern(recs, today))


def trend_label(trend: Trend) -> str:
    """The trend in one word or phrase: falling, rising, flat, or "too early to tell"."""
    return "too early to tell" if trend.slope_per_week is None else trend.direction


def trend_words(trend: Trend) -> str:
    """A plain sentence for a tenderness trend (informs; never judges a treatment)."""
    if trend.slope_per_week is None:
        return "Record it on at least 3 different days to see a trend."
    per_week = abs(trend.slope_per_week)
    if trend.direction == "falling":
        return (
            f"Tenderness is falling, by about {per_week:.1f} points a week. "
            "Falling tenderness can be a sign of reduced sensitivity."
        )
    if trend.direction == "rising":
        return f"Tenderness is rising, by about {per_week:.1f} points a week."
    return "No clear rise or fall so far."


def record_tender_spot(
    person: Person,
    muscle_id: str,
    side: str,
    tenderness: int = DEFAULT_TENDERNESS,
    status: str = "active",
) -> Any:
    """Save "I found a tender spot here" / "Tender again today" as a diary TriggerPoint (found
    by the person), with status active, latent or resolved.

    Goes through diary.entries.create_entry, so it validates exactly like the API; raises
    EntryError / pydantic ValidationError on bad input and KeyError for an unknown muscle.
    """
    if muscle_id not in all_muscles():  # only muscles of the knowledge base can be picked
        raise KeyError(muscle_id)
    data = {
        "muscle": muscle_id,
        "side": side,
        "status": status,
        "tenderness": tenderness,
        "found_by": "self",
    }
    return create_entry(person, TRP, data)

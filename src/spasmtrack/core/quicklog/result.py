"""The result of parsing one quick-log line: frozen values, a dict form and a summary sentence."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime
from typing import TypedDict, cast

from spasmtrack.core.body.regions import all_regions, mirror


class TreatmentDict(TypedDict):
    id: str
    name: str
    amount: float | None
    unit: str | None
    pain_before: int | None
    pain_after: int | None
    said: str


class HabitDict(TypedDict):
    id: str
    name: str
    kind: str
    value: float | bool
    unit: str | None
    said: str


class QuickLogDict(TypedDict):
    text: str
    kind: str | None
    regions: list[str]
    region_phrases: list[str]
    intensity: int | None
    duration_s: int | None
    when: str | None  # ISO 8601 with offset, in the person's zone
    when_text: str | None
    when_approximate: bool
    treatments: list[TreatmentDict]
    habits: list[HabitDict]
    triggers: list[str]
    trigger_point: bool
    notes: str
    warnings: list[str]
    corrections: list[list[str]]
    summary: str


@dataclass(frozen=True)
class TreatmentMention:
    """A catalogue treatment named in the line, with what was said about it."""

    id: str
    name: str
    amount: float | None = None  # in `unit` (the catalogue's unit when it has one)
    unit: str | None = None
    pain_before: int | None = None
    pain_after: int | None = None
    said: str = ""  # the words typed for it ("Advil", "flexeril"), kept on the entry

    def to_dict(self) -> TreatmentDict:
        return cast(TreatmentDict, dataclasses.asdict(self))  # the same fields

    def describe(self) -> str:
        text = self.name
        if self.amount is not None:
            text += f" {_num(self.amount)}{' ' + self.unit if self.unit else ''}"
        if self.pain_before is not None and self.pain_after is not None:
            text += f" (pain {self.pain_before} → {self.pain_after})"
        return text


@dataclass(frozen=True)
class HabitMention:
    """A catalogue habit named in the line: True for yes/no habits, a number otherwise."""

    id: str
    name: str
    kind: str  # "yes_no" | "number"
    value: float | bool
    unit: str | None = None
    said: str = ""

    def to_dict(self) -> HabitDict:
        return cast(HabitDict, dataclasses.asdict(self))  # the same fields

    def describe(self) -> str:
        if isinstance(self.value, bool):
            return self.name if self.value else f"no {self.name}"
        return f"{self.name} {_num(self.value)}{' ' + self.unit if self.unit else ''}"


@dataclass(frozen=True)
class QuickLog:
    """What the parser understood from one line. Anything it could not read is in `notes`."""

    text: str
    kind: str | None = None  # "spasm" | "twitch" | None
    regions: tuple[str, ...] = ()  # ids from body-regions.csv, in the order mentioned
    region_phrases: tuple[str, ...] = ()  # what they came from: "left calf", "neck (both sides)"
    intensity: int | None = None  # 0-10 NRS
    duration_s: int | None = None
    when: datetime | None = None  # aware, in the zone of the `now` passed to parse()
    when_text: str | None = None  # the words it came from, e.g. "since 3pm"
    when_approximate: bool = False  # True for "this morning", "yesterday", ...
    treatments: tuple[TreatmentMention, ...] = ()
    habits: tuple[HabitMention, ...] = ()
    triggers: tuple[str, ...] = ()  # suspected trigger text, e.g. "yoga"
    trigger_point: bool = False  # "knot", "trigger point": a suspected trigger point
    notes: str = ""
    warnings: tuple[str, ...] = ()
    corrections: tuple[tuple[str, str], ...] = ()  # (typed, read as), e.g. ("calff", "calf")
    intensity_ranges: tuple[str, ...] = ()  # "7 maybe 8": two numbers, so no intensity
    habits_without_number: tuple[tuple[str, str], ...] = ()  # (habit id, typed): "sat all day"

    @property
    def understood_anything(self) -> bool:
        return bool(
            self.kind
            or self.regions
            or self.intensity is not None
            or self.duration_s is not None
            or self.when is not None
            or self.treatments
            or self.habits
            or self.triggers
            or self.trigger_point
        )

    def to_dict(self) -> QuickLogDict:
        """JSON-ready form (datetimes as ISO strings), including the summary sentence."""
        return QuickLogDict(
            text=self.text,
            kind=self.kind,
            regions=list(self.regions),
            region_phrases=list(self.region_phrases),
            intensity=self.intensity,
            duration_s=self.duration_s,
            when=self.when.isoformat() if self.when else None,
            when_text=self.when_text,
            when_approximate=self.when_approximate,
            treatments=[t.to_dict() for t in self.treatments],
            habits=[h.to_dict() for h in self.habits],
            triggers=list(self.triggers),
            trigger_point=self.trigger_point,
            notes=self.notes,
            warnings=list(self.warnings),
            corrections=[list(c) for c in self.corrections],
            summary=self.summary(),
        )

    def summary(self) -> str:
        """One line of what was understood, to confirm before saving, e.g.
        "Spasm · left calf · 7/10 · 20 min · after yoga"."""
        parts: list[str] = []
        if self.kind:
            parts.append(self.kind.capitalize())
        if self.trigger_point:
            parts.append("knot / trigger point")
        if self.regions:
            parts.append(", ".join(self.region_phrases) or describe_regions(self.regions))
        if self.intensity is not None:
            parts.append(f"{self.intensity}/10")
        if self.duration_s is not None:
            parts.append(describe_duration(self.duration_s))
        if self.when is not None:
            approx = "~" if self.when_approximate else ""
            parts.append(f"{self.when_text} ({approx}{self.when:%a %H:%M})")
        parts.extend(t.describe() for t in self.treatments)
        parts.extend(h.describe() for h in self.habits)
        parts.extend(f"after {t}" for t in self.triggers)
        if self.notes:
            parts.append(f"note: “{self.notes}”")
        if not self.understood_anything:
            return f"Nothing recognised; saved as a note: “{self.notes}”" if self.notes else ""
        return " · ".join(parts)


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


def describe_duration(seconds: int) -> str:
    """'45 s', '20 min', '1 h 30 min'."""
    if seconds < 60:
        return f"{seconds} s"
    hours, rest = divmod(seconds, 3600)
    minutes = round(rest / 60)
    if not hours:
        return f"{minutes} min"
    return f"{hours} h {minutes} min" if minutes else f"{hours} h"


def describe_regions(ids: tuple[str, ...]) -> str:
    """'left calf', 'calf (both sides)', 'between the shoulder blades' from region ids."""
    regions = all_regions()
    shown: list[str] = []
    done: set[str] = set()
    for rid in ids:
        if rid in done:
            continue
        r = regions[rid]
        base = r.label.removesuffix(f" ({r.side})")
        twin = mirror(rid)
        if twin != rid and twin in ids:
            shown.append(f"{base} (both sides)")
            done.add(twin)
        elif r.side in ("left", "right"):
            shown.append(f"{r.side} {base}")
        else:
            shown.append(base)
        done.add(rid)
    return ", ".join(shown)

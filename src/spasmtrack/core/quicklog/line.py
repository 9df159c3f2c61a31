"""One quick-log line -> every diary entry it reports, each shown on its own line to confirm.

    read_line(parser, "ice pack 15 min on neck, pain went from 6 to 3", now=now).entries
    -> (LineEntry(kind="treatment", data={"treatment": "ice", "amount": 15.0, ...}), )

How it works: the line's lexicon chunks (`QuickLogParser.chunks`) are cut into clauses at
punctuation and joining words ("but", "then", "and" before a new thing). A clause with nothing of
its own (a number, a time, "pain went from 6 to 3") joins the clause it belongs to. Each clause is
then checked for negation ("didn't take", "heat pad broke"), counterfactuals ("maybe tomorrow")
and someone else ("my husband's cramp"): such a clause saves nothing and is listed as not saved.
The rest are read by the one-clause parser (`QuickLogParser.parse`) and by the check-in reader
below, and become entries. An entry that lacks something (an intensity, a place, a rating) carries
a `question` and is not saved until it is answered or removed: nothing is defaulted.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, time
from typing import Any

from spasmtrack.core.days import MIDNIGHT, day_of
from spasmtrack.core.quicklog.parser import Chunk, QuickLog, QuickLogParser, round_score
from spasmtrack.core.quicklog.result import TreatmentMention, describe_duration

__all__ = ["LineEntry", "LineReading", "read_line"]

_HARD = frozenset({",", ";", ".", "!", "?", "but", "also", "plus", "so", "and then"})
_SOFT = frozenset({"and", "&", "+", "then", "with"})
_STRONG = ("kind", "tpoint", "treatment", "habit", "checkin", "checkin_anchor")
_NEG_SCOPE = 5  # chunks a "didn't"/"no" reaches forward
# A clause that starts with one of these and ends with "?" asks something; it logs nothing.
_ASKING = frozenset(
    {"what", "how", "why", "when", "where", "which", "who", "does", "do", "did", "should"}
    | {"can", "could", "would", "is", "are", "will"}
)


@dataclass(frozen=True)
class LineEntry:
    """One entry the line would save. `data` holds the diary resource's fields."""

    kind: str  # "muscle_event" | "pain_drawing" | "checkin" | "treatment" | "habit"
    data: dict[str, Any]
    label: str  # the short line shown to confirm, e.g. "Spasm · left calf · 7/10 · 20 min"
    said: str  # the words it came from
    question: str = ""  # set when something is missing: not saved until answered or removed
    regions: tuple[str, ...] = ()  # where a treatment was applied (kept in its note too)

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "data": {k: _jsonable(v) for k, v in self.data.items()},
            "label": self.label,
            "said": self.said,
            "question": self.question,
            "regions": list(self.regions),
        }


@dataclass(frozen=True)
class LineReading:
    text: str
    entries: tuple[LineEntry, ...] = ()
    not_saved: tuple[str, ...] = ()  # clauses read as negated, counterfactual or someone else's
    notes: str = ""  # what could not be read, shown and kept on the first entry
    warnings: tuple[str, ...] = ()
    corrections: tuple[tuple[str, str], ...] = ()

    @property
    def questions(self) -> list[str]:
        return [e.question for e in self.entries if e.question]

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "entries": [e.to_dict() for e in self.entries],
            "not_saved": list(self.not_saved),
            "notes": self.notes,
            "warnings": list(self.warnings),
            "corrections": [list(c) for c in self.corrections],
            "questions": self.questions,
        }


@dataclass
class _Clause:
    first: int  # chunk indexes, inclusive
    last: int
    soft: bool = False  # started after "and"/"then" rather than punctuation
    strong: bool = False
    weak: bool = False  # a place and a number ("left calf 6/10"): a pain drawing
    change: bool = False  # only a pain change ("pain went from 6 to 3")
    pain_only: bool = False  # only "pain N" (the pain of the event before it)
    treatment: bool = False
    event: bool = False  # names a kind or a place
    number: bool = False
    kind: bool = False  # names a spasm or twitch
    region: bool = False


@dataclass
class _Reading:
    entries: list[LineEntry] = field(default_factory=list)
    not_saved: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    corrections: list[tuple[str, str]] = field(default_factory=list)
    checkin: dict[str, int] = field(default_factory=dict)
    checkin_said: list[str] = field(default_factory=list)
    checkin_day: date | None = None  # "pain 6 yesterday": yesterday's check-in
    day_start: time = MIDNIGHT  # the person's day start: 01:30 can be yesterday's (core.days)

    def day(self, at: datetime) -> date:
        """The diary day of an aware time in the person's zone."""
        assert at.tzinfo is not None
        return day_of(at, at.tzinfo, self.day_start)


def read_line(
    parser: QuickLogParser, text: str, *, now: datetime, day_start: time = MIDNIGHT
) -> LineReading:
    """Every entry `text` reports (see the module docstring). `now`: aware, person's zone;
    `day_start`: when the person's diary day starts (the days of check-ins and habits)."""
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be an aware datetime in the person's time zone")
    chunks, corrections = parser.read_chunks(text)
    out = _Reading(day_start=day_start)
    for clause in _clauses(text, chunks):
        span = text[chunks[clause.first].start : chunks[clause.last].end]
        part = chunks[clause.first : clause.last + 1]
        asked = clause.last + 1 < len(chunks) and chunks[clause.last + 1].norm == "?"
        why = "a question, so not saved." if asked and part[0].norm in _ASKING else _negated(part)
        if why:
            out.not_saved.append(f"“{span}”: {why}")
            continue
        ql = parser.parse_chunks(text, part, corrections, now=now)
        _read_clause(parser, ql, span, part, now, out)
    entries: list[LineEntry] = []
    habits: set[str] = set()
    for e in out.entries:  # "bad night, kept waking up": one poor-sleep entry
        if e.kind == "checkin" and e.question and e.data.get("item") in out.checkin:
            continue  # "so tired, fatigue 9": answered later in the line
        if e.kind == "habit":
            if e.data["habit"] in habits:
                continue
            habits.add(e.data["habit"])
        entries.append(e)
    if out.checkin:
        labels = parser.lex.checkin_labels
        label = "Check-in · " + ", ".join(f"{labels[k]} {v}" for k, v in out.checkin.items())
        day = out.checkin_day or out.day(now)
        entries.insert(
            0,
            LineEntry(
                "checkin",
                {"local_date": day, **out.checkin},
                label,
                " … ".join(out.checkin_said),
            ),
        )
    notes = " … ".join(n for n in out.notes if n)
    return LineReading(
        text=text,
        entries=tuple(entries),
        not_saved=tuple(out.not_saved),
        notes=notes,
        warnings=tuple(dict.fromkeys(out.warnings)),
        corrections=tuple(dict.fromkeys(out.corrections)),
    )


# ---------------------------------------------------------------- clauses


def _is_num(c: Chunk) -> bool:
    return c.has("num")


def _boundary(text: str, chunks: list[Chunk], i: int) -> str | None:
    """'hard' / 'soft' when chunk i separates two clauses."""
    c = chunks[i]
    if c.norm in ("then", "and then") and 0 < i < len(chunks) - 1:
        prev, nxt = chunks[i - 1], chunks[i + 1]
        if (_is_num(prev) or prev.norm == "10") and _is_num(nxt):
            return None  # "pain 7 then 4": a change, not two clauses
    if c.norm in _HARD or c.has("punct") and c.norm not in ("(", ")", ":", '"'):
        return "hard"
    if c.norm in _SOFT:
        if i + 1 < len(chunks) and _is_num(chunks[i + 1]):
            return None  # "8 before and 5 after", "calf and 7/10": the number goes with it
        return "soft"
    if i > 0 and "\n" in text[chunks[i - 1].end : c.start]:
        return "newline"
    return None


def _classify(chunks: list[Chunk], cl: _Clause) -> None:
    part = chunks[cl.first : cl.last + 1]
    region = any(c.has("region") for c in part)
    number = any(c.has("num") for c in part)
    cats = [k for c in part for k in _STRONG if k in c.cats]
    strong = set(cats)
    pain_word = [c for c in part if c.cats.get("checkin") == "overall_pain"]
    if region and pain_word and strong <= {"checkin"}:
        only_pain = all(c.cats.get("checkin") in (None, "overall_pain") for c in part)
        if only_pain:
            strong.discard("checkin")
    norms = [c.norm for c in part]
    change = any(c.has("arrow") for c in part) or ("before" in norms and "after" in norms)
    checkin_items = {c.cats.get("checkin") for c in part if c.has("checkin")}
    cl.number = number
    cl.kind = any(c.has("kind") for c in part)
    cl.region = region
    cl.treatment = any(c.has("treatment") for c in part)
    cl.event = any(c.has("kind") or c.has("region") for c in part)
    cl.change = change and number and strong <= {"checkin"} and checkin_items <= {"overall_pain"}
    cl.pain_only = (
        not region and number and strong == {"checkin"} and checkin_items == {"overall_pain"}
    )
    cl.strong = bool(strong) and not cl.change
    cl.weak = not cl.strong and region and number


def _clauses(text: str, chunks: list[Chunk]) -> list[_Clause]:
    raw: list[_Clause] = []
    contrast: set[int] = set()  # clauses after "but" start here
    start, soft = 0, False
    for i in range(len(chunks)):
        kind = _boundary(text, chunks, i)
        if kind is None:
            continue
        if kind == "newline":
            if i > start:
                raw.append(_Clause(start, i - 1, soft))
            start, soft = i, False
            continue
        if i > start:
            raw.append(_Clause(start, i - 1, soft))
        start, soft = i + 1, kind == "soft"
        but = chunks[i].norm == "but"
        if but:
            contrast.add(i + 1)
    if start < len(chunks):
        raw.append(_Clause(start, len(chunks) - 1, soft))
    raw = _join_before_after(chunks, raw)
    for cl in raw:
        _classify(chunks, cl)
    raw = [cl for cl in raw if any(not _filler(c) for c in chunks[cl.first : cl.last + 1])]
    # "… but right shoulder fine": a place without a number after "but" is not more of the same.
    raw = [
        cl
        for cl in raw
        if not (cl.first in contrast and not cl.strong and not cl.weak and not cl.change)
        or not any(c.has("region") for c in chunks[cl.first : cl.last + 1])
    ]
    # Join each clause that has nothing of its own to the one it belongs to.
    merged: list[_Clause] = []
    pending: _Clause | None = None  # leading clauses with nothing of their own
    for cl in raw:
        # "neck and shoulders 7/10" is one place; "shoulders 6/10 and neck 5/10" two.
        standalone = cl.strong or (cl.weak and not (cl.soft and merged and not merged[-1].number))
        if cl.pain_only and merged and merged[-1].event and not merged[-1].treatment:
            standalone = False
        if cl.weak and merged and merged[-1].kind and not merged[-1].region:
            standalone = False  # "back's locked up again, lower back 7/10": where and how much
            if merged[-1].number:
                standalone = True
        if cl.change:
            standalone = False
            if merged and not merged[-1].treatment and any(m.treatment for m in merged):
                target = max(i for i, m in enumerate(merged) if m.treatment)
                merged[target].last = max(merged[target].last, cl.last)
                # (the span now covers the clauses between: they were read with it before)
                del merged[target + 1 :]
                continue
        if standalone:
            if pending is not None:
                cl.first, cl.soft = pending.first, pending.soft
                pending = None
            merged.append(cl)
        elif merged:
            merged[-1].last = cl.last
            merged[-1].treatment |= cl.treatment
            merged[-1].event |= cl.event
            merged[-1].number |= cl.number
            merged[-1].region |= cl.region
        elif pending is not None:
            pending.last = cl.last
        else:
            pending = cl
    if pending is not None:
        merged.append(pending)
    return merged


def _join_before_after(chunks: list[Chunk], raw: list[_Clause]) -> list[_Clause]:
    """'pain 7 before, 5 after': one pain change, even across the comma."""
    out: list[_Clause] = []
    for cl in raw:
        prev = out[-1] if out else None
        if prev is not None:
            before = [c.norm for c in chunks[prev.first : prev.last + 1]]
            after = [c.norm for c in chunks[cl.first : cl.last + 1]]
            numbers = any(_is_num(c) for c in chunks[cl.first : cl.last + 1])
            if "before" in before and "after" in after and "after" not in before and numbers:
                prev.last = cl.last
                continue
        out.append(cl)
    return out


def _filler(c: Chunk) -> bool:
    return c.has("func") or c.has("punct") or c.has("conj")


# ---------------------------------------------------------------- negation


def _negated(part: list[Chunk]) -> str:
    """Why the clause saves nothing ('' when it reports something that happened)."""
    heads = [k for k, c in enumerate(part) if any(c.has(x) for x in _STRONG) or c.has("region")]
    for k, c in enumerate(part):
        if c.has("positive"):
            continue
        if c.has("neg_others") and not _about_me(part, k):
            return "about someone else, so not saved."
        if c.has("neg_clause"):
            nxt = part[k + 1 : k + 3]
            if nxt and (
                _is_num(nxt[0]) or (nxt[0].norm in ("a", "an") and nxt[1:] and _is_num(nxt[1]))
            ):
                continue  # "maybe a 5": an approximate number, not a maybe
            return "not something that happened, so not saved."
        if c.has("neg_before") and not (c.has("out_of") and k > 0 and _is_num(part[k - 1])):
            reach = part[k + 1 : k + 1 + _NEG_SCOPE]
            stop = next((j for j, d in enumerate(reach) if d.has("punct")), len(reach))
            if any(k + 1 + j in heads for j in range(stop)):
                return "says it did not happen, so not saved."
            back = [d.norm for d in reach[: min(stop, 3)]]
            if any(w in ("it", "them", "that", "any") for w in back) and any(h < k for h in heads):
                return "says it did not happen, so not saved."  # "ice pack …, didn't use it"
        if c.has("neg_after") and any(h < k for h in heads):
            return "says it did not happen, so not saved."
    return ""


def _about_me(part: list[Chunk], other: int) -> bool:
    """'my husband massaged my neck': the person's own body is named too."""
    for j, d in enumerate(part):
        if j == other:
            continue
        if d.norm in ("i", "me", "i'm", "im", "myself", "i've", "ive"):
            return True
        if d.norm == "my" and j + 1 < len(part) and part[j + 1].has("region"):
            return True
        if d.has("region") and "my" in d.norm.split():
            return True
    return False


# ---------------------------------------------------------------- check-in


def _score_after(part: list[Chunk], j: int) -> tuple[float | None, int, str]:
    """(value, last index, problem) for a rating starting at j: '7', '7/10', 'seven out of ten'."""
    if j >= len(part) or not _is_num(part[j]):
        return None, j, ""
    value = float(part[j].cats["num"])
    last = j
    if j + 2 < len(part) and (part[j + 1].norm == "/" or part[j + 1].has("out_of")):
        if _is_num(part[j + 2]) and part[j + 2].cats["num"] != 10:
            return None, j + 2, "only the 0–10 scale is understood"
        last = j + 2
    if last + 1 < len(part) and part[last + 1].has("unit"):
        return None, last, "unit"
    if not 0 <= value <= 10:
        return None, last, "not a number from 0 to 10"
    return value, last, ""


def _read_checkin(
    parser: QuickLogParser, part: list[Chunk], span: str, out: _Reading, changed: bool
) -> list[LineEntry]:
    """Check-in items named in the clause; returns question entries for unrated ones."""
    lex = parser.lex
    asks: list[LineEntry] = []
    used_region = any(c.has("region") for c in part)
    broad = next((c for c in part if c.has("broad") and not c.has("region")), None)
    for i, c in enumerate(part):
        item = c.cats.get("checkin")
        anchor = c.cats.get("checkin_anchor")
        if item is None and anchor is None:
            continue
        if item == "overall_pain" and (used_region or changed):
            continue
        if item == "overall_pain" and broad is not None:
            asks.append(
                LineEntry(
                    "pain_drawing",
                    {},
                    f"Pain · {broad.norm} ?",
                    span,
                    f"Where exactly? “{broad.norm}” covers many places; name the spot, "
                    "e.g. “lower back”.",
                )
            )
            continue
        if anchor is not None and item is None:
            out.checkin.setdefault(anchor[0], anchor[1])
            out.checkin_said.append(span)
            continue
        j = i + 1
        while j < len(part) and j - i <= 3 and part[j].norm in lex.checkin_links:
            j += 1
        value, _last, problem = _score_after(part, j)
        if value is None and not problem:
            # "mood in the bin 2": the next number before any other item or punctuation
            k = j
            while k < len(part) and k - i <= 5 and not _is_num(part[k]):
                if part[k].has("punct") or part[k].has("checkin") or part[k].has("kind"):
                    break
                k += 1
            if k < len(part) and k - i <= 5 and _is_num(part[k]):
                value, _last, problem = _score_after(part, k)
        if value is None and not problem and i >= 2 and part[i - 1].norm in ("10",):
            value, _last, problem = _score_after(part, i - 3)
        if problem == "unit":
            continue  # "sleep 6 hours": hours slept, read as a habit
        if value is not None:
            if not float(value).is_integer():
                out.warnings.append(f"Read {value:g} as {round_score(value)} (whole numbers 0–10).")
            out.checkin.setdefault(str(item), round_score(value))
            out.checkin_said.append(span)
        elif anchor is not None:
            out.checkin.setdefault(anchor[0], anchor[1])
            out.checkin_said.append(span)
        elif str(item) not in out.checkin:
            label = lex.checkin_labels[str(item)]
            asks.append(
                LineEntry(
                    "checkin",
                    {"item": str(item)},
                    f"Check-in · {label} ?",
                    span,
                    f"How much {label} today, from 0 to 10? Add a number, e.g. “{label} 6”.",
                )
            )
    return asks


# ---------------------------------------------------------------- one clause


def _read_clause(
    parser: QuickLogParser,
    ql: QuickLog,
    span: str,
    part: list[Chunk],
    now: datetime,
    out: _Reading,
) -> None:
    out.corrections.extend(ql.corrections)
    out.warnings.extend(w for w in ql.warnings if "needs a number" not in w or not ql.habits)
    has_checkin = any(c.has("checkin") or c.has("checkin_anchor") for c in part)
    entries: list[LineEntry] = []
    at = ql.when
    other = next((c for c in part if c.has("uncatalogued")), None)
    if other is not None and not ql.kind and not ql.treatments:
        # "ibuprofen gel on my knee": a treatment we have no item for; kept as a note.
        out.warnings.append(
            f"“{span_of(ql, other)}” is not in your treatment list yet; add it as one of your "
            "own treatments to log it. Kept as a note."
        )
        out.notes.append(ql.text)
        return
    if ql.kind or (ql.regions and not ql.treatments and not ql.habits):
        entries.extend(_event(ql, span, at))
    elif has_checkin:
        changed = any(t.pain_before is not None for t in ql.treatments)
        if at is not None and out.checkin_day is None:
            out.checkin_day = out.day(at)
        entries.extend(_read_checkin(parser, part, span, out, changed))
        _sleep_hours(parser, part, span, entries, out.day(at or now))
    place = ", ".join(ql.region_phrases) if not ql.kind else ""
    duration = ql.duration_s if not ql.kind else None
    for n, t in enumerate(_one_per_item(ql.treatments)):
        if n == 0 and t.pain_before is None and (after := _down_to(part)) is not None:
            # "cramp 7/10, stretched it out, down to 3": from the event's intensity before it.
            before = next(
                (
                    e.data["intensity"]
                    for e in reversed(out.entries)
                    if e.kind == "muscle_event" and e.data.get("intensity") is not None
                ),
                None,
            )
            if before is not None:
                t = replace(t, pain_before=before, pain_after=after)
        if n == 0 and t.amount is None and duration:
            # "ice pack on left ankle 10 minutes": the time is the treatment's.
            unit = parser.lex.unit(parser.unit_of(t.id))
            if unit is not None and unit.dimension == "time":
                t = replace(t, amount=duration / unit.factor, unit=parser.unit_of(t.id))
            elif unit is None:
                t = replace(t, amount=duration / 60, unit="min")
        data: dict[str, Any] = {
            "treatment": t.id,
            "at": at,
            "amount": t.amount,
            "unit": t.unit or "",
            "pain_before": t.pain_before,
            "pain_after": t.pain_after,
            "notes": _said_note(t.said, t.name, place),
        }
        label = f"Treatment · {t.name}"
        if t.said and t.said.lower() not in t.name.lower():
            label += f" (“{t.said}”)"
        if t.amount is not None:
            label += f" · {_num(t.amount)} {t.unit or ''}".rstrip()
        if place:
            label += f" · on {place}"
        if t.pain_before is not None:
            label += f" · pain {t.pain_before} → {t.pain_after}"
        regions = tuple(ql.regions) if place else ()
        entries.append(LineEntry("treatment", data, label, span, regions=regions))
    if ql.treatments and ql.regions and not ql.kind and ql.intensity is not None:
        entries.extend(_event(ql, span, at))
    for h in ql.habits:
        value = float(h.value) if not isinstance(h.value, bool) else 1.0
        shown = h.name if isinstance(h.value, bool) else f"{h.name} {_num(value)} {h.unit or ''}"
        entries.append(
            LineEntry(
                "habit",
                {
                    "habit": h.id,
                    "local_date": out.day(at or now),
                    "value": value,
                    "notes": _said_note(h.said, h.name, ""),
                },
                f"Habit · {shown.rstrip()}",
                span,
            )
        )
    if not entries and not ql.kind and not ql.regions and not ql.treatments:
        for hid, said in ql.habits_without_number:
            unit_name = parser.unit_of(hid) or ""
            entries.append(
                LineEntry(
                    "habit",
                    {"habit": hid},
                    f"Habit · “{said}” ?",
                    span,
                    f"How much for “{said}”? Add a number, e.g. “{said} 3 {unit_name}”.".replace(
                        " ”", "”"
                    ),
                )
            )
            break
    if ql.notes:
        if has_checkin and not ql.kind and not ql.regions:
            leftovers = [n for n in ql.notes.split(" … ") if not _checkin_words(parser, n)]
            if leftovers:
                out.notes.append(" … ".join(leftovers))
        else:
            out.notes.append(ql.notes)
    if not entries and not has_checkin:
        if ql.understood_anything and not ql.kind:
            out.warnings.append(f"Nothing to save in “{span}”.")
    out.entries.extend(entries)


def _one_per_item(treatments: tuple[TreatmentMention, ...]) -> list[TreatmentMention]:
    """'voltarol gel': two words for one treatment are one entry (both words kept)."""
    out: dict[str, TreatmentMention] = {}
    for t in treatments:
        first = out.get(t.id)
        if first is None:
            out[t.id] = t
            continue
        out[t.id] = replace(
            first,
            said=f"{first.said} {t.said}".strip(),
            amount=first.amount if first.amount is not None else t.amount,
            unit=first.unit if first.amount is not None else t.unit,
            pain_before=first.pain_before if first.pain_before is not None else t.pain_before,
            pain_after=first.pain_after if first.pain_before is not None else t.pain_after,
        )
    return list(out.values())


def span_of(ql: QuickLog, c: Chunk) -> str:
    """The typed words of chunk `c` (ql.text starts at the clause's first chunk)."""
    return c.norm


def _down_to(part: list[Chunk]) -> int | None:
    """The N of a lone 'down to N' / '-> N' (no number before the arrow)."""
    for k, c in enumerate(part):
        if c.has("arrow") and k + 1 < len(part) and _is_num(part[k + 1]):
            if k > 0 and (_is_num(part[k - 1]) or part[k - 1].norm in ("10", "/")):
                return None
            value = float(part[k + 1].cats["num"])
            return round_score(value) if 0 <= value <= 10 else None
    return None


def _checkin_words(parser: QuickLogParser, text: str) -> bool:
    """True when a leftover note is only check-in words and numbers."""
    chunks = parser.chunks(text)
    return all(
        c.has("checkin")
        or c.has("checkin_anchor")
        or c.has("num")
        or c.has("slash")
        or c.has("out_of")
        or c.has("func")
        or c.has("punct")
        or c.norm in parser.lex.checkin_links
        for c in chunks
    )


def _sleep_hours(
    parser: QuickLogParser, part: list[Chunk], span: str, entries: list[LineEntry], day: date
) -> None:
    """'sleep 6 hours' (a check-in word before hours): hours slept, when the person has it."""
    if not parser.knows("hours_slept"):
        return
    for i, c in enumerate(part):
        if c.cats.get("checkin") != "sleep_quality":
            continue
        j = i + 1
        while j < len(part) and part[j].norm in ("was", "about", "around", "~", "only", "like"):
            j += 1
        if j + 1 < len(part) and _is_num(part[j]) and part[j + 1].cats.get("unit") == "h":
            value = float(part[j].cats["num"])
            entries.append(
                LineEntry(
                    "habit",
                    {"habit": "hours_slept", "local_date": day, "value": value, "notes": ""},
                    f"Habit · hours slept {_num(value)} h",
                    span,
                )
            )
            return


def _event(ql: QuickLog, span: str, at: datetime | None) -> list[LineEntry]:
    where = ", ".join(ql.region_phrases)
    if ql.kind:
        word = ql.kind
        data: dict[str, Any] = {
            "kind": ql.kind,
            "regions": list(ql.regions),
            "intensity": ql.intensity,
            "started_at": at,
            "duration_s": ql.duration_s,
            "suspected_trigger": ", ".join(ql.triggers)[:200],
            "notes": ql.notes,
        }
        parts = [ql.kind.capitalize(), where or "?"]
        parts.append(f"{ql.intensity}/10" if ql.intensity is not None else "?/10")
        if ql.duration_s:
            parts.append(describe_duration(ql.duration_s))
        if ql.when_text:
            parts.append(ql.when_text)
        parts.extend(f"after {t}" for t in ql.triggers)
        question = ""
        if not ql.regions:
            question = f"Where was the {word}? Name the spot, e.g. “left calf”."
        elif ql.intensity is None and ql.intensity_ranges:
            question = f"“{ql.intensity_ranges[0]}”: which one? Give one number for the {word}."
        elif ql.intensity is None:
            question = f"How strong was the {word} ({where})? Add a number, e.g. 6/10."
        return [LineEntry("muscle_event", data, " · ".join(parts), span, question)]
    if ql.intensity is None:
        ask = f"Was it a spasm, a twitch or pain ({where})? Add a word and a number."
        if ql.trigger_point:
            ask = f"How tender is the knot ({where}), from 0 to 10? Add a number."
        return [LineEntry("pain_drawing", {}, f"Pain · {where} · ?/10", span, ask)]
    data = {"regions": {r: ql.intensity for r in ql.regions}, "at": at, "notes": ql.notes}
    label = f"Pain · {where} · {ql.intensity}/10"
    return [LineEntry("pain_drawing", data, label, span)]


def _said_note(said: str, name: str, place: str) -> str:
    """Keep the person's word and the place on the entry: '“Biofreeze” · on right shoulder'."""
    bits = []
    if said and said.lower() not in name.lower():
        bits.append(f"“{said}”")
    if place:
        bits.append(f"on {place}")
    return " · ".join(bits)


def _jsonable(v: Any) -> Any:
    return v.isoformat() if hasattr(v, "isoformat") else v


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{round(x, 2):g}"

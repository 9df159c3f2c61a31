"""Score the quick log against `quicklog_cases.json`: lines written the way patients type, each
with the entries it should save (or the question it should ask, or nothing at all).

Per line: "correct" = exactly the expected entries; "wrong" = it would save an entry that was not
expected, or none of the expected ones; otherwise "partial".

Run: PYTHONPATH=src .venv/bin/python -m tests.core.quicklog_scoring [-v]
"""

from __future__ import annotations

import json
import sys
from collections import Counter, defaultdict
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from spasmtrack.core import catalogue
from spasmtrack.core.quicklog.lexicon import lexicon
from spasmtrack.core.quicklog.line import LineEntry, LineReading, read_line
from spasmtrack.core.quicklog.parser import QuickLogParser

CASES = Path(__file__).with_name("quicklog_cases.json")
NOW = datetime(2026, 5, 1, 18, 0, tzinfo=ZoneInfo("Europe/Berlin"))
_ASK = {"muscle_event": "event", "pain_drawing": "pain", "checkin": "checkin", "habit": "habit"}


def load_cases() -> list[dict[str, Any]]:
    cases: list[dict[str, Any]] = json.loads(CASES.read_text(encoding="utf-8"))
    return cases


@cache
def shared_parser() -> QuickLogParser:
    """A parser over the shared catalogue, as a new person has it."""
    treatments = [
        {"id": t.id, "name": t.name, "unit": t.unit, "synonyms": list(t.synonyms)}
        for t in catalogue.treatments().values()
    ]
    habits = [
        {"id": h.id, "name": h.name, "unit": h.unit, "kind": h.kind, "synonyms": list(h.synonyms)}
        for h in catalogue.habits().values()
    ]
    return QuickLogParser(treatments, habits)


def where(phrase: str) -> set[str]:
    """Region ids of 'left calf', 'neck+shoulders': the canonical phrase table, by hand."""
    ids: set[str] = set()
    for bit in phrase.split("+"):
        words = bit.strip().split()
        side = None
        if words[0] in ("left", "right"):
            side, words = words[0], words[1:]
        if words[:2] == ["side", "of"] or words[:2] == ["back", "of"]:
            pass
        name = " ".join(words)
        entry = next(e for e in lexicon().regions if name in _phrases(e.name))
        ids |= set(entry.expand(side))
    return ids


@cache
def _phrase_table() -> dict[str, tuple[str, ...]]:
    data = json.loads(
        (Path(catalogue.__file__).parent.parent / "knowledge/quicklog_synonyms.json").read_text()
    )
    return {g["phrases"][0]: tuple(g["phrases"]) for g in data["regions"]}


def _phrases(name: str) -> tuple[str, ...]:
    return _phrase_table()[name]


def _matches(exp: dict[str, Any], e: LineEntry) -> bool:
    if "ask" in exp:
        return bool(e.question) and _ASK.get(e.kind) == exp["ask"]
    if e.question:
        return False
    d = e.data
    for kind in ("spasm", "twitch"):
        if kind in exp:
            return (
                e.kind == "muscle_event"
                and d["kind"] == kind
                and set(d["regions"]) == where(exp[kind])
                and d["intensity"] == exp["i"]
                and ("d" not in exp or d["duration_s"] == exp["d"])
            )
    if "pain" in exp:
        return (
            e.kind == "pain_drawing"
            and set(d["regions"]) == where(exp["pain"])
            and set(d["regions"].values()) == {exp["i"]}
        )
    if "checkin" in exp:
        items = {k: v for k, v in d.items() if k != "local_date"}
        return e.kind == "checkin" and items == exp["checkin"]
    if "treatment" in exp:
        said = (e.data.get("notes", "") + " " + e.label).lower()
        return (
            e.kind == "treatment"
            and d["treatment"] == exp["treatment"]
            and ("amount" not in exp or d["amount"] == exp["amount"])
            and ("unit" not in exp or d["unit"] == exp["unit"])
            and ("before" not in exp or d["pain_before"] == exp["before"])
            and ("after" not in exp or d["pain_after"] == exp["after"])
            and ("said" not in exp or exp["said"].lower() in said)
            and ("on" not in exp or set(e.regions) == where(exp["on"]))
        )
    if "habit" in exp:
        return (
            e.kind == "habit"
            and d["habit"] == exp["habit"]
            and ("value" not in exp or d["value"] == exp["value"])
        )
    raise ValueError(f"unknown expected entry {exp!r}")


def grade(case: dict[str, Any], reading: LineReading) -> tuple[str, int]:
    """('correct' | 'partial' | 'wrong', number of wrong saves) for one line."""
    left = list(reading.entries)
    missed = 0
    for exp in case["expect"]:
        hit = next((e for e in left if _matches(exp, e)), None)
        if hit is None:
            missed += 1
        else:
            left.remove(hit)
    wrong_saves = sum(1 for e in left if not e.question)
    if not missed and not left:
        return "correct", 0
    if wrong_saves or (case["expect"] and missed == len(case["expect"])):
        return "wrong", wrong_saves
    return "partial", 0


def score(verbose: bool = False) -> dict[str, Counter[str]]:
    parser = shared_parser()
    table: dict[str, Counter[str]] = defaultdict(Counter)
    for case in load_cases():
        reading = read_line(parser, case["text"], now=NOW)
        result, wrong_saves = grade(case, reading)
        table[case["kind"]][result] += 1
        table["ALL"][result] += 1
        table["ALL"]["wrong saves"] += wrong_saves
        if verbose and result != "correct":
            print(f"{result:8} {case['text']}")
            for e in reading.entries:
                print(f"           -> {e.label}{'  ?? ' + e.question if e.question else ''}")
            for n in reading.not_saved:
                print(f"           -> not saved {n}")
    return table


def main() -> None:
    table = score(verbose="-v" in sys.argv)
    print(f"{'kind':14} {'lines':>5} {'correct':>8} {'partial':>8} {'wrong':>6}")
    for kind, c in sorted(table.items(), key=lambda kv: (kv[0] == "ALL", kv[0])):
        n = c["correct"] + c["partial"] + c["wrong"]
        print(f"{kind:14} {n:5} {c['correct']:8} {c['partial']:8} {c['wrong']:6}")
    all_ = table["ALL"]
    n = all_["correct"] + all_["partial"] + all_["wrong"]
    print(f"\n{all_['correct'] / n:.1%} correct; {all_['wrong saves']} wrong saves")


if __name__ == "__main__":
    main()

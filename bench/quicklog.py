"""Quick-log parser throughput against trivial baselines measured in the same run.

Run: .venv/bin/python bench/quicklog.py [--repeat N]
"""

from __future__ import annotations

import argparse
import re
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from spasmtrack.core.quicklog.line import read_line
from spasmtrack.core.quicklog.parser import QuickLogParser, parse

LINES = [
    "left calf cramp 7/10 for 20 min after yoga",
    "twitch right eyelid",
    "neck and shoulders spasm 6 since 3pm",
    "heat pad 20 min, pain 6 -> 3",
    "magnesium malate 300 mg",
    "slept badly, sat 5h at desk",
    "spazm in my left calff",
    "seven out of ten cramp in both calves this morning",
    "back of my left knee cramp an hour ago",
    "jaw spasm left, pain is a 5, because of stress",
    "it hurts",
    "bad day, lower back spasm 8 since yesterday at 10pm",
    "hot water bottle 30 mins pain 7 to 4",
    "cramp 11/10 in my right foot",
    "between the shoulder blades knot, massage helped 6 -> 3",
    "twitching left eye for 2 days, 2 coffees",
    "pain 6, fatigue 7, mood 4, stress 5",
    "slept terribly, exhausted, fog 8",
    "left hip spasm 6/10 after a 30 min walk, iced it 15 min",
    "didn't take my magnesium today",
    "lower back spasm 8/10. took 300mg magnesium. heat pad 30 min, pain 7 then 4",
]
TREATMENTS: list[dict[str, Any]] = [
    {
        "id": "heat",
        "name": "heat pad",
        "synonyms": ["heating pad", "hot water bottle"],
        "unit": "min",
    },
    {"id": "ice", "name": "ice", "synonyms": ["ice pack"], "unit": "min"},
    {"id": "mg_malate", "name": "magnesium malate", "synonyms": [], "unit": "mg"},
    {"id": "mg", "name": "magnesium", "synonyms": ["mag"], "unit": "mg"},
    {"id": "epsom", "name": "epsom salt bath", "synonyms": ["epsom bath"], "unit": "min"},
    {"id": "stretch", "name": "stretching", "synonyms": ["stretch"], "unit": "min"},
    {"id": "massage", "name": "massage", "synonyms": ["foam roller"], "unit": None},
]
HABITS: list[dict[str, Any]] = [
    {
        "id": "sitting",
        "name": "sitting",
        "kind": "number",
        "unit": "h",
        "synonyms": ["sat", "at desk"],
    },
    {"id": "poor_sleep", "name": "poor sleep", "kind": "yes_no", "synonyms": ["slept badly"]},
    {"id": "coffee", "name": "coffee", "kind": "number", "unit": "cups", "synonyms": ["coffees"]},
]
NOW = datetime(2024, 3, 12, 17, 45, tzinfo=ZoneInfo("Europe/Berlin"))
_WORDS = re.compile(r"\d+(?:\.\d+)?|[^\W\d_]+|\S")


def _time(fn: Callable[[str], object], lines: list[str]) -> float:
    """Best of three passes, in seconds per line."""
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        for line in lines:
            fn(line)
        best = min(best, time.perf_counter() - start)
    return best / len(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--repeat", type=int, default=200, help="copies of the sample lines")
    args = ap.parse_args()
    lines = LINES * args.repeat
    parser = QuickLogParser(TREATMENTS, HABITS)
    parser.parse(LINES[0], now=NOW)  # warm the lexicon cache outside the timing

    results = {
        "baseline str.split": _time(str.split, lines),
        "baseline regex tokenize": _time(_WORDS.findall, lines),
        "QuickLogParser.parse (reused)": _time(lambda s: parser.parse(s, now=NOW), lines),
        "read_line (whole line -> entries)": _time(lambda s: read_line(parser, s, now=NOW), lines),
        "parse() (catalogues rebuilt each call)": _time(
            lambda s: parse(s, now=NOW, treatments=TREATMENTS, habits=HABITS),
            lines[: len(LINES) * 20],
        ),
    }
    split = results["baseline str.split"]
    regex = results["baseline regex tokenize"]
    print(f"{len(lines)} lines ({len(LINES)} distinct), best of 3 passes\n")
    print(f"{'':40} {'lines/s':>12} {'µs/line':>10} {'x split':>10} {'x regex':>10}")
    ceiling = 1e-3  # the budget: well under a millisecond per line
    for name, per_line in results.items():
        print(
            f"{name:40} {1 / per_line:12,.0f} {per_line * 1e6:10.2f} "
            f"{per_line / split:10.1f} {per_line / regex:10.1f}"
        )
    worst = max(
        results["read_line (whole line -> entries)"], results["QuickLogParser.parse (reused)"]
    )
    print(f"\nslowest reused reader: {worst / ceiling:.2f} x the 1 ms-per-line budget")


if __name__ == "__main__":
    main()

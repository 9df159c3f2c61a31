"""Referred-pain finder: hit rates on the textbook cases and query latency.

Run: .venv/bin/python bench/trp_finder.py

Prints top-1/top-3 hit rates on tests/core/trp_cases.json, then the median and p99 latency of
`find()` over many random 10-region drawings, against a naive baseline measured in the same run:
a per-muscle-side Python loop scoring set overlap (essential 2 points, spillover 1) and
formatting the same top-5 fields.
"""

from __future__ import annotations

import json
import random
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from spasmtrack.core.body.muscles import SIDES, all_muscles, for_side
from spasmtrack.core.body.referral import find
from spasmtrack.core.body.regions import all_regions

CASES = Path(__file__).resolve().parent.parent / "tests" / "core" / "trp_cases.json"
QUERIES = 3000
SEED = 20240601


def hit_rates() -> tuple[float, float, int]:
    cases = json.loads(CASES.read_text(encoding="utf-8"))["cases"]
    top1 = top3 = 0
    for case in cases:
        got = [c.muscle for c in find(case["drawing"], limit=3)]
        top1 += got[:1] == [case["expected"]]
        top3 += case["expected"] in got
    return top1 / len(cases), top3 / len(cases), len(cases)


def naive(drawing: dict[str, float]) -> list[tuple[str, str, float, list[str]]]:
    """Set-overlap baseline: no likelihood, no priors, recomputes sided zones every query."""
    painful = set(drawing)
    scored = []
    for m in all_muscles().values():
        for side in SIDES:
            s = for_side(m, side)
            ess, spill = painful & set(s.essential), painful & set(s.spillover)
            score = 2 * len(ess) + len(spill)
            if score:
                scored.append((m.id, side, score / (2 * len(painful)), sorted(ess | spill)))
    scored.sort(key=lambda t: -t[2])
    return scored[:5]


def timings(
    fn: Callable[[dict[str, float]], object], drawings: list[dict[str, float]]
) -> list[float]:
    out = []
    for d in drawings:
        t0 = time.perf_counter()
        fn(d)
        out.append((time.perf_counter() - t0) * 1000)
    return out


def p99(xs: list[float]) -> float:
    return statistics.quantiles(xs, n=100)[98]


def main() -> None:
    top1, top3, n = hit_rates()
    print(f"textbook cases: n={n}  top-1 hit rate {top1:.3f}  top-3 hit rate {top3:.3f}")

    rng = random.Random(SEED)
    regions = list(all_regions())
    drawings = [
        {r: float(rng.randint(1, 10)) for r in rng.sample(regions, 10)} for _ in range(QUERIES)
    ]
    find(drawings[0])  # build the matrices outside the timed loop
    fast = timings(lambda d: [c.to_dict() for c in find(d)], drawings)
    slow = timings(naive, drawings)
    print(
        f"find() per 10-region query over {QUERIES}: median {statistics.median(fast):.3f} ms, "
        f"p99 {p99(fast):.3f} ms"
    )
    print(
        f"naive set-overlap loop: median {statistics.median(slow):.3f} ms, p99 {p99(slow):.3f} ms"
    )
    print(f"ratio naive/find (median): {statistics.median(slow) / statistics.median(fast):.2f}x")


if __name__ == "__main__":
    main()

"""Benchmark: rendering the body map SVG vs a plain string join of as many elements.

Ours: render_bodymap() for the front and back views, in three modes (interactive with a
few regions selected, interactive with nothing selected, heatmap with every region). The
baseline builds one `<g><path/></g>` f-string per region around path data computed outside
its timer and joins them: the floor cost of emitting that many elements in Python.

Run: .venv/bin/python bench/bodymap.py
"""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Callable

from spasmtrack.core.body.bodymap import render_bodymap, shapes
from spasmtrack.core.body.regions import all_regions

RUNS = 7
LOOPS = 200


def per_call_us(fn: Callable[[], object]) -> float:
    """Median over RUNS of the mean time per call in microseconds."""
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        for _ in range(LOOPS):
            fn()
        times.append((time.perf_counter() - start) / LOOPS * 1e6)
    return statistics.median(times)


def join_elements(pairs: list[tuple[str, str]]) -> str:
    """The baseline: one f-string per region around precomputed path data, joined."""
    return "".join(f'<g class="bm-r" data-region="{r}"><path d="{d}"/></g>' for r, d in pairs)


def main() -> None:
    rng = random.Random(7)
    ids = list(all_regions())
    selected = {rid: rng.randint(0, 10) for rid in rng.sample(ids, 8)}
    heat = {rid: rng.uniform(0, 10) for rid in ids}
    render_bodymap("front")  # load and cache the geometry outside the timers

    print(f"{'case':<46}{'ours µs':>10}{'join µs':>10}{'ratio':>8}{'bytes':>9}")
    for view in ("front", "back"):
        pairs = [(s.region, s.d) for s in shapes(view)]
        baseline = per_call_us(lambda p=pairs: join_elements(p))
        for mode, kwargs in (
            ("interactive, 8 selected", {"selected": selected}),
            ("interactive, none", {}),
            ("heatmap, all regions", {"heat": heat}),
        ):
            ours = per_call_us(lambda v=view, k=kwargs: render_bodymap(v, **k))
            size = len(render_bodymap(view, **kwargs).encode())
            name = f"{view} ({len(pairs)} regions) {mode}"
            print(f"{name:<46}{ours:>10.0f}{baseline:>10.1f}{ours / baseline:>8.0f}x{size:>9}")


if __name__ == "__main__":
    main()

"""Insights on diaries with no true effect, end to end through the CLI, as a person would run it.

Each synthetic 180-day diary (a made-up person) has AR(1) day-to-day noise (phi drawn from
0.3 to 0.8), a weekly pattern, 8 % missed days, and factors of the shapes people log: heat on
independent days, magnesium taken in multi-week runs, hours sitting slowly varying (AR 0.8),
a muscle relaxant as one 12-day course, and ice on rare days (8 %). None of them changes
anything. Each diary is written as a native JSON export, imported with
`spasmtrack import --format json`, and read back with `spasmtrack insights --json`.

Prints the share of diaries with at least one "helps" or "aggravates" finding, with a 95 %
Clopper-Pearson interval, against Insights' promise (at most 10 % of people with no real
effect see any finding; findings need q <= 0.05, core.insights.FDR_LEVEL), and the findings.

    .venv/bin/python bench/insights_null_cli.py [N_DIARIES] [FIRST_SEED]
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np
from scipy.stats import beta

BIN = Path(sys.executable).parent / "spasmtrack"
DAYS = 180


def diary(seed: int, today: date) -> dict[str, object]:
    rng = np.random.default_rng(seed)
    phi = rng.uniform(0.3, 0.8)
    first = today - timedelta(days=DAYS)
    course_start = int(rng.integers(20, DAYS - 32))
    magnesium = bool(rng.random() < 0.5)
    sitting = 4.0
    noise = 0.0
    doc: dict[str, list[dict[str, object]]] = {
        k: [] for k in ("muscle-events", "checkins", "treatment-logs", "habit-logs")
    }
    for i in range(DAYS):
        d = first + timedelta(days=i)
        noise = phi * noise + rng.normal(0, 1.0)
        sitting = 4 + 0.8 * (sitting - 4) + rng.normal(0, 0.8)
        if rng.random() < 0.1:  # runs: persistence 0.9
            magnesium = not magnesium
        if rng.random() < 0.08:  # a missed day: nothing logged at all
            continue
        base = 5 + noise + (0.7 if d.weekday() == 0 else 0.0)
        noon = datetime(d.year, d.month, d.day, 11, 0, tzinfo=UTC)
        for k in range(int(rng.poisson(max(0.2, 1.5 + 0.5 * noise)))):
            doc["muscle-events"].append(
                {
                    "kind": "spasm",
                    "started_at": (noon + timedelta(hours=k)).isoformat(),
                    "intensity": int(np.clip(round(base + rng.normal(0, 0.8)), 0, 10)),
                    "regions": ["calf_left"],
                }
            )
        clip = lambda x: int(np.clip(round(x), 0, 10))  # noqa: E731
        doc["checkins"].append(
            {
                "local_date": d.isoformat(),
                "overall_pain": clip(base + rng.normal(0, 0.7)),
                "spasm_burden": clip(base - 1 + rng.normal(0, 0.7)),
                "sleep_quality": clip(6 + rng.normal(0, 1.2)),
                "fatigue": clip(base + rng.normal(0, 1)),
                "brain_fog": clip(base - 1 + rng.normal(0, 1)),
                "stress": clip(4 + rng.normal(0, 1.5)),
                "mood": clip(6 + rng.normal(0, 1.2)),
            }
        )
        evening = (noon + timedelta(hours=8)).isoformat()
        taken = {
            "heat": rng.random() < 0.4,
            "magnesium": magnesium,
            "muscle_relaxant": course_start <= i < course_start + 12,
            "ice": rng.random() < 0.08,
        }
        for key, yes in taken.items():
            if yes:
                doc["treatment-logs"].append({"treatment": key, "at": evening})
        value = float(np.clip(round(sitting * 2) / 2, 0, 16))
        doc["habit-logs"].append(
            {"habit": "hours_sitting", "local_date": d.isoformat(), "value": value}
        )
    return {"format": "spasmtrack-export", "version": 1, "tz": "UTC", **doc}


def run(*args: str, env: dict[str, str], stdin: str = "") -> str:
    out = subprocess.run(
        [str(BIN), *args], env=env, input=stdin, capture_output=True, text=True, check=False
    )
    if out.returncode != 0:
        raise SystemExit(
            f"spasmtrack {' '.join(args)} failed (exit {out.returncode}): {out.stderr.strip()}"
        )
    return out.stdout


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 40
    first_seed = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    today = date.today()
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "SPASMTRACK_DATA_DIR": tmp}
        env.pop("DATABASE_URL", None)
        run("migrate", env=env)
        flagged = []
        t0 = time.perf_counter()
        for k in range(n):
            seed = first_seed + k
            user = f"null{seed}"
            run("user", "add", user, "--password-stdin", env=env, stdin="not-a-real-pw-123\n")
            path = Path(tmp) / f"{user}.json"
            path.write_text(json.dumps(diary(seed, today)))
            run("import", str(path), "--format", "json", "--user", user, env=env)
            report = json.loads(run("insights", "--json", "--user", user, env=env))
            found = [
                f"{g}: {i['factor']} -> {i['outcome']} (lag {i['lag_days']}, q {i['q_value']:.3f})"
                for g in ("helps", "aggravates")
                for i in report[g]
            ]
            if found:
                flagged.append((seed, found))
        wall = time.perf_counter() - t0
    x = len(flagged)
    lo = beta.ppf(0.025, x, n - x + 1) if x else 0.0
    hi = beta.ppf(0.975, x + 1, n - x) if x < n else 1.0
    print(f"{n} null diaries through import + insights --json ({wall:.0f} s)")
    print(
        f"with any helps/aggravates finding: {x} ({100 * x / n:.1f} %, 95 % CI "
        f"{100 * lo:.1f}-{100 * hi:.1f} %); promise: at most 10 %"
    )
    for seed, found in flagged:
        print(f"  seed {seed}: " + "; ".join(found))


if __name__ == "__main__":
    main()

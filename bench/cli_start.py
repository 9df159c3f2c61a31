"""Whole-process start-up of the `spasmtrack` command, against the interpreter and Django alone.

Usage: .venv/bin/python bench/cli_start.py [--runs N] (default 5) [--baseline SRC]
(with --baseline, e.g. `git archive main src | tar -x -C /tmp/main`, then --baseline
/tmp/main/src, each command also runs from that tree, in turn with this one, so that a
before/after comparison shares the machine's load)

In a temporary data directory (SQLite) it creates the demo account with a 180-day diary, then
runs each command N times as a fresh process and prints the median wall time and peak RSS,
with the ratios to two ceilings measured in the same run: `python -c pass` (the interpreter)
and `django.setup()` alone (every command that reads the diary pays it), and the issue's
target. Beside them, Django's own floor: `django.setup()` with only auth and contenttypes.
Beside them, the floors of the pure commands: `import typer` (every command) and `import typer,
numpy` (`trp find`), and of two that read the diary: `django.setup()` with pydantic (`log`
validates the entry) and with NumPy and scipy.special (`insights`' arithmetic). Nothing here
asserts: the figures are for a person to read.

Python's bytecode cache is on (an installed package has its .pyc files), kept in the temporary
directory (PYTHONPYCACHEPREFIX) so that nothing is written beside the sources, and each command
runs once unmeasured first: with PYTHONDONTWRITEBYTECODE every child would compile all of
Spasmtrack's modules again, which no installed copy does.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PY = sys.executable
CLI = [PY, "-m", "spasmtrack.cli"]
PEG = json.dumps({"pain": 6, "enjoyment": 5, "activity": 7})
DJANGO_FLOOR = (
    "import django; from django.conf import settings; settings.configure("
    "INSTALLED_APPS=['django.contrib.auth', 'django.contrib.contenttypes'], DATABASES={'default':"
    " {'ENGINE': 'django.db.backends.sqlite3', 'NAME': ':memory:'}}); django.setup()"
)

# (label, argv, standard input, target in ms or None, data directory: "demo" or "empty")
COMMANDS: list[tuple[str, list[str], str | None, float | None, str]] = [
    ("python -c pass", [PY, "-c", "pass"], None, None, "empty"),
    (
        "django.setup() alone",
        [PY, "-c", "import django; django.setup()"],
        None,
        None,
        "demo",
    ),
    # Django's own floor: the ORM with only auth and contenttypes (no app of ours, no
    # third-party app), on SQLite in memory. A command that reads the diary cannot start
    # faster than this; the 300 ms leaves the rest of a command little room above it.
    ("Django floor (2 apps)", [PY, "-c", DJANGO_FLOOR], None, None, "empty"),
    # The floors of the pure commands: every command imports Typer, and `trp find` NumPy
    # (its finder is vectorised); a pure command cannot start faster than these.
    ("import typer", [PY, "-c", "import typer"], None, None, "empty"),
    ("import typer, numpy", [PY, "-c", "import typer, numpy"], None, None, "empty"),
    # The floors of `log` and `insights`: Django set up, plus what each must import to do its
    # work (pydantic validates the entry; the analysis is NumPy and scipy.special).
    (
        "setup + pydantic",
        [PY, "-c", "import typer, django, pydantic; django.setup()"],
        None,
        None,
        "demo",
    ),
    (
        "setup + scipy.special",
        [PY, "-c", "import typer, django; django.setup(); from scipy import special"],
        None,
        None,
        "demo",
    ),
    ("spasmtrack --help", [*CLI, "--help"], None, 300, "empty"),
    (
        "trp find (no account)",
        [*CLI, "trp", "find", "calf_left", "neck_side_left"],
        None,
        300,
        "empty",
    ),
    (
        "trp find (one account)",
        [*CLI, "trp", "find", "calf_left", "neck_side_left"],
        None,
        300,
        "demo",
    ),
    ("score peg", [*CLI, "score", "peg"], PEG, 300, "empty"),
    ("log --yes", [*CLI, "log", "left calf cramp 6/10 for 10 min", "--yes"], None, 300, "demo"),
    ("insights (180 days)", [*CLI, "insights"], None, 400, "demo"),
]


def run_once(argv: list[str], stdin: str | None, env: dict[str, str]) -> tuple[float, int, float]:
    """Wall seconds, peak RSS (KiB) and CPU seconds (user + system) of one child process,
    measured with wait4. On a shared machine the CPU time varies less than the wall time."""
    t = time.perf_counter()
    p = subprocess.Popen(
        argv,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    assert p.stdin is not None and p.stderr is not None
    p.stdin.write((stdin or "").encode())
    p.stdin.close()
    err = p.stderr.read()
    _, status, usage = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t
    p.returncode = os.waitstatus_to_exitcode(status)
    if p.returncode != 0:
        raise SystemExit(f"{' '.join(argv[-3:])} failed ({p.returncode}): {err.decode()[-500:]}")
    return wall, usage.ru_maxrss, usage.ru_utime + usage.ru_stime


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument(
        "--baseline",
        type=Path,
        help="another source tree's src/ (e.g. a git archive of main): its commands are run"
        " in turn with this tree's, in the same run, and printed beside them",
    )
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="spasmtrack-clistart-") as tmp:
        base = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "spasmtrack.settings",
            "PYTHONPYCACHEPREFIX": str(Path(tmp) / "pycache"),
        }
        base.pop("DATABASE_URL", None)
        base.pop("PYTHONDONTWRITEBYTECODE", None)
        trees = {"this": base.get("PYTHONPATH", "")}
        if args.baseline:
            trees["baseline"] = str(args.baseline.resolve())
        envs = {
            (tree, name): {
                **base,
                "PYTHONPATH": path,
                "SPASMTRACK_DATA_DIR": str(Path(tmp) / tree / name),
            }
            for tree, path in trees.items()
            for name in ("demo", "empty")
        }
        for tree in trees:
            subprocess.run(
                [*CLI, "demo", "--days", "180"],
                env=envs[(tree, "demo")],
                check=True,
                capture_output=True,
            )
        print(
            f"{args.runs} runs each, median wall time, median CPU time and peak RSS"
            " of the whole process"
            + (" (this tree, then the baseline's, run in turn)" if args.baseline else "")
        )
        medians: dict[str, float] = {}
        for label, argv, stdin, target, data in COMMANDS:
            runs: dict[str, list[tuple[float, int, float]]] = {tree: [] for tree in trees}
            for tree in trees:  # warm-up: writes the bytecode cache
                run_once(argv, stdin, envs[(tree, data)])
            for _ in range(args.runs):
                for tree in trees:
                    runs[tree].append(run_once(argv, stdin, envs[(tree, data)]))
            for tree in trees:
                wall = statistics.median(w for w, _, _ in runs[tree]) * 1000
                cpu = statistics.median(c for _, _, c in runs[tree]) * 1000
                rss = max(r for _, r, _ in runs[tree]) / 1024
                name = label if tree == "this" else "  baseline"
                if tree == "this":
                    medians[label] = wall
                line = f"{name:24} {wall:7.0f} ms {cpu:5.0f} ms CPU {rss:6.0f} MB"
                if target is not None and tree == "this":
                    py, dj = medians["python -c pass"], medians["django.setup() alone"]
                    verdict = "meets" if wall <= target else "misses"
                    line += (
                        f" | {wall / py:5.1f}x python -c pass, {wall / dj:4.2f}x django.setup()"
                        f" | target {target:.0f} ms: {verdict}"
                    )
                print(line)


if __name__ == "__main__":
    main()

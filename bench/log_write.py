"""Write throughput and latency of logging a spasm through the API, against the ceiling.

Starts the app under gunicorn (2 workers) on SQLite and on PostgreSQL and drives it with wrk
from a separate process, POSTing a muscle event with a bearer token for DURATION seconds at 10
connections (latency) and at 100 (throughput). In the same run it drives a bare Django view on
the same server that does the same single-row INSERT with raw SQL and no auth. Prints req/s,
p50 and p99 for both and the ratio.

    .venv/bin/python bench/log_write.py [--duration 20] [--only sqlite|postgres]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from benchlib import free_port, throwaway_postgres

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
BODY = json.dumps({"kind": "spasm", "intensity": 6, "regions": ["calf_left", "shin_left"]})


def prepare(env: dict[str, str]) -> str:
    """Migrate, create the bench person (id 1 in a fresh database) and return a token."""
    run = [str(BIN / "spasmtrack")]
    subprocess.run([*run, "migrate"], env=env, check=True, capture_output=True)
    subprocess.run(
        [*run, "user", "add", "bench", "--password-stdin"],
        env=env,
        check=True,
        input=b"bench-password-1\n",
        capture_output=True,
    )
    out = subprocess.run(
        [*run, "token", "create", "bench"], env=env, check=True, capture_output=True
    )
    return out.stdout.decode().strip()


def wrk(url: str, connections: int, seconds: int, headers: dict[str, str]) -> dict[str, float]:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write('wrk.method = "POST"\n')
        f.write(f"wrk.body = {json.dumps(BODY)}\n")
        for k, v in {"Content-Type": "application/json", **headers}.items():
            f.write(f'wrk.headers["{k}"] = "{v}"\n')
        script = f.name
    out = subprocess.run(
        [
            "wrk",
            "-t",
            "2",
            "-c",
            str(connections),
            "-d",
            f"{seconds}s",
            "--latency",
            "-s",
            script,
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    os.unlink(script)

    def ms(label: str) -> float:
        m = re.search(rf"^\s+{label}\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        if not m:
            return float("nan")
        return float(m.group(1)) * {"us": 0.001, "ms": 1, "s": 1000}[m.group(2)]

    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    return {
        "rps": rps,
        "p50": ms("50%"),
        "p99": ms("99%"),
        "non2xx": float(non2xx.group(1)) if non2xx else 0.0,
        "socket_errors": errors.group(1) if errors else "",
    }  # type: ignore[dict-item]


def bench_backend(name: str, env: dict[str, str], seconds: int) -> None:
    token = prepare(env)
    port = free_port()
    server = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "spasmtrack.wsgi:application",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "--backlog",
            "2048",
        ],
        env={**env, "DJANGO_SETTINGS_MODULE": "bench_settings", "PYTHONPATH": str(ROOT / "bench")},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        print(f"\n{name}: gunicorn, 2 sync workers; wrk 2 threads, {seconds} s per run")
        print(f"{'endpoint':<28}{'conns':>6}{'req/s':>10}{'p50 ms':>9}{'p99 ms':>9}{'non-2xx':>9}")
        results = {}
        for conns in (10, 100):
            for label, path, headers in (
                ("bare raw INSERT (ceiling)", "/bench/bare-insert", {}),
                (
                    "POST /api/muscle-events",
                    "/api/muscle-events",
                    {"Authorization": f"Bearer {token}"},
                ),
            ):
                r = wrk(base + path, conns, seconds, headers)
                results[(label, conns)] = r
                print(
                    f"{label:<28}{conns:>6}{r['rps']:>10.0f}{r['p50']:>9.2f}{r['p99']:>9.2f}"
                    f"{r['non2xx']:>9.0f}  {r['socket_errors']}"
                )
        for conns in (10, 100):
            ours = results[("POST /api/muscle-events", conns)]
            bare = results[("bare raw INSERT (ceiling)", conns)]
            print(
                f"ratio at {conns:>3} connections: API {ours['rps'] / bare['rps']:.0%} of the "
                f"bare view's req/s; API p99 {ours['p99']:.1f} ms (target <= 25 ms at 10)"
            )
    finally:
        server.terminate()
        server.wait(10)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--duration", type=int, default=20)
    ap.add_argument("--only", choices=("sqlite", "postgres"))
    args = ap.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed (apt-get install wrk)")
    base_env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    if args.only != "postgres":
        with tempfile.TemporaryDirectory() as d:
            bench_backend("SQLite", {**base_env, "SPASMTRACK_DATA_DIR": d}, args.duration)
    if args.only != "sqlite":
        with throwaway_postgres("bench") as url, tempfile.TemporaryDirectory() as d:
            env = {**base_env, "SPASMTRACK_DATA_DIR": d, "DATABASE_URL": url}
            bench_backend("PostgreSQL", env, args.duration)


if __name__ == "__main__":
    main()

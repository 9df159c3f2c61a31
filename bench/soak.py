"""Soak: a steady mix of reads and writes against gunicorn (2 workers) on PostgreSQL.

    .venv/bin/python bench/soak.py [--minutes 5] [--rate 20]

A patient and a clinician (with the patient's grant) call the JSON API at a fixed total rate:
60% reads of the patient's own entries, 15% clinician reads through the grant, 25% writes
(spasms and treatments). Prints requests/s, errors (any non-2xx or failure: must be 0), latency
and each worker's resident memory at the start and the end; the baseline is the first minute
of the same run, so "flat memory" reads as an end/start ratio near 1.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from benchlib import free_port, throwaway_postgres

BIN = Path(sys.executable).parent
SETUP = """
import json, django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from django.contrib.auth.models import User
from spasmtrack.accounts.models import ApiToken, Person
from spasmtrack.clinic import services
pat = Person.objects.create(user=User.objects.create_user("pat"), tz="Europe/Berlin")
doc = Person.objects.create(user=User.objects.create_user("doc"), role="clinician")
services.give_grant(pat, doc, "record", None)
from spasmtrack.core.body.regions import all_regions
print(json.dumps({"region": sorted(all_regions())[0], "patient": str(pat.code),
                  "pat": ApiToken.issue(pat, "soak")[1], "doc": ApiToken.issue(doc, "soak")[1]}))
"""


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def workers(master: int) -> list[int]:
    kids = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return sorted(int(k) for k in kids)


class Load:
    """Fires requests at a fixed rate from a few threads; records (t, latency, ok)."""

    def __init__(self, base: str, ids: dict[str, str], rate: float, seconds: float) -> None:
        self.base, self.ids, self.rate, self.seconds = base, ids, rate, seconds
        self.samples: list[tuple[float, float, bool]] = []
        self.errors: list[str] = []
        self.lock = threading.Lock()

    def one(self, rng: random.Random) -> None:
        pat = {"Authorization": f"Bearer {self.ids['pat']}"}
        doc = {"Authorization": f"Bearer {self.ids['doc']}"}
        roll = rng.random()
        if roll < 0.60:
            req = urllib.request.Request(self.base + "/api/muscle-events?limit=20", headers=pat)
        elif roll < 0.75:
            url = f"{self.base}/api/clinic/patients/{self.ids['patient']}/trigger-points"
            req = urllib.request.Request(url, headers=doc)
        elif roll < 0.90:
            body = {
                "kind": "spasm",
                "intensity": rng.randint(1, 9),
                "regions": [self.ids["region"]],
            }
            req = self.post("/api/muscle-events", body, pat)
        else:
            body = {"treatment": "heat", "duration_s": 600}
            req = self.post("/api/treatment-logs", body, pat)
        t0 = time.perf_counter()
        ok, why = True, ""
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                r.read()
                ok = 200 <= r.status < 300
                why = str(r.status)
        except (urllib.error.URLError, OSError) as e:
            ok, why = False, f"{type(e).__name__}: {e}"
        with self.lock:
            self.samples.append((time.monotonic(), time.perf_counter() - t0, ok))
            if not ok:
                self.errors.append(f"{req.get_method()} {req.full_url}: {why}")

    def post(self, path: str, body: dict[str, object], headers: dict[str, str]) -> object:
        data = json.dumps(body).encode()
        h = {**headers, "Content-Type": "application/json"}
        return urllib.request.Request(self.base + path, data=data, headers=h, method="POST")

    def run(self, threads: int = 4) -> None:
        interval = threads / self.rate
        end = time.monotonic() + self.seconds

        def loop(seed: int) -> None:
            rng = random.Random(seed)
            nxt = time.monotonic() + rng.random() * interval
            while nxt < end:
                time.sleep(max(0.0, nxt - time.monotonic()))
                self.one(rng)
                nxt += interval  # fixed schedule: a slow answer does not lower the rate later

        ts = [threading.Thread(target=loop, args=(i,)) for i in range(threads)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--minutes", type=float, default=5)
    ap.add_argument("--rate", type=float, default=20, help="requests per second, in total")
    args = ap.parse_args()
    proc = None
    try:
        with throwaway_postgres("soak") as url, tempfile.TemporaryDirectory() as d:
            env = {
                **{k: v for k, v in os.environ.items() if k != "DATABASE_URL"},
                "SPASMTRACK_DATA_DIR": d,
                "SPASMTRACK_NO_LOCAL_SETTINGS": "1",
                "DJANGO_SETTINGS_MODULE": "spasmtrack.settings",
                "DATABASE_URL": url,
                "DB_CONN_MAX_AGE": "60",
            }
            out = subprocess.run(
                [sys.executable, "-c", SETUP], env=env, capture_output=True, text=True, check=True
            )
            ids = json.loads(out.stdout.strip().splitlines()[-1])
            port = free_port()
            proc = subprocess.Popen(
                [
                    str(BIN / "gunicorn"),
                    "spasmtrack.wsgi:application",
                    "--workers",
                    "2",
                    "--bind",
                    f"127.0.0.1:{port}",
                ],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            base = f"http://127.0.0.1:{port}"
            for _ in range(200):
                try:
                    urllib.request.urlopen(base + "/healthz", timeout=1)
                    break
                except OSError:
                    time.sleep(0.05)
            pids = workers(proc.pid)
            seconds = args.minutes * 60
            load = Load(base, ids, args.rate, seconds)
            memory: list[tuple[float, list[int]]] = []
            stop = threading.Event()

            def sample() -> None:
                while not stop.is_set():
                    memory.append((time.monotonic(), [rss_kib(p) for p in pids]))
                    stop.wait(5)

            sampler = threading.Thread(target=sample)
            t0 = time.monotonic()
            sampler.start()
            load.run()
            stop.set()
            sampler.join()
            elapsed = time.monotonic() - t0
            report(load, memory, pids, t0, elapsed, args.rate)
            if workers(proc.pid) != pids:
                print("WARNING: a worker was restarted during the run")
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(10)


def report(
    load: Load,
    memory: list[tuple[float, list[int]]],
    pids: list[int],
    t0: float,
    elapsed: float,
    rate: float,
) -> None:
    n = len(load.samples)
    errors = sum(not ok for _, _, ok in load.samples)
    first = [lat for t, lat, _ in load.samples if t - t0 < 60]
    last = [lat for t, lat, _ in load.samples if t - t0 >= elapsed - 60]
    print(f"soak: {elapsed / 60:.1f} min, target {rate:g} req/s, 2 gunicorn workers, PostgreSQL")
    print(f"requests: {n}  ({n / elapsed:.1f} req/s)   errors: {errors}")
    for e in load.errors[:5]:
        print("  error:", e)
    med = statistics.median
    print(
        f"latency p50 first minute {med(first) * 1000:.1f} ms, last minute "
        f"{med(last) * 1000:.1f} ms (ratio {med(last) / med(first):.2f})"
    )
    lat = sorted(x for _, x, _ in load.samples)
    print(f"latency p95 {lat[int(0.95 * (n - 1))] * 1000:.1f} ms, max {lat[-1] * 1000:.1f} ms")
    start = [m for t, m in memory if t - t0 < 60]
    end = [m for t, m in memory if t - t0 >= elapsed - 60]
    for i, pid in enumerate(pids):
        a = max(s[i] for s in start) / 1024
        b = max(s[i] for s in end) / 1024
        print(
            f"worker {pid}: RSS first minute {a:.1f} MiB, last minute {b:.1f} MiB "
            f"(ratio {b / a:.3f})"
        )
    print("result:", "PASS" if errors == 0 else "FAIL")


if __name__ == "__main__":
    main()

"""Crash safety: every write the server acknowledged survives kill -9.

For SQLite and PostgreSQL: start the app under gunicorn (2 workers), write muscle events from
8 client threads, kill -9 the whole server (master and workers) mid-run, restart it, then check
that every event that got a 201 is there and that the database passes its integrity check
(SQLite `PRAGMA integrity_check`; PostgreSQL amcheck's `bt_index_check` on every index of the
diary tables). Repeats ROUNDS times per database.

    .venv/bin/python bench/crash_safety.py [--rounds 3] [--seconds 4] [--only sqlite|postgres]
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sqlite3
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


def start(env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
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
        start_new_session=True,
    )
    for _ in range(200):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return proc
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("server did not start")


def writer(
    base: str, token: str, stop: threading.Event, acked: list[str], lock: threading.Lock, tag: str
) -> None:
    n = 0
    while not stop.is_set():
        n += 1
        note = f"{tag}-{threading.get_ident()}-{n}"
        body = json.dumps(
            {"kind": "spasm", "intensity": 5, "regions": ["calf_left"], "notes": note}
        ).encode()
        req = urllib.request.Request(
            base + "/api/muscle-events",
            data=body,
            method="POST",
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(req, timeout=5) as r:
                if r.status == 201:
                    with lock:
                        acked.append(json.loads(r.read())["id"])
        except (OSError, urllib.error.HTTPError):
            pass  # refused or cut by the crash: not acknowledged, so not promised


def present_ids(base: str, token: str) -> set[str]:
    ids: set[str] = set()
    offset = 0
    while True:
        req = urllib.request.Request(
            f"{base}/api/muscle-events?limit=1000&offset={offset}",
            headers={"Authorization": f"Bearer {token}"},
        )
        page = json.loads(urllib.request.urlopen(req, timeout=30).read())
        ids |= {i["id"] for i in page["items"]}
        offset += 1000
        if offset >= page["count"]:
            return ids


def integrity(env: dict[str, str]) -> str:
    if "DATABASE_URL" not in env:
        db = sqlite3.connect(Path(env["SPASMTRACK_DATA_DIR"]) / "spasmtrack.sqlite3")
        return str(db.execute("PRAGMA integrity_check").fetchone()[0])
    import psycopg

    with psycopg.connect(env["DATABASE_URL"], autocommit=True) as c:
        c.execute("CREATE EXTENSION IF NOT EXISTS amcheck")
        idx = c.execute(
            "SELECT indexrelid::regclass::text FROM pg_index i JOIN pg_class t ON "
            "t.oid = i.indrelid WHERE t.relname LIKE 'diary_%'"
        ).fetchall()
        for (name,) in idx:
            c.execute("SELECT bt_index_check(%s::regclass, true)", (name,))
        return f"ok ({len(idx)} indexes checked)"


def run(name: str, env: dict[str, str], rounds: int, seconds: float) -> bool:
    cli = str(BIN / "spasmtrack")
    subprocess.run([cli, "migrate"], env=env, check=True, capture_output=True)
    subprocess.run(
        [cli, "user", "add", "crash", "--password-stdin"],
        env=env,
        check=True,
        input=b"crash-password-1\n",
        capture_output=True,
    )
    token = (
        subprocess.run([cli, "token", "create", "crash"], env=env, check=True, capture_output=True)
        .stdout.decode()
        .strip()
    )
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    all_acked: list[str] = []
    ok = True
    for r in range(rounds):
        proc = start(env, port)
        stop, lock, acked = threading.Event(), threading.Lock(), []
        threads = [
            threading.Thread(target=writer, args=(base, token, stop, acked, lock, f"r{r}"))
            for _ in range(8)
        ]
        for t in threads:
            t.start()
        time.sleep(seconds)
        os.killpg(proc.pid, signal.SIGKILL)  # master and workers, mid-write
        proc.wait()
        stop.set()
        for t in threads:
            t.join()
        all_acked += acked
        proc = start(env, port)
        have = present_ids(base, token)
        missing = [i for i in all_acked if i not in have]
        check = integrity(env)
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait()
        good = not missing and check.startswith("ok")
        ok &= good
        print(
            f"{name} round {r + 1}: {len(acked)} writes acknowledged before kill -9; "
            f"after restart {len(all_acked) - len(missing)}/{len(all_acked)} present; "
            f"integrity: {check}; {'PASS' if good else 'FAIL'}"
        )
    return ok


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--seconds", type=float, default=4)
    ap.add_argument("--only", choices=("sqlite", "postgres"))
    args = ap.parse_args()
    base_env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    ok = True
    if args.only != "postgres":
        with tempfile.TemporaryDirectory() as d:
            ok &= run("SQLite", {**base_env, "SPASMTRACK_DATA_DIR": d}, args.rounds, args.seconds)
    if args.only != "sqlite":
        with throwaway_postgres("crash") as url, tempfile.TemporaryDirectory() as d:
            env = {**base_env, "SPASMTRACK_DATA_DIR": d, "DATABASE_URL": url}
            ok &= run("PostgreSQL", env, args.rounds, args.seconds)
    print("crash safety:", "PASS" if ok else "FAIL")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()

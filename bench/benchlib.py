"""Plumbing shared by the benchmarks that run the real server: a free port, and a throwaway
PostgreSQL database (created for the run, dropped after it)."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager

PG_URL = os.environ.get("TEST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def throwaway_postgres(prefix: str) -> Iterator[str]:
    """A new database on the PostgreSQL server of TEST_DATABASE_URL; yields its URL."""
    import psycopg

    name = f"spasmtrack_{prefix}_{os.getpid()}"
    with psycopg.connect(PG_URL, autocommit=True, connect_timeout=5) as c:
        c.execute(f'CREATE DATABASE "{name}"')
    try:
        yield PG_URL.rsplit("/", 1)[0] + "/" + name
    finally:
        with psycopg.connect(PG_URL, autocommit=True) as c:
            c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

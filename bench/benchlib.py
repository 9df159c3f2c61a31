"""Plumbing shared by the benchmarks: a free port, a throwaway PostgreSQL database (created
for the run, dropped after it), peak RSS, and the database's own write ceiling for a table
(`bulk_ceiling_s`), which the import benchmarks compare their written rows/s with."""

from __future__ import annotations

import os
import resource
import socket
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

PG_URL = os.environ.get("TEST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def postgres_unreachable() -> str | None:
    """None when the server of TEST_DATABASE_URL answers, else the kind of error."""
    try:
        import psycopg

        psycopg.connect(PG_URL, autocommit=True, connect_timeout=3).close()
    except Exception as e:  # noqa: BLE001 - any connection problem means "skip"
        return type(e).__name__
    return None


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


def peak_rss_mb() -> float:
    """This process's peak resident set size so far, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bulk_ceiling_s(
    model: Any, person_id: int, other_id: int, clock: Any = time.perf_counter
) -> tuple[int, float]:
    """(rows, seconds) for the driver alone to write the rows `person_id` has in `model`'s
    table into the same table: a bare `executemany` (SQLite) or `COPY ... FROM STDIN`
    (PostgreSQL, psycopg 3 `cursor.copy()`) on the driver's own connection.

    The rows are read back as the database holds them and given to `other_id` with fresh
    codes (the unique constraints stay satisfied); the transaction is rolled back. Call it
    inside a configured Django process (django.setup() done)."""
    from django.db import transaction

    rows = _rows_for(model, person_id, other_id)
    with transaction.atomic():
        t = clock()
        _bare_write(*rows)
        seconds = clock() - t
        transaction.set_rollback(True)
    return len(rows[2]), seconds


def committed_ceiling_s(
    models: Any, person_id: int, other_id: int, clock: Any = time.perf_counter
) -> float:
    """`bulk_ceiling_s` of all `models` in one transaction, committed (an import commits too):
    the seconds include the commit; the rows are deleted after."""
    from django.db import connection, transaction

    prepared = [_rows_for(m, person_id, other_id) for m in models]
    t = clock()
    with transaction.atomic():
        for rows in prepared:
            _bare_write(*rows)
    seconds = clock() - t
    with connection.cursor() as c:
        for table, _, _ in prepared:
            c.execute(f"DELETE FROM {table} WHERE person_id = %s", [other_id])
    return seconds


def _rows_for(model: Any, person_id: int, other_id: int) -> tuple[str, list[str], list[Any]]:
    from django.db import connection

    pg = connection.vendor == "postgresql"
    table = model._meta.db_table
    cols = [f.column for f in model._meta.concrete_fields if not f.primary_key]
    pi, ci = cols.index("person_id"), cols.index("code")
    with connection.cursor() as c:
        c.execute(f"SELECT {', '.join(cols)} FROM {table} WHERE person_id = %s", [person_id])
        rows = [list(r) for r in c.fetchall()]
    for r in rows:
        r[pi] = other_id
        r[ci] = uuid.uuid4() if pg else uuid.uuid4().hex
    return table, cols, [tuple(r) for r in rows]


def _bare_write(table: str, cols: list[str], rows: list[Any]) -> None:
    """The rows into the table on the driver's own connection, no Django in between."""
    from django.db import connection

    raw = connection.connection
    if connection.vendor == "postgresql":
        with raw.cursor() as cur, cur.copy(f"COPY {table} ({', '.join(cols)}) FROM STDIN") as cp:
            for r in rows:
                cp.write_row(r)
    else:
        marks = ", ".join("?" * len(cols))
        raw.executemany(f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({marks})", rows)

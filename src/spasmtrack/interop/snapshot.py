"""One consistent view of the database for a whole export or backup.

An export reads a dozen tables one after another. Without a transaction around them, a write
between two reads (a custom treatment created, then logged) gives a document whose log names a
treatment its catalogue section lacks, and that backup can never be restored. `read_snapshot()`
puts every read in one transaction that sees a single point in time:

- SQLite (WAL): one *deferred* read transaction. The app's connections begin transactions with
  `BEGIN IMMEDIATE` (settings: `transaction_mode`), which would take the write lock and hold
  every writer off for the length of the export; a deferred one only reads, so writers carry on
  while the reader keeps the snapshot of its first read.
- PostgreSQL: `REPEATABLE READ, READ ONLY`, which is a snapshot of the first statement.

Inside a caller's transaction it adds nothing: that transaction is already one view.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, connections, transaction


@contextmanager
def read_snapshot(using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Run the block's reads in one transaction with a consistent snapshot (read only)."""
    conn = connections[using]
    if conn.in_atomic_block:
        yield
        return
    if conn.vendor == "sqlite":
        conn.ensure_connection()
        mode = conn.transaction_mode  # type: ignore[attr-defined]  # Django 5.1's, not in the stubs
        conn.transaction_mode = "DEFERRED"  # type: ignore[attr-defined]
        try:
            with transaction.atomic(using=using):
                conn.transaction_mode = mode  # type: ignore[attr-defined]  # Django 5.1's, not in the stubs
                # query_only: a write slipped into the block fails instead of upgrading a read
                # transaction (which SQLite refuses with "database is locked" under load).
                with conn.cursor() as c:
                    c.execute("PRAGMA query_only = ON")
                try:
                    yield
                finally:
                    with conn.cursor() as c:
                        c.execute("PRAGMA query_only = OFF")
        finally:
            conn.transaction_mode = mode  # type: ignore[attr-defined]  # Django 5.1's, not in the stubs
        return
    with transaction.atomic(using=using):
        if conn.vendor == "postgresql":
            with conn.cursor() as c:
                c.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield

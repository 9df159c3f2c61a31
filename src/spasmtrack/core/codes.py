"""Fresh random codes for bulk writes, in the form the database drivers take them."""

from __future__ import annotations

import os


def uuid4_bytes(n: int) -> list[bytes]:
    """`n` fresh random codes (version 4 UUIDs, as `uuid.uuid4()` makes them) as their 16
    bytes, the form of a uuid in PostgreSQL's binary COPY. One read of random bytes for all
    of them, the version and variant bits set a column of bytes at a time: building a
    `uuid.UUID` per row cost a bulk import a few per cent."""
    raw = _random_uuids(n)
    return [bytes(raw[i : i + 16]) for i in range(0, 16 * n, 16)]


def uuid4_hexes(n: int) -> list[str]:
    """`n` fresh random codes as `uuid4_bytes` makes them, in the drivers' text form: 32 hex
    digits, which is what Django's UUIDField stores on SQLite and what PostgreSQL reads into
    a uuid column."""
    text = _random_uuids(n).hex()
    return [text[i : i + 32] for i in range(0, 32 * n, 32)]


def _random_uuids(n: int) -> bytearray:
    raw = bytearray(os.urandom(16 * n))
    raw[6::16] = bytes((b & 0x0F) | 0x40 for b in raw[6::16])  # version 4
    raw[8::16] = bytes((b & 0x3F) | 0x80 for b in raw[8::16])  # RFC 4122 variant
    return raw

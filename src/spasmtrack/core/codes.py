"""Fresh random codes for bulk writes, in the form the database drivers take them."""

from __future__ import annotations

import os


def uuid4_hexes(n: int) -> list[str]:
    """`n` fresh random codes (version 4 UUIDs, as `uuid.uuid4()` makes them) in the drivers'
    form: 32 hex digits, which is what Django's UUIDField stores on SQLite and what
    PostgreSQL reads into a uuid column. One read of random bytes for all of them, the
    version and variant bits set a column of bytes at a time: building a `uuid.UUID` per
    row cost a bulk import a few per cent."""
    raw = bytearray(os.urandom(16 * n))
    raw[6::16] = bytes((b & 0x0F) | 0x40 for b in raw[6::16])  # version 4
    raw[8::16] = bytes((b & 0x3F) | 0x80 for b in raw[8::16])  # RFC 4122 variant
    text = raw.hex()
    return [text[i : i + 32] for i in range(0, 32 * n, 32)]

"""core.codes: random version 4 UUIDs in the drivers' form."""

from __future__ import annotations

import uuid

from spasmtrack.core.codes import uuid4_bytes, uuid4_hexes


def test_its_codes_are_random_version_4_uuids() -> None:
    codes = uuid4_hexes(1500) + [uuid4_hexes(1)[0] for _ in range(500)]
    assert len(set(codes)) == len(codes)
    for code in codes:
        u = uuid.UUID(code)
        assert (u.version, u.variant, u.hex) == (4, uuid.RFC_4122, code)
    # Every one of the 122 random bits varies (none stuck at 0 or 1).
    ints = [uuid.UUID(c).int for c in codes]
    fixed = (0xF000 << 64) | (0xC000 << 48)
    ones = all_ones = (1 << 128) - 1
    for n in ints:
        all_ones &= n
    zeros = 0
    for n in ints:
        zeros |= n
    assert (all_ones & ~fixed) == 0 and (zeros | fixed) == ones


def test_its_byte_codes_are_the_same_kind_of_uuid_as_its_sixteen_bytes() -> None:
    raw = uuid4_bytes(1000)
    assert len(set(raw)) == len(raw) == 1000
    for code in raw:
        u = uuid.UUID(bytes=code)
        assert (len(code), u.version, u.variant) == (16, 4, uuid.RFC_4122)

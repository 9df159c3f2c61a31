"""The one pagination of the JSON API: `limit`/`offset` with both ends bounded in the schema.

An unbounded `offset` reached the database as a 64-bit integer and overflowed (a 500 for
2**63 and more); here any value outside the bounds is a 422 naming the bound.
"""

from __future__ import annotations

from django.conf import settings
from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination

MAX_LIMIT = settings.NINJA_PAGINATION_MAX_LIMIT
MAX_OFFSET = 1_000_000_000  # far beyond any diary; well inside SQLite's and PostgreSQL's bigint


class BoundedLimitOffsetPagination(LimitOffsetPagination):
    class Input(Schema):
        limit: int = Field(
            settings.NINJA_PAGINATION_PER_PAGE,
            ge=1,
            le=MAX_LIMIT,
            description=f"at most this many items (1 to {MAX_LIMIT})",
        )
        offset: int = Field(
            0, ge=0, le=MAX_OFFSET, description=f"skip this many items (0 to {MAX_OFFSET})"
        )

"""The index and constraint shapes that the models share (each name is the migration's).

- `by_day`: Today, History, the totals and the insights read one person's rows by day;
- `newest_first`: lists (API, History) read one person's rows newest first; the index gives
  them in that order, with no sort step after the scan;
- `one_live`: "one per …" among the rows still live (not binned, not revoked), so a binned row
  never blocks a new one (the diary reads its "one per day" keys back from it).
"""

from __future__ import annotations

from django.db import models


def by_day(prefix: str) -> models.Index:
    return models.Index(fields=["person", "local_date"], name=f"{prefix}_person_day")


def newest_first(prefix: str, field: str) -> models.Index:
    return models.Index(fields=["person", f"-{field}", "-id"], name=f"{prefix}_person_newest")


def one_live(name: str, *fields: str, ended: str = "deleted_at") -> models.UniqueConstraint:
    """Unique `fields` among the rows whose `ended` is empty."""
    return models.UniqueConstraint(
        fields=list(fields), condition=models.Q(**{f"{ended}__isnull": True}), name=name
    )

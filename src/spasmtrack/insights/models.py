"""A per-person counter of diary writes: part of the insights cache key.

The cache is per process (Django's local-memory cache under gunicorn's workers), so "forget
the cached analysis" must be visible to every process: the counter lives in the database
and each cached result is keyed by it. Signals bump it on every save and delete of an entry
the analysis reads (see `spasmtrack.insights.signals`).
"""

from __future__ import annotations

from django.db import models

from spasmtrack.accounts.models import Person


class DiaryVersion(models.Model):
    person = models.OneToOneField(Person, models.CASCADE, related_name="diary_version")
    version = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"diary of {self.person} at version {self.version}"

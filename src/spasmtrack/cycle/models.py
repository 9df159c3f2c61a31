"""The optional menstrual-cycle tracking: whether it is on, and the logged period days.

Off by default: nothing is shown or asked until the person turns it on in Settings
(`CycleSettings.enabled`). A period day is one row per person and day (logging a day
twice is one day). The arithmetic (periods, cycle day, phase, the expected next period)
is `spasmtrack.core.cycle`.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.timezone import now

from spasmtrack.accounts.models import Person


class CycleSettings(models.Model):
    person = models.OneToOneField(Person, models.CASCADE)
    enabled = models.BooleanField(default=False)
    updated = models.DateTimeField(default=now)

    def __str__(self) -> str:
        return f"cycle tracking {'on' if self.enabled else 'off'} for {self.person}"


class PeriodDay(models.Model):
    person = models.ForeignKey(Person, models.CASCADE)
    code = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
    local_date = models.DateField()
    created = models.DateTimeField(default=now)
    updated = models.DateTimeField(default=now)

    class Meta:
        constraints = [
            # A day is a period day or not: logging it twice is one day.
            models.UniqueConstraint(fields=["person", "local_date"], name="period_day_once")
        ]
        # (the constraint's index serves the reads by person and day, newest first too)

    def __str__(self) -> str:
        return f"period day {self.local_date}"

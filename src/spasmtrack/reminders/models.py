"""Reminders: a person's choices, their push subscriptions, and the delivery outbox.

`Delivery` is the unit of work of `spasmtrack reminders`: one row per (person, reminder key,
channel), created once by any scheduler tick (the unique constraint makes concurrent ticks
harmless) and claimed by one worker at a time through a filtered UPDATE with a lease
(`claim_until`). See `spasmtrack.reminders.scheduler`.
"""

from __future__ import annotations

import uuid
from datetime import time
from typing import TYPE_CHECKING, TypedDict

from django.db import models
from django.utils.timezone import now

from spasmtrack.accounts.models import Person

if TYPE_CHECKING:  # the scheduling arithmetic loads where reminders are planned, not at setup
    from spasmtrack.core.reminders import Plan


class ReminderSettings(models.Model):
    """What a person wants to be reminded of, when, and how. No row: no reminders."""

    person = models.OneToOneField(Person, models.CASCADE, related_name="reminder_settings")
    checkin_at = models.TimeField(null=True, blank=True, default=time(20, 0))
    pain_after_minutes = models.PositiveSmallIntegerField(null=True, blank=True, default=60)
    experiment_at = models.TimeField(null=True, blank=True, default=time(19, 0))
    questionnaire_at = models.TimeField(default=time(18, 0))
    fiqr_weeks = models.PositiveSmallIntegerField(null=True, blank=True, default=4)
    acr2016_months = models.PositiveSmallIntegerField(null=True, blank=True, default=3)
    peg_weeks = models.PositiveSmallIntegerField(null=True, blank=True, default=1)
    quiet_from = models.TimeField(null=True, blank=True, default=time(22, 0))
    quiet_until = models.TimeField(null=True, blank=True, default=time(8, 0))
    on_today = models.BooleanField(default=True)
    by_push = models.BooleanField(default=False)
    by_email = models.BooleanField(default=False)
    email = models.EmailField(blank=True, default="")
    in_calendar = models.BooleanField(default=False)
    # The day reminders were set up: a questionnaire never answered is due from then.
    since = models.DateField()
    updated = models.DateTimeField(default=now)

    class Meta:
        indexes = [
            # The scheduler reads everybody who wants push or e-mail.
            models.Index(fields=["by_push", "by_email"], name="remset_channels"),
        ]

    def __str__(self) -> str:
        return f"reminders of {self.person}"

    @classmethod
    def for_person(cls, person: Person) -> ReminderSettings:
        """The person's saved settings, or unsaved defaults (all reminders off until saved)."""
        found = cls.objects.filter(person=person).first()
        if found is not None:
            return found
        return cls(
            person=person,
            since=person.today(),
            checkin_at=None,
            pain_after_minutes=None,
            experiment_at=None,
            fiqr_weeks=None,
            acr2016_months=None,
            peg_weeks=None,
        )

    def plan(self, tz: str) -> Plan:
        from spasmtrack.core.reminders import Plan

        return Plan(
            tz=tz,
            since=self.since,
            checkin_at=self.checkin_at,
            pain_after_minutes=self.pain_after_minutes,
            experiment_at=self.experiment_at,
            questionnaire_at=self.questionnaire_at,
            fiqr_weeks=self.fiqr_weeks or None,
            acr2016_months=self.acr2016_months or None,
            peg_weeks=self.peg_weeks or None,
            quiet_from=self.quiet_from,
            quiet_until=self.quiet_until,
        )

    @property
    def address(self) -> str:
        """Where e-mail goes: the address given here, else the account's."""
        return self.email or self.person.user.email


class PushSubscriptionDict(TypedDict):
    code: str
    endpoint_host: str
    created: str


class PushSubscription(models.Model):
    """One browser's Web Push subscription (RFC 8030 endpoint plus RFC 8291 keys)."""

    person = models.ForeignKey(Person, models.CASCADE, related_name="push_subscriptions")
    code = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
    endpoint = models.URLField(max_length=1000, unique=True)
    p256dh = models.CharField(max_length=200)
    auth = models.CharField(max_length=100)
    created = models.DateTimeField(default=now)

    def __str__(self) -> str:
        return f"push subscription of {self.person}"

    def info(self) -> dict[str, object]:
        """The subscription in the shape pywebpush takes."""
        return {"endpoint": self.endpoint, "keys": {"p256dh": self.p256dh, "auth": self.auth}}

    def to_dict(self) -> PushSubscriptionDict:
        from urllib.parse import urlsplit

        return {
            "code": str(self.code),
            "endpoint_host": urlsplit(self.endpoint).hostname or "",
            "created": self.created.isoformat(),
        }


class Delivery(models.Model):
    """One reminder to send on one channel; claimed by one worker at a time."""

    class Channel(models.TextChoices):
        PUSH = "push", "Web Push"
        EMAIL = "email", "E-mail"

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        STALE = "stale", "Too late, not sent"

    person = models.ForeignKey(Person, models.CASCADE, related_name="reminder_deliveries")
    code = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
    key = models.CharField(max_length=100)
    kind = models.CharField(max_length=12)
    channel = models.CharField(max_length=5, choices=Channel.choices)
    due_at = models.DateTimeField()
    until = models.DateTimeField()
    title = models.CharField(max_length=200)
    body = models.CharField(max_length=500)
    url = models.CharField(max_length=200)
    status = models.CharField(max_length=7, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    # The worker holding the claim, and until when; an expired claim may be taken over.
    claimed_by = models.CharField(max_length=40, blank=True, default="")
    claim_until = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True, default="")
    created = models.DateTimeField(default=now)

    class Meta:
        constraints = [
            # Each reminder once per channel, however many schedulers run.
            models.UniqueConstraint(
                fields=["person", "key", "channel"], name="one_delivery_per_key"
            ),
        ]
        indexes = [
            # Workers look for pending rows by due time (a partial index: sent rows pile up).
            models.Index(
                fields=["due_at"],
                condition=models.Q(status="pending"),
                name="delivery_pending_due",
            ),
            # The scheduler reads the keys still current (until in the future) to skip them.
            models.Index(fields=["until"], name="delivery_until"),
        ]

    def __str__(self) -> str:
        return f"{self.key} by {self.channel} to {self.person}"

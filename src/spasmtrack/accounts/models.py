from __future__ import annotations

import hashlib
import secrets
import uuid
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, available_timezones

from django.contrib.auth.models import User
from django.db import models
from django.utils.timezone import now

from spasmtrack.core.days import DEFAULT_DAY_START, day_of
from spasmtrack.indexes import one_live

if TYPE_CHECKING:
    from datetime import date


def valid_tz(name: str) -> bool:
    return name in available_timezones()


class PersonManager(models.Manager["Person"]):
    def for_user(self, user: User) -> Person:
        """The person behind this account, created on first use."""
        person, _ = self.get_or_create(user=user)
        return person


class Person(models.Model):
    """The profile of one account: whose diary it is and which calendar it lives on."""

    class Role(models.TextChoices):
        PATIENT = "patient", "Patient"
        CLINICIAN = "clinician", "Clinician"
        ADMIN = "admin", "Administrator"

    user = models.OneToOneField(User, models.CASCADE, related_name="person")
    code = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
    tz = models.CharField(max_length=36, default="UTC")
    # "My day starts at": an entry before this wall-clock time belongs to the day before
    # (core.days). New accounts start at 04:00; accounts made before the setting existed keep
    # 00:00, their calendar days (migration 0004), so no stored day moves under them.
    day_start = models.TimeField(default=DEFAULT_DAY_START)
    created = models.DateTimeField(default=now)
    # A role adds duties, never other people's data: a clinician sees a patient only through
    # that patient's Grant, and an admin manages accounts but sees no diary at all.
    role = models.CharField(max_length=9, choices=Role.choices, default=Role.PATIENT)
    # Optional, for the clinician report's header (Settings); empty = the user name.
    display_name = models.CharField(max_length=100, blank=True, default="")
    birth_date = models.DateField(null=True, blank=True)

    objects = PersonManager()

    def __str__(self) -> str:
        return self.user.username

    @property
    def name(self) -> str:
        """The display name when set, else the user name."""
        return self.display_name or self.user.username

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.tz)

    def local_date(self, at: datetime) -> date:
        """The diary day the instant `at` (aware) belongs to: the person's calendar day, or
        the day before when `at` is before their day start (core.days.day_of)."""
        return day_of(at, self.zone, self.day_start)

    def today(self) -> date:
        return self.local_date(now())

    @property
    def is_clinician(self) -> bool:
        return self.role == self.Role.CLINICIAN

    @property
    def is_staff_role(self) -> bool:
        """Clinicians and admins: the roles that need a second factor on a shared server."""
        return self.role in (self.Role.CLINICIAN, self.Role.ADMIN)


class ApiToken(models.Model):
    """A personal access token. Only its SHA-256 is stored; the secret is shown once."""

    person = models.ForeignKey(Person, models.CASCADE, related_name="tokens")
    code = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=8)
    token_hash = models.CharField(max_length=64, unique=True)
    created = models.DateTimeField(default=now)
    last_used = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash(secret: str) -> str:
        return hashlib.sha256(secret.encode()).hexdigest()

    @classmethod
    def issue(cls, person: Person, name: str) -> tuple[ApiToken, str]:
        """Create a token; returns it with the secret, which is not stored anywhere."""
        secret = "st_" + secrets.token_urlsafe(32)
        token = cls.objects.create(
            person=person, name=name, prefix=secret[3:11], token_hash=cls.hash(secret)
        )
        return token, secret

    @classmethod
    def person_for(cls, secret: str) -> Person | None:
        # One small query on every API request: the person only (the account loads lazily).
        people = Person.objects.filter(tokens__token_hash=cls.hash(secret), user__is_active=True)
        return next(iter(people[:1]), None)


class GrantQuerySet(models.QuerySet["Grant"]):
    def active(self, at: datetime | None = None) -> GrantQuerySet:
        """Grants in force at `at` (default: now): not revoked and not yet expired."""
        at = at or now()
        live = models.Q(revoked_at__isnull=True)
        unexpired = models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=at)
        return self.filter(live & unexpired)


class Grant(models.Model):
    """A patient lets one named clinician see their diary (and, optionally, add to it).

    Checked on every request, so a revocation or an expiry takes effect on the next page or
    API call. Rows are kept after revocation: they are part of the patient's history.
    """

    class Level(models.TextChoices):
        READ = "read", "See my diary"
        RECORD = "record", "See my diary and record clinical entries"

    code = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
    patient = models.ForeignKey(Person, models.CASCADE, related_name="grants_given")
    clinician = models.ForeignKey(Person, models.CASCADE, related_name="grants_received")
    level = models.CharField(max_length=6, choices=Level.choices, default=Level.READ)
    until = models.DateField(null=True, blank=True)  # last day, on the patient's calendar
    expires_at = models.DateTimeField(null=True, blank=True)  # end of `until`, as an instant
    created = models.DateTimeField(default=now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = GrantQuerySet.as_manager()

    class Meta:
        constraints = [
            one_live("one_live_grant_per_pair", "patient", "clinician", ended="revoked_at")
        ]
        indexes = [
            # Every clinic request looks up (clinician, patient) among live grants.
            models.Index(fields=["clinician", "patient"], name="grant_clinician_patient"),
        ]

    def __str__(self) -> str:
        return f"{self.patient} → {self.clinician} ({self.level})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.expires_at = end_of_day(self.until, self.patient.zone) if self.until else None
        super().save(*args, **kwargs)

    @property
    def can_record(self) -> bool:
        return self.level == self.Level.RECORD

    def is_active(self, at: datetime | None = None) -> bool:
        at = at or now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > at)

    def revoke(self) -> None:
        self.revoked_at = now()
        self.save(update_fields=("revoked_at",))


def end_of_day(day: date, zone: ZoneInfo) -> datetime:
    """The first instant after `day` ends in `zone` (a grant "until 3 May" lasts all of 3 May)."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone)


class AppendOnlyError(TypeError):
    """Raised on any attempt to change or delete a written-once row through the app."""


class AppendOnly(models.Model):
    """Rows that are written once (audit events, experiment events and answers): saving an
    existing row or deleting one is refused."""

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError(f"{type(self).__name__} rows are append-only: not changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise AppendOnlyError(f"{type(self).__name__} rows are append-only: not deleted")


class AuditQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("audit events cannot be changed")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("audit events cannot be deleted")


class AuditEvent(AppendOnly):
    """Who did what to whose data, when, from where. Append-only: written by `audit.record`.

    Names are copied next to the foreign keys so the trail still reads correctly after an
    account is deleted (the keys are then set to NULL by the database cascade).
    """

    class Action(models.TextChoices):
        SIGNIN = "signin", "Signed in"
        SIGNIN_FAILED = "signin_failed", "Sign-in failed"
        CLINICIAN_VIEW = "clinician_view", "Clinician viewed data"
        CLINICIAN_RECORD = "clinician_record", "Clinician recorded an entry"
        EXPORT = "export", "Export"
        REPORT = "report", "Report"
        BACKUP = "backup", "Backup"
        RESTORE = "restore", "Restore"
        GRANT_CREATE = "grant_create", "Access granted"
        GRANT_CHANGE = "grant_change", "Access changed"
        GRANT_REVOKE = "grant_revoke", "Access revoked"
        SHARE_CREATE = "share_create", "Share link created"
        SHARE_REVOKE = "share_revoke", "Share link revoked"
        SHARE_OPEN = "share_open", "Share link opened"
        SHARE_PIN_FAILED = "share_pin_failed", "Share link: wrong PIN"

    code = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
    at = models.DateTimeField(default=now)
    actor = models.ForeignKey(
        Person, models.SET_NULL, null=True, blank=True, related_name="audit_actions"
    )
    actor_name = models.CharField(max_length=150, blank=True, default="")
    subject = models.ForeignKey(
        Person, models.SET_NULL, null=True, blank=True, related_name="audit_trail"
    )
    subject_name = models.CharField(max_length=150, blank=True, default="")
    action = models.CharField(max_length=20, choices=Action.choices)
    ip = models.GenericIPAddressField(null=True, blank=True)
    detail = models.CharField(max_length=300, blank=True, default="")

    objects = AuditQuerySet.as_manager()

    class Meta:
        indexes = [
            # A patient's own trail, newest first.
            models.Index(fields=["subject", "-at"], name="audit_subject_at"),
            # What one clinician (or account) did, newest first.
            models.Index(fields=["actor", "-at"], name="audit_actor_at"),
        ]

    def __str__(self) -> str:
        return (
            f"{self.at:%Y-%m-%d %H:%M} {self.actor_name or '-'} {self.action} {self.subject_name}"
        )


class IdempotentRequest(models.Model):
    """The first answer to a create sent with an `Idempotency-Key` header, per person.

    Written in the same transaction as whatever the request created, so a crash either
    keeps both or neither: a retry after a lost acknowledgement gets this answer again
    instead of a second row (see spasmtrack.idempotency).
    """

    person = models.ForeignKey(Person, models.CASCADE, related_name="idempotent_requests")
    key = models.CharField(max_length=100)
    path = models.CharField(max_length=300)
    body_sha256 = models.CharField(max_length=64)  # of the request body: a reused key is refused
    status = models.PositiveSmallIntegerField()
    content_type = models.CharField(max_length=100)
    response = models.BinaryField()
    etag = models.CharField(max_length=40, blank=True, default="")
    created = models.DateTimeField(default=now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "key"], name="one_answer_per_key"),
        ]
        indexes = [
            # Pruning one person's old keys.
            models.Index(fields=["person", "created"], name="idempotent_person_created"),
        ]

    def __str__(self) -> str:
        return f"{self.key} → {self.status} {self.path}"

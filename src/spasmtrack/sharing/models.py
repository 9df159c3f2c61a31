"""Share links: a patient lets somebody without an account read a summary and the report.

Only the SHA-256 of a link's token is stored (the token is 192 random bits, so a fast hash is
enough: nobody can search that space, unlike a password's). The PIN, a few digits, is stored
with Django's password hasher and guarded by a lock after `PIN_TRIES` wrong tries.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from datetime import datetime, timedelta

from django.contrib.auth.hashers import check_password, make_password
from django.db import models
from django.db.models import F
from django.utils.timezone import now

from spasmtrack.accounts.models import Person

DEFAULT_DAYS = 14
MAX_DAYS = 90
TOKEN_BYTES = 24  # 192 bits, shown as 32 URL-safe characters
PIN_TRIES = 5  # wrong PINs in a row before the link locks for PIN_LOCK
PIN_LOCK = timedelta(minutes=15)


class ShareLinkQuerySet(models.QuerySet["ShareLink"]):
    def for_person(self, person: Person) -> ShareLinkQuerySet:
        return self.filter(person=person)

    def live(self, at: datetime | None = None) -> ShareLinkQuerySet:
        return self.filter(revoked_at__isnull=True, expires_at__gt=at or now())


class ShareLink(models.Model):
    """One link. The URL carries the token; the list and the API name it by `code`."""

    person = models.ForeignKey(Person, models.CASCADE, related_name="share_links")
    code = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
    token_hash = models.CharField(max_length=64, unique=True)
    label = models.CharField(max_length=100, blank=True, default="")
    created = models.DateTimeField(default=now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    pin_hash = models.CharField(max_length=128, blank=True, default="")
    failed_pins = models.PositiveSmallIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)
    opens = models.PositiveIntegerField(default=0)
    last_opened = models.DateTimeField(null=True, blank=True)

    objects = ShareLinkQuerySet.as_manager()

    class Meta:
        indexes = [
            # The patient's list, newest first.
            models.Index(fields=["person", "-created"], name="share_person_created"),
        ]

    def __str__(self) -> str:
        return f"share link {self.short} of {self.person}"

    @property
    def short(self) -> str:
        """The first eight characters of the code: how the trail and the CLI name a link."""
        return str(self.code)[:8]

    @staticmethod
    def hash(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    @classmethod
    def issue(
        cls, person: Person, days: int = DEFAULT_DAYS, pin: str = "", label: str = ""
    ) -> tuple[ShareLink, str]:
        """Create a link; returns it with its token, which is stored nowhere."""
        token = secrets.token_urlsafe(TOKEN_BYTES)
        link = cls.objects.create(
            person=person,
            token_hash=cls.hash(token),
            label=label,
            expires_at=now() + timedelta(days=days),
            pin_hash=make_password(pin) if pin else "",
        )
        return link, token

    @classmethod
    def for_token(cls, token: str) -> ShareLink | None:
        """The link with this token, live or not (the caller says which state it is in)."""
        return cls.objects.select_related("person__user").filter(token_hash=cls.hash(token)).first()

    @property
    def state(self) -> str:
        """ "live", "revoked" or "expired"."""
        if self.revoked_at is not None:
            return "revoked"
        return "live" if self.expires_at > now() else "expired"

    @property
    def has_pin(self) -> bool:
        return bool(self.pin_hash)

    def pin_locked(self) -> bool:
        return self.locked_until is not None and self.locked_until > now()

    def check_pin(self, pin: str) -> bool:
        """Whether `pin` is right. A wrong one counts (in the database, so every worker
        sees it); the PIN_TRIES-th wrong one in a row locks the link for PIN_LOCK. Always
        False while locked, right or wrong, so the lock cannot be probed."""
        if self.pin_locked():
            return False
        if check_password(pin, self.pin_hash):
            if self.failed_pins:
                ShareLink.objects.filter(pk=self.pk).update(failed_pins=0)
            return True
        ShareLink.objects.filter(pk=self.pk).update(failed_pins=F("failed_pins") + 1)
        self.refresh_from_db(fields=["failed_pins"])
        if self.failed_pins >= PIN_TRIES:
            self.locked_until = now() + PIN_LOCK
            until = self.locked_until
            ShareLink.objects.filter(pk=self.pk).update(failed_pins=0, locked_until=until)
        return False

    def revoke(self) -> None:
        if self.revoked_at is None:
            self.revoked_at = now()
            self.save(update_fields=("revoked_at",))

    def opened(self) -> None:
        ShareLink.objects.filter(pk=self.pk).update(opens=F("opens") + 1, last_opened=now())


class ShareHit(models.Model):
    """One request to a share URL from one address (any token, good or bad), for the rate
    limit; rows older than the window are deleted as new ones come."""

    ip = models.GenericIPAddressField(null=True, blank=True)
    at = models.DateTimeField(default=now)

    class Meta:
        indexes = [
            # Hits of one address in the window.
            models.Index(fields=["ip", "at"], name="sharehit_ip_at"),
        ]

    def __str__(self) -> str:
        return f"{self.ip} at {self.at:%H:%M:%S}"

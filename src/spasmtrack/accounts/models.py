from __future__ import annotations

import hashlib
import secrets
import uuid
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, available_timezones

from django.contrib.auth.models import User
from django.db import models
from django.utils.timezone import now

if TYPE_CHECKING:
    from datetime import date, datetime


def valid_tz(name: str) -> bool:
    return name in available_timezones()


class PersonManager(models.Manager["Person"]):
    def for_user(self, user: User) -> Person:
        """The person behind this account, created on first use."""
        person, _ = self.get_or_create(user=user)
        return person


class Person(models.Model):
    """The profile of one account: whose diary it is and which calendar it lives on."""

    user = models.OneToOneField(User, models.CASCADE, related_name="person")
    code = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
    tz = models.CharField(max_length=36, default="UTC")
    created = models.DateTimeField(default=now)

    objects = PersonManager()

    def __str__(self) -> str:
        return self.user.username

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.tz)

    def local_date(self, at: datetime) -> date:
        """The person's calendar day at the instant `at` (aware)."""
        return at.astimezone(self.zone).date()

    def today(self) -> date:
        return self.local_date(now())


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
        token = cls.objects.select_related("person__user").filter(token_hash=cls.hash(secret))
        found = token.first()
        if found is None or not found.person.user.is_active:
            return None
        return found.person

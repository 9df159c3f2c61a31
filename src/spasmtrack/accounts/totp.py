"""TOTP second factor (django-otp): enrolment, confirmation and the "is it needed" rule."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import User
from django.http import HttpRequest
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from spasmtrack.accounts.models import Person

SESSION_KEY = "has_totp"


def confirmed_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def pending_device(user: User) -> TOTPDevice:
    """The unconfirmed device being enrolled (created on first call, reused until confirmed)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)


def needs_second_factor(request: HttpRequest, person: Person) -> bool:
    """Staff on a server that requires it, or anybody who turned TOTP on for themselves.

    Whether an account has TOTP is stored in the session at sign-in (see `remember_device`),
    so this costs no query per request.
    """
    if settings.REQUIRE_TOTP_FOR_STAFF and person.is_staff_role:
        return True
    session = getattr(request, "session", None)
    return bool(session is not None and session.get(SESSION_KEY, False))


def remember_device(request: HttpRequest, user: User) -> None:
    """At sign-in: note in the new session whether this account uses TOTP."""
    if hasattr(request, "session"):
        request.session[SESSION_KEY] = confirmed_device(user) is not None


def verify(request: HttpRequest, device: TOTPDevice, token: str) -> bool:
    """Check a code; on success mark the device confirmed and the session verified."""
    if not device.verify_token(token.strip()):
        return False
    if not device.confirmed:
        device.confirmed = True
        device.save(update_fields=("confirmed",))
    otp_login(request, device)
    request.session[SESSION_KEY] = True
    return True

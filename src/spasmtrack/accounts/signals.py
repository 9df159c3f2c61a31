"""Sign-in successes and failures go to the audit log, with the source address."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.http import HttpRequest

from spasmtrack.accounts import audit
from spasmtrack.accounts.models import Person


def on_login(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    person = Person.objects.for_user(user)
    audit.record(person, person, audit.SIGNIN, request)
    if request is not None:
        from spasmtrack.accounts.totp import remember_device

        remember_device(request, user)


def on_login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    # The subject is the account that was tried, if it exists: the person sees the attempt in
    # their own trail. The name typed is kept either way (never the password: Django already
    # masks it in `credentials`).
    name = str(credentials.get("username", ""))[:150]
    user = User.objects.filter(username=name).first()
    subject = Person.objects.for_user(user) if user else None
    audit.record(None, subject, audit.SIGNIN_FAILED, request, detail=f"username {name!r}")

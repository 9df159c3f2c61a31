"""The audit log: one call, `record`, for every sensitive action anywhere in the app.

Other apps call it like this (one line, after the action succeeded):

    from spasmtrack.accounts import audit
    audit.record(request.person, patient, audit.REPORT, request, detail="PDF 2024-01-01..03-31")

The log is append-only from the app's point of view (see `AuditEvent`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.http import HttpRequest

from spasmtrack.accounts.models import AuditEvent, Person

if TYPE_CHECKING:
    from django.db.models import QuerySet

Action = AuditEvent.Action
SIGNIN = Action.SIGNIN
SIGNIN_FAILED = Action.SIGNIN_FAILED
CLINICIAN_VIEW = Action.CLINICIAN_VIEW
CLINICIAN_RECORD = Action.CLINICIAN_RECORD
EXPORT = Action.EXPORT
REPORT = Action.REPORT
BACKUP = Action.BACKUP
RESTORE = Action.RESTORE
GRANT_CREATE = Action.GRANT_CREATE
GRANT_CHANGE = Action.GRANT_CHANGE
GRANT_REVOKE = Action.GRANT_REVOKE
SHARE_CREATE = Action.SHARE_CREATE
SHARE_REVOKE = Action.SHARE_REVOKE
SHARE_OPEN = Action.SHARE_OPEN
SHARE_PIN_FAILED = Action.SHARE_PIN_FAILED


def client_ip(request: HttpRequest) -> str | None:
    """The address the request came from.

    Behind TRUSTED_PROXY_COUNT reverse proxies the client is the entry that many places from
    the right of X-Forwarded-For (entries further left are whatever the client claimed, so
    they are never trusted); otherwise REMOTE_ADDR. Also django-axes' AXES_CLIENT_IP_CALLABLE.
    """
    count = settings.TRUSTED_PROXY_COUNT
    forwarded: str = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if count > 0 and forwarded:
        hops = [h.strip() for h in forwarded.split(",") if h.strip()]
        if len(hops) >= count:
            return hops[-count]
    return request.META.get("REMOTE_ADDR") or None


def record(
    actor: Person | None,
    subject: Person | None,
    action: str,
    request: HttpRequest | None = None,
    detail: str = "",
) -> AuditEvent:
    """Append one event: `actor` did `action` to `subject`'s data (either may be None, e.g.
    a failed sign-in has no actor). The source IP comes from `request` (None from the CLI,
    where `detail` should say so). `detail` is cut to 300 characters; never put health data
    in it, only what was touched ("report PDF", "/clinic/…/").
    """
    if action not in Action.values:
        raise ValueError(f"unknown audit action {action!r}")
    return AuditEvent.objects.create(
        actor=actor,
        actor_name=actor.user.username if actor else "",
        subject=subject,
        subject_name=subject.user.username if subject else "",
        action=action,
        ip=client_ip(request) if request is not None else None,
        detail=detail[:300],
    )


def trail_for(person: Person) -> QuerySet[AuditEvent]:
    """What happened to this person's data or account, newest first (their own trail)."""
    return AuditEvent.objects.filter(subject=person).order_by("-at", "-id")

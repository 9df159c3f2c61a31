"""Delivery channels: Web Push (pywebpush, VAPID) and e-mail (Django's mail framework).

Both are at-least-once (see `scheduler`); each send is made so that a duplicate does little
harm: a push's `tag`/`Topic` is the reminder key (the phone shows one notification per key),
an e-mail's Message-ID is the delivery's code.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils.timezone import now

from spasmtrack.reminders.models import Delivery, ReminderSettings


class PermanentFailure(Exception):
    """Sending cannot succeed however often it is tried (no address, no device)."""


Sender = Callable[[Delivery], None]  # a channel: sends one delivery or raises

VAPID_FILE = "vapid-private.pem"
PUSH_TIMEOUT = 10  # seconds per push service request


def vapid_key_path() -> Path:
    """The VAPID private key (P-256, PEM) in the data dir, generated on first use (0600)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    path = Path(settings.REMINDERS_KEY_DIR) / VAPID_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        key = ec.generate_private_key(ec.SECP256R1())
        pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(pem)
        tmp.chmod(0o600)
        tmp.replace(path)  # two processes racing: each file is a whole key, one wins
    return path


def vapid_public_key() -> str:
    """The application server key for `PushManager.subscribe` (base64url, uncompressed point)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    key = serialization.load_pem_private_key(vapid_key_path().read_bytes(), password=None)
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    raw = key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def push_payload(d: Delivery) -> dict[str, str]:
    """What the service worker (`static/reminders/sw-push.js`) shows."""
    return {"title": d.title, "body": d.body, "url": d.url, "tag": d.key}


def topic(key: str) -> str:
    """RFC 8030 Topic (at most 32 base64url characters): a newer message with the same topic
    replaces one the push service still holds."""
    return base64.urlsafe_b64encode(hashlib.sha256(key.encode()).digest()[:24]).decode()


def send_push(d: Delivery) -> None:
    """Send to every device the person subscribed; a device the push service says is gone
    (404/410) is forgotten. Raises PermanentFailure when no device is left."""
    from pywebpush import WebPushException, webpush

    subs = list(d.person.push_subscriptions.all())
    if not subs:
        raise PermanentFailure("no device is subscribed to notifications")
    ttl = max(60, int((d.until - now()).total_seconds()))
    data = json.dumps(push_payload(d))
    delivered = gone = 0
    errors: list[str] = []
    for sub in subs:
        try:
            webpush(
                subscription_info=sub.info(),
                data=data,
                vapid_private_key=str(vapid_key_path()),
                vapid_claims={"sub": settings.VAPID_SUBJECT},
                ttl=ttl,
                headers={"Topic": topic(d.key), "Urgency": "normal"},
                timeout=PUSH_TIMEOUT,
            )
            delivered += 1
        except WebPushException as e:
            status = getattr(e.response, "status_code", None)
            if status in (404, 410):
                sub.delete()
                gone += 1
            else:
                errors.append(f"{status}: {e.message}")
    if errors and not delivered:
        raise RuntimeError("; ".join(errors))
    if gone == len(subs):
        raise PermanentFailure("every subscribed device has unsubscribed")


def send_email(d: Delivery) -> None:
    s = ReminderSettings.objects.filter(person_id=d.person_id).select_related("person__user")
    row = s.first()
    address = row.address if row else d.person.user.email
    if not address:
        raise PermanentFailure("no e-mail address")
    link = settings.SITE_URL.rstrip("/") + d.url
    body = (
        f"{d.body}\n\n{link}\n\n"
        f"You asked {settings.SITE_NAME} for this reminder. Change or stop reminders: "
        f"{settings.SITE_URL.rstrip('/')}/reminders/\n"
    )
    msg = EmailMessage(
        subject=d.title,
        body=body,
        to=[address],
        headers={"Message-ID": f"<{d.code}@spasmtrack.reminders>"},
    )
    msg.send(fail_silently=False)


SENDERS: dict[str, Sender] = {
    Delivery.Channel.PUSH: send_push,
    Delivery.Channel.EMAIL: send_email,
}

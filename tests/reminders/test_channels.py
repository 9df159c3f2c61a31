"""The real channels against local servers the tests start: SMTP (aiosmtpd) and a Web Push
endpoint that decrypts what it receives (RFC 8291 aes128gcm, with http_ece)."""

from __future__ import annotations

import base64
import json
import os
import socket
import threading
from email import message_from_bytes
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import http_ece
from aiosmtpd.controller import Controller
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from spasmtrack.reminders import channels, scheduler
from spasmtrack.reminders.models import Delivery, PushSubscription
from spasmtrack.test import BaseTestCase
from tests.reminders.helpers import NOW, settings_for


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Inbox:
    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], bytes]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 OK"


class PushEndpoint:
    """A push service on 127.0.0.1: stores each request; answers `status`."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, dict[str, str], bytes]] = []
        self.status = 201
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                outer.requests.append(
                    (self.path, {k.lower(): v for k, v in self.headers.items()}, body)
                )
                self.send_response(outer.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class EmailChannelTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.inbox = Inbox()
        self.port = free_port()
        # Both ends name themselves "localhost": no reverse DNS lookup (slow, or network).
        from django.core.mail.utils import DNS_NAME

        DNS_NAME._fqdn = "localhost"  # type: ignore[attr-defined]
        self.smtp = Controller(
            self.inbox, hostname="127.0.0.1", port=self.port, server_hostname="localhost"
        )
        self.smtp.start()
        self.addCleanup(self.smtp.stop)

    def test_it_emails_a_due_reminder_through_smtp(self) -> None:
        settings_for(self.alice, email="alice@example.invalid")
        scheduler.queue_due(NOW)
        with self.settings(
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=self.port,
            SITE_URL="https://spasmtrack.example.invalid",
            DEFAULT_FROM_EMAIL="Spasmtrack <reminders@example.invalid>",
        ):
            self.assertEqual(scheduler.handle_one_batch("w", now=NOW), 1)
            self.assertEqual(scheduler.handle_one_batch("w", now=NOW), 0)
        ((sender, to, raw),) = self.inbox.messages
        msg = message_from_bytes(raw)
        d = Delivery.objects.get()
        self.assertEqual((sender, to), ("reminders@example.invalid", ["alice@example.invalid"]))
        self.assertEqual(msg["Subject"], "Daily check-in")
        self.assertEqual(msg["Message-ID"], f"<{d.code}@spasmtrack.reminders>")
        self.assertIn("https://spasmtrack.example.invalid/checkin/", msg.get_payload())
        self.assertEqual(d.status, "sent")

    def test_it_retries_when_the_mail_server_is_down(self) -> None:
        settings_for(self.alice)
        scheduler.queue_due(NOW)
        with self.settings(
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=free_port(),  # nobody listens
            EMAIL_TIMEOUT=2,
        ):
            scheduler.handle_one_batch("w", now=NOW)
        d = Delivery.objects.get()
        self.assertEqual((d.status, self.inbox.messages), ("pending", []))
        self.assertIn("ConnectionRefusedError", d.last_error)


class PushChannelTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        os.environ.setdefault("NO_PROXY", "127.0.0.1")
        self.endpoint = PushEndpoint()
        self.addCleanup(self.endpoint.close)
        # The browser's side: its P-256 key pair and auth secret (RFC 8291).
        self.device_key = ec.generate_private_key(ec.SECP256R1())
        public = self.device_key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        self.auth_secret = os.urandom(16)
        self.sub = PushSubscription.objects.create(
            person=self.alice,
            endpoint=f"{self.endpoint.url}/push/alice-phone",
            p256dh=b64(public),
            auth=b64(self.auth_secret),
        )
        settings_for(self.alice, by_push=True, by_email=False)
        scheduler.queue_due(NOW)

    def test_it_pushes_an_encrypted_reminder_signed_with_our_vapid_key(self) -> None:
        self.assertEqual(scheduler.handle_one_batch("w", now=NOW), 1)
        ((path, headers, body),) = self.endpoint.requests
        self.assertEqual(path, "/push/alice-phone")
        self.assertEqual(headers["content-encoding"], "aes128gcm")
        plain = http_ece.decrypt(
            body, private_key=self.device_key, auth_secret=self.auth_secret, version="aes128gcm"
        )
        self.assertEqual(
            json.loads(plain),
            {
                "title": "Daily check-in",
                "body": "How was today? The check-in takes a minute.",
                "url": "/checkin/",
                "tag": "checkin:2026-06-01",
            },
        )
        # VAPID (RFC 8292): our public key, and a JWT for this push service's origin.
        scheme, _, params = headers["authorization"].partition(" ")
        fields = dict(p.strip().split("=", 1) for p in params.split(","))
        self.assertEqual(scheme, "vapid")
        self.assertEqual(fields["k"], channels.vapid_public_key())
        claims = json.loads(unb64(fields["t"].split(".")[1]))
        self.assertEqual(claims["aud"], self.endpoint.url)
        self.assertEqual(headers["topic"], channels.topic("checkin:2026-06-01"))
        self.assertLessEqual(len(headers["topic"]), 32)
        self.assertEqual(Delivery.objects.get().status, "sent")

    def test_it_forgets_a_device_the_push_service_says_is_gone(self) -> None:
        self.endpoint.status = 410
        scheduler.handle_one_batch("w", now=NOW)
        self.assertFalse(PushSubscription.objects.exists())
        d = Delivery.objects.get()
        self.assertEqual(
            (d.status, d.last_error), ("failed", "every subscribed device has unsubscribed")
        )

    def test_it_retries_when_the_push_service_fails(self) -> None:
        self.endpoint.status = 503
        scheduler.handle_one_batch("w", now=NOW)
        d = Delivery.objects.get()
        self.assertEqual(d.status, "pending")
        self.assertIn("503", d.last_error)
        self.assertTrue(PushSubscription.objects.exists())

    def test_it_keeps_the_vapid_key_private_and_stable(self) -> None:
        path = channels.vapid_key_path()
        self.assertEqual(path.stat().st_mode & 0o777, 0o600)
        self.assertEqual(channels.vapid_public_key(), channels.vapid_public_key())
        self.assertEqual(len(unb64(channels.vapid_public_key())), 65)

"""`serve --https`: a local CA and a server certificate a client that trusts the CA accepts."""

from __future__ import annotations

import socket
import ssl
import tempfile
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from django.test import TestCase, override_settings

from spasmtrack.cli import gunicorn_args
from spasmtrack.reminders import tls


class TlsTestCase(TestCase):
    def setUp(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="st-tls-"))

    def handshake(self, cert: Path, key: Path, cafile: Path) -> bytes:
        server_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        server_ctx.load_cert_chain(cert, key)
        listener = socket.create_server(("127.0.0.1", 0))
        self.addCleanup(listener.close)

        def serve() -> None:
            conn, _ = listener.accept()
            try:
                with server_ctx.wrap_socket(conn, server_side=True) as s:
                    s.sendall(b"ok")
            except (ssl.SSLError, OSError):
                pass

        threading.Thread(target=serve, daemon=True).start()
        client_ctx = ssl.create_default_context(cafile=str(cafile))
        with (
            socket.create_connection(listener.getsockname()) as raw,
            client_ctx.wrap_socket(raw, server_hostname="127.0.0.1") as s,
        ):
            return s.recv(2)

    def test_it_makes_a_certificate_a_client_trusting_the_ca_accepts(self) -> None:
        cert, key = tls.ensure_server_cert(["localhost", "127.0.0.1", "192.168.1.20"], self.dir)
        self.assertEqual((self.dir / "ca-key.pem").stat().st_mode & 0o777, 0o600)
        self.assertEqual(key.stat().st_mode & 0o777, 0o600)
        self.assertEqual(self.handshake(cert, key, self.dir / "ca.pem"), b"ok")

    def test_it_is_refused_by_a_client_that_does_not_trust_the_ca(self) -> None:
        cert, key = tls.ensure_server_cert(["127.0.0.1"], self.dir)
        other = Path(tempfile.mkdtemp(prefix="st-tls-other-"))
        tls.ensure_ca(other, datetime.now(UTC))
        with self.assertRaises(ssl.SSLCertVerificationError):
            self.handshake(cert, key, other / "ca.pem")

    def test_it_reuses_the_certificate_until_a_new_name_or_expiry(self) -> None:
        first, _ = tls.ensure_server_cert(["localhost"], self.dir)
        pem = first.read_bytes()
        tls.ensure_server_cert(["localhost"], self.dir)
        self.assertEqual(first.read_bytes(), pem)
        ca = (self.dir / "ca.pem").read_bytes()
        tls.ensure_server_cert(["localhost", "10.0.0.5"], self.dir)
        self.assertNotEqual(first.read_bytes(), pem)
        late = datetime.now(UTC) + timedelta(days=tls.SERVER_DAYS - 10)
        pem = first.read_bytes()
        tls.ensure_server_cert(["localhost", "10.0.0.5"], self.dir, at=late)
        self.assertNotEqual(first.read_bytes(), pem)
        self.assertEqual((self.dir / "ca.pem").read_bytes(), ca)  # nothing to reinstall

    def test_it_gives_gunicorn_the_certificate(self) -> None:
        args = gunicorn_args("0.0.0.0", 8443, 2, tls=("c.pem", "k.pem"))
        self.assertEqual(args[-4:], ["--certfile", "c.pem", "--keyfile", "k.pem"])
        self.assertIn("python:spasmtrack.reminders.gunicorn_hooks", args)

    def test_it_serves_the_ca_page_and_certificate_without_sign_in(self) -> None:
        # No account yet: the phone may trust the CA before the first-run set-up.
        with override_settings(REMINDERS_KEY_DIR=str(self.dir)):
            self.assertContains(self.client.get("/https/"), "spasmtrack serve --https")
            self.assertEqual(self.client.get("/https/spasmtrack-ca.crt").status_code, 404)
            tls.ensure_server_cert(["localhost"])
            r = self.client.get("/https/")
            ca = tls.existing_ca()
            assert ca is not None
            self.assertContains(r, tls.fingerprint(ca))
            r = self.client.get("/https/spasmtrack-ca.crt")
            self.assertEqual(r["Content-Type"], "application/x-x509-ca-cert")
            self.assertEqual(x509.load_der_x509_certificate(r.content), ca)

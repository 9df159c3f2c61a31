from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.test import override_settings

from spasmtrack.cli import gunicorn_args
from spasmtrack.test import BaseTestCase

ROOT = Path(__file__).resolve().parents[1]
SECRET = "SECRET-HEALTH-NOTE-7f3a"


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _status(url: str, data: bytes | None = None) -> int:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, data=data), timeout=10) as r:
            return int(r.status)
    except urllib.error.HTTPError as e:
        return int(e.code)


class ServerErrorsTestCase(BaseTestCase):
    def test_it_logs_every_unhandled_exception_with_its_path_to_stderr_under_serve(self) -> None:
        """The real `serve` command line (gunicorn, DEBUG off): the traceback and the path of a
        500 reach stderr; the request body (health data) never reaches any log."""
        with tempfile.TemporaryDirectory() as data_dir:
            env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DEBUG")}
            env.update(
                SPASMTRACK_DATA_DIR=data_dir,
                DJANGO_SETTINGS_MODULE="tests.server_errors_settings",
                SPASMTRACK_NO_LOCAL_SETTINGS="1",
                PYTHONPATH=os.pathsep.join([str(ROOT / "src"), str(ROOT)]),
            )
            # (`user add` migrates the new database first)
            add = [sys.executable, "-m", "spasmtrack.cli", "user", "add", "ann", "--password-stdin"]
            subprocess.run(add, cwd=ROOT, env=env, check=True, timeout=120, input=b"pw-ann-12345\n")
            port = _free_port()
            args = gunicorn_args("127.0.0.1", port, 1, app="spasmtrack.wsgi:application")
            server = subprocess.Popen(
                args, cwd=ROOT, env=env, text=True,
                stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            )  # fmt: skip
            try:
                base = f"http://127.0.0.1:{port}"
                deadline = time.monotonic() + 90
                while server.poll() is None and time.monotonic() < deadline:
                    try:
                        if _status(f"{base}/healthz") == 200:
                            break
                    except OSError:
                        time.sleep(0.2)
                assert server.poll() is None, server.communicate()[1][-3000:]
                assert _status(f"{base}/boom/", data=f"notes={SECRET}".encode()) == 500
                assert _status(f"{base}/boom/?q=1") == 500
            finally:
                server.send_signal(signal.SIGTERM)
                out, err = server.communicate(timeout=30)
        assert "Internal Server Error: /boom/" in err, err
        assert "RuntimeError: a bug in a view" in err and "Traceback" in err
        assert err.count("Internal Server Error: /boom/") == 2
        assert SECRET not in err and SECRET not in out
        assert "GET /boom/?q=1" in out  # the access log goes to stdout

    @override_settings(DEBUG=False, ROOT_URLCONF="tests.server_errors_urls")
    def test_it_logs_a_500_at_error_with_the_path_and_not_the_body(self) -> None:
        self.client.raise_request_exception = False
        self.client.force_login(self.alice_user)
        with self.assertLogs("django.request", "ERROR") as logs:
            r = self.client.post("/boom/", {"notes": SECRET})
        assert r.status_code == 500
        assert logs.output[0].startswith("ERROR:django.request:Internal Server Error: /boom/")
        assert "RuntimeError: a bug in a view" in logs.output[0]
        assert SECRET not in "\n".join(logs.output)

    def test_it_sends_request_errors_to_stderr(self) -> None:
        import logging

        handlers = logging.getLogger("django.request").handlers
        assert [type(h).__name__ for h in handlers] == ["StreamHandler"]
        # Standard error, whichever wrapper of it other tests left for the logging set-up
        # (not a file, not stdout).
        stream = handlers[0].stream
        assert stream is sys.stderr or getattr(stream, "name", "") == "<stderr>"
        if not logging.getLogger("django.request").isEnabledFor(logging.ERROR):
            pytest.fail("django.request does not log errors")

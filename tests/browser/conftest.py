"""Browser tests drive the real server (gunicorn, as `spasmtrack serve` runs it) in Debian's
chromium through Playwright. The browser is never downloaded: we pass /usr/bin/chromium."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 800}
SMALL = {"width": 320, "height": 640}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def running_server(data_dir: Path) -> Iterator[str]:
    """The app on SQLite in `data_dir`, as `spasmtrack serve` runs it; yields its base URL."""
    port = _free_port()
    env = {**os.environ, "SPASMTRACK_DATA_DIR": str(data_dir)}
    env.pop("DATABASE_URL", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "spasmtrack.cli", "serve", "--port", str(port), "--workers", "1"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                urllib.request.urlopen(url + "/healthz", timeout=1)
                break
            except OSError as e:
                if proc.poll() is not None:
                    err = proc.stderr.read().decode() if proc.stderr else "died"
                    raise RuntimeError(err) from e
                time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        proc.wait(10)


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One app shared by the browser tests (use `signed_in_page` to get in)."""
    with running_server(tmp_path_factory.mktemp("data")) as url:
        yield url


@pytest.fixture
def fresh_server(tmp_path: Path) -> Iterator[str]:
    """An app with an empty database, for first-run flows."""
    with running_server(tmp_path / "data") as url:
        yield url


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} not installed")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    # Without it, `context.set_offline` leaves the service worker's own requests online, and
    # the offline tests (tests/browser/test_pwa.py, test_outbox.py) would test nothing.
    os.environ.setdefault("PW_EXPERIMENTAL_SERVICE_WORKER_NETWORK_EVENTS", "1")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-background-networking",
                "--disable-gpu",
                "--disable-component-update",
            ],
        )
        yield b
        b.close()


def shot(page: object, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)  # type: ignore[attr-defined]


USERNAME, PASSWORD = "sam", "a-long-pass-1"
PERSON_TZ = "Europe/Berlin"  # the shared account's zone; its day starts at the default 04:00


def diary_today() -> date:
    """The shared account's today as the server counts it (its zone, its day start): dates
    a test writes relative to it mean the same day at any hour of the night. (The machine's
    `date.today()` is a day ahead between midnight UTC and 04:00 in Berlin.)"""
    from spasmtrack.core.days import day_of

    return day_of(datetime.now(UTC), PERSON_TZ)


def sign_in_or_up(page: Any, server: str, path: str = "/") -> None:
    """Open `path` as the shared server's one local account: created by whichever test comes
    first (through the first-run page), signed in by the others."""
    page.goto(server + path)
    if page.url.endswith("/setup/"):
        page.fill("#id_username", USERNAME)
        page.fill("#id_password1", PASSWORD)
        page.fill("#id_password2", PASSWORD)
        page.select_option("#id_tz", PERSON_TZ)
        page.click("button.primary")
        page.wait_for_url(server + "/")
        page.goto(server + path)
    elif "/accounts/login/" in page.url:
        page.fill("#id_username", USERNAME)
        page.fill("#id_password", PASSWORD)
        page.click("button.primary")
    page.wait_for_url(f"**{path}")


def signed_in_page(
    browser: Any, server: str, viewport: dict[str, int], color_scheme: str = "light"
) -> Any:
    """A new page at `viewport` in the light or dark theme, signed in and on Today."""
    page = browser.new_context(viewport=viewport, color_scheme=color_scheme).new_page()
    page.set_default_timeout(10_000)
    sign_in_or_up(page, server)
    return page

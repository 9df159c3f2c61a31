"""Production settings: `check --deploy` is clean, and a default secret refuses to start."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest


def run_with(env: dict[str, str], *args: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    base = {
        k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "SECRET_KEY_FILE", "DEBUG")
    }
    full = {
        **base,
        "SPASMTRACK_DATA_DIR": str(tmp_path),
        "SPASMTRACK_NO_LOCAL_SETTINGS": "1",
        "DJANGO_SETTINGS_MODULE": "spasmtrack.settings",
        **env,
    }
    return subprocess.run(
        [sys.executable, *args], env=full, capture_output=True, text=True, timeout=120
    )


PRODUCTION = {"PRODUCTION": "true", "ALLOWED_HOSTS": "clinic.example.org"}


def test_it_passes_check_deploy_under_production_settings(tmp_path: Path) -> None:
    env = {**PRODUCTION, "SECRET_KEY": secrets.token_urlsafe(50)}
    r = run_with(
        env, "-m", "django", "check", "--deploy", "--fail-level", "WARNING", tmp_path=tmp_path
    )
    assert r.returncode == 0, r.stdout + r.stderr
    assert "no issues" in r.stdout


def test_it_flags_the_local_defaults_as_not_deployable(tmp_path: Path) -> None:
    # The same check fails without PRODUCTION: the test above is not vacuous.
    r = run_with(
        {}, "-m", "django", "check", "--deploy", "--fail-level", "WARNING", tmp_path=tmp_path
    )
    assert r.returncode != 0
    assert "SECURE_HSTS_SECONDS" in r.stderr + r.stdout


@pytest.mark.parametrize(
    "secret",
    [
        "",
        "change-me",
        "django-insecure-" + "x" * 50,
        "short-but-random-Xy7",
        "a" * 64,
        # long enough and five or more different characters, but little entropy:
        "abcdefghij" * 5,
        "abcdefghijklmnopqrstuvwxy" * 2,
        "Password1!" * 6,
        "0123456789abcdef" * 4,
        "correct-horse-battery-staple-correct-horse-battery-staple",
    ],
)
def test_it_refuses_to_start_with_a_default_secret(tmp_path: Path, secret: str) -> None:
    r = run_with(
        {**PRODUCTION, "SECRET_KEY": secret}, "-c", "import spasmtrack.settings", tmp_path=tmp_path
    )
    assert r.returncode != 0
    assert "PRODUCTION=true needs SECRET_KEY" in r.stderr
    assert not (tmp_path / "secret_key").exists()  # no key was generated behind the admin's back


def test_it_refuses_production_without_allowed_hosts(tmp_path: Path) -> None:
    env = {"PRODUCTION": "true", "SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": ""}
    r = run_with(env, "-c", "import spasmtrack.settings", tmp_path=tmp_path)
    assert r.returncode != 0
    assert "ALLOWED_HOSTS" in r.stderr


@pytest.mark.parametrize("hosts", ["*", "clinic.example.org,*", " * "])
def test_it_refuses_production_with_a_wildcard_allowed_hosts(tmp_path: Path, hosts: str) -> None:
    env = {"PRODUCTION": "true", "SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": hosts}
    r = run_with(env, "-c", "import spasmtrack.settings", tmp_path=tmp_path)
    assert r.returncode != 0
    assert "refuses ALLOWED_HOSTS='*'" in r.stderr


def test_it_accepts_random_keys_of_every_usual_kind() -> None:
    from django.core.management.utils import get_random_secret_key

    from spasmtrack.settings import MIN_SECRET_BITS, check_production_secret, secret_entropy_bits

    for _ in range(200):  # (each generator's worst of 200 draws still passes)
        for key in (secrets.token_urlsafe(50), secrets.token_hex(32), get_random_secret_key()):
            check_production_secret(key)
            assert secret_entropy_bits(key) >= MIN_SECRET_BITS

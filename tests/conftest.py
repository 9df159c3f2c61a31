from __future__ import annotations

import os
import tempfile

import pytest

# Never touch the developer's real diary: every test run gets its own data directory.
os.environ["SPASMTRACK_DATA_DIR"] = tempfile.mkdtemp(prefix="spasmtrack-test-")
os.environ["SPASMTRACK_NO_LOCAL_SETTINGS"] = "1"


@pytest.fixture(autouse=True)
def _fast_hasher(settings: object) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # type: ignore[attr-defined]


def _no_constant(name: str) -> None:
    raise AssertionError(f"{name} in a JSON response: not valid JSON (RFC 8259)")


@pytest.fixture(autouse=True)
def _strict_json_responses(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every JSON response any test receives through the test client must be strict JSON:
    no NaN or Infinity (which json.dumps writes by default and browsers refuse)."""
    import json

    from django.test import Client

    original = Client.request

    def checked(self: Client, **request: object) -> object:
        response = original(self, **request)
        kind = response.get("Content-Type", "")  # type: ignore[attr-defined]
        if "json" in kind and not response.streaming and response.content:  # type: ignore[attr-defined]
            try:
                json.loads(response.content, parse_constant=_no_constant)  # type: ignore[attr-defined]
            except AssertionError as e:
                raise AssertionError(f"{request.get('PATH_INFO')}: {e}") from None
        return response

    monkeypatch.setattr(Client, "request", checked)

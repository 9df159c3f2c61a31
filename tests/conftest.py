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

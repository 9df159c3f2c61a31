"""The real settings, with URLs that add one failing view (for tests/test_server_errors.py)."""

from spasmtrack.settings import *  # noqa: F403

ROOT_URLCONF = "tests.server_errors_urls"

"""Settings for benchmarks only: the app's settings plus a bare baseline view."""

from spasmtrack.settings import *  # noqa: F403

ROOT_URLCONF = "bench_urls"
DEBUG = False

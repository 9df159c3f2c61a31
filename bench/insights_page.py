"""GET /api/insights for a person with three years of demo data: cold and warm cache,
against a bare view that returns the same JSON from a constant (same process, same run).

In-process through Django's test client (no network, no server) on a throwaway SQLite
database, so the figures are the view's own cost: auth, the diary-version query, the
series queries and the analysis (cold), or one query and a cache read (warm).

Run: .venv/bin/python bench/insights_page.py [--days 1095] [--runs 15]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
import types

os.environ["SPASMTRACK_DATA_DIR"] = tempfile.mkdtemp(prefix="spasmtrack-bench-")
os.environ["SPASMTRACK_NO_LOCAL_SETTINGS"] = "1"
os.environ["DJANGO_SETTINGS_MODULE"] = "spasmtrack.settings"


def median_ms(fn: object, runs: int, before: object = None) -> float:
    times = []
    for _ in range(runs):
        if before:
            before()  # type: ignore[operator]
        t = time.perf_counter()
        fn()  # type: ignore[operator]
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--days", type=int, default=3 * 365)
    ap.add_argument("--runs", type=int, default=15)
    args = ap.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.core.cache import cache
    from django.core.management import call_command
    from django.http import HttpRequest, HttpResponse
    from django.test import Client
    from django.test.utils import override_settings
    from django.urls import path

    from spasmtrack.accounts.models import ApiToken, Person
    from spasmtrack.diary.demo import create_demo
    from spasmtrack.urls import urlpatterns

    settings.ALLOWED_HOSTS = ["testserver"]
    call_command("migrate", verbosity=0)
    t = time.perf_counter()
    n = create_demo(days=args.days, seed=1, tz="Europe/Berlin")
    print(f"demo: {n} entries over {args.days} days in {time.perf_counter() - t:.1f} s")
    person = Person.objects.get(user__username="demo")
    _, token = ApiToken.issue(person, "bench")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}

    client = Client()
    body = client.get("/api/insights", **auth).content
    data = json.loads(body)
    print(
        f"report: {len(data['helps'])} helps, {len(data['aggravates'])} aggravates, "
        f"{len(data['no_clear_effect'])} no clear effect, {len(data['not_enough_data'])} "
        f"not enough data; {len(body) / 1024:.0f} KiB"
    )

    def bare(request: HttpRequest) -> HttpResponse:
        return HttpResponse(body, content_type="application/json")

    urlconf = types.ModuleType("bench_insights_urls")
    urlconf.urlpatterns = [path("bench/bare-insights", bare), *urlpatterns]  # type: ignore[attr-defined]
    sys.modules["bench_insights_urls"] = urlconf

    with override_settings(ROOT_URLCONF="bench_insights_urls"):

        def get_api() -> None:
            assert client.get("/api/insights", **auth).status_code == 200

        def get_bare() -> None:
            assert client.get("/bench/bare-insights").status_code == 200

        get_bare()
        cold = median_ms(get_api, args.runs, before=cache.clear)
        warm = median_ms(get_api, args.runs * 4)
        baseline = median_ms(get_bare, args.runs * 4)

    print(f"bare view, constant JSON : {baseline:8.2f} ms")
    print(f"/api/insights warm cache : {warm:8.2f} ms  ({warm / baseline:.1f}x bare)")
    print(
        f"/api/insights cold cache : {cold:8.2f} ms  ({cold / baseline:.1f}x bare, "
        f"{cold / warm:.0f}x warm)"
    )


if __name__ == "__main__":
    main()

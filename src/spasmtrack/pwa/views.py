"""The installable web app: the manifest, the service worker (served from the site root so it
controls every page), the page shown offline, and the favicon. None of them needs a sign-in
and none holds anyone's data."""

from __future__ import annotations

import functools
import hashlib
import json
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import FileResponse, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.views.decorators.http import require_GET

THEME = "#17324d"  # the header's navy (light and dark both use it for the bar)
BACKGROUND = "#fdfcf8"  # the page background while the app starts
SW_SOURCE = Path(__file__).with_name("sw.js")

# Precached when the worker installs: the page shown offline and every style, script and icon
# a page uses. Pages themselves are cached as they are visited (see sw.js).
SHELL_STATIC = (
    "css/app.css",
    "css/bodymap.css",
    "js/app.js",
    "js/outbox.js",
    "js/htmx.min.js",
    "js/bodymap.js",
    "icons/icon.svg",
    "icons/icon-192.png",
    "icons/maskable-192.png",
)
# Visited by the worker after sign-in so that each log form opens with no connection.
WARM_PAGES = ("/", "/log/spasm/", "/log/twitch/", "/checkin/", "/log/pain/", "/log/treatment/")


@require_GET
def manifest(request: HttpRequest) -> JsonResponse:
    icons = [
        {"src": static("icons/icon-192.png"), "sizes": "192x192", "type": "image/png"},
        {"src": static("icons/icon-512.png"), "sizes": "512x512", "type": "image/png"},
        {
            "src": static("icons/maskable-192.png"),
            "sizes": "192x192",
            "type": "image/png",
            "purpose": "maskable",
        },
        {
            "src": static("icons/maskable-512.png"),
            "sizes": "512x512",
            "type": "image/png",
            "purpose": "maskable",
        },
        {"src": static("icons/icon.svg"), "sizes": "any", "type": "image/svg+xml"},
    ]
    body = {
        "id": "/",
        "name": settings.SITE_NAME,
        "short_name": settings.SITE_NAME[:12],
        "description": "Log muscle spasms in seconds and learn what helps.",
        "lang": "en",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "orientation": "any",
        "background_color": BACKGROUND,
        "theme_color": THEME,
        "categories": ["health", "medical"],
        "icons": icons,
        "shortcuts": [
            {"name": "Log a spasm", "url": "/log/spasm/"},
            {"name": "Daily check-in", "url": "/checkin/"},
        ],
    }
    response = JsonResponse(body, content_type="application/manifest+json")
    response["Cache-Control"] = "no-cache"
    return response


@functools.cache
def _shell() -> tuple[str, list[str]]:
    """(version, URLs to precache). The version is a hash of the worker and every shell file,
    so a changed style or script installs a new worker, which drops the old caches."""
    digest = hashlib.sha256(SW_SOURCE.read_bytes())
    urls = [static(name) for name in SHELL_STATIC]
    for name in SHELL_STATIC:
        found = finders.find(name)
        if isinstance(found, str):
            digest.update(Path(found).read_bytes())
    return digest.hexdigest()[:16], ["/offline/", "/manifest.webmanifest", *urls]


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    version, shell = _shell()
    config = (
        f"const VERSION = {json.dumps(version)};\n"
        f"const SHELL = {json.dumps(shell)};\n"
        f"const WARM_PAGES = {json.dumps(list(WARM_PAGES))};\n"
    )
    response = HttpResponse(
        config + SW_SOURCE.read_text(encoding="utf-8"), content_type="text/javascript"
    )
    # Browsers check for a new worker on each visit; never let a cache keep the old one.
    response["Cache-Control"] = "no-cache"
    response["Service-Worker-Allowed"] = "/"
    return response


@require_GET
def offline(request: HttpRequest) -> HttpResponse:
    return render(request, "pwa/offline.html")


@require_GET
def favicon(request: HttpRequest) -> FileResponse:
    path = finders.find("icons/favicon.ico")
    response = FileResponse(open(str(path), "rb"), content_type="image/x-icon")  # noqa: SIM115
    response["Cache-Control"] = "public, max-age=604800"
    return response

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from spasmtrack.navigation import Nav


def site(request: HttpRequest) -> dict[str, object]:
    """Site name, the navigation (`spasmtrack.navigation`), and the pending "Undo" of a
    just-deleted entry (shown once).

    A copy fetched by the service worker to show offline later (`X-SW-Cache: 1`) uses up
    neither the "Undo" nor the flash messages (base.html leaves them out of it)."""
    for_cache = request.headers.get("X-SW-Cache") == "1"
    undo = None
    if not for_cache and hasattr(request, "session"):
        undo = request.session.pop("undo", None)
    person = getattr(request, "person", None)
    nav = Nav(request.path, lambda: getattr(person, "is_clinician", False))
    return {"site_name": settings.SITE_NAME, "nav": nav, "undo": undo, "for_cache": for_cache}

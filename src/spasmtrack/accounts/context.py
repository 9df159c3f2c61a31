from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, object]:
    """Site name, and the pending "Undo" of a just-deleted entry (shown once)."""
    undo = request.session.pop("undo", None) if hasattr(request, "session") else None
    return {"site_name": settings.SITE_NAME, "undo": undo}

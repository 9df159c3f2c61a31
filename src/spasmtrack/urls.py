from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.urls import include, path

from spasmtrack.api import api
from spasmtrack.features import FEATURE_APPS


def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness with a real database round trip (for load balancers and monitors)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as e:  # any database failure means "not healthy", never a 500 page
        return JsonResponse({"status": "error", "error": type(e).__name__}, status=503)
    return JsonResponse({"status": "ok"})


handler500 = "spasmtrack.busy.server_error"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("api/", api.urls),
    path("", include("spasmtrack.accounts.urls")),
    *(path("", include(f"spasmtrack.{app}.urls")) for app in FEATURE_APPS),
    path("", include("spasmtrack.diary.urls")),
]

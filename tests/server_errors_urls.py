"""The app's URLs plus /boom/, a view with a bug (for tests/test_server_errors.py)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from spasmtrack.urls import handler500
from spasmtrack.urls import urlpatterns as app_urlpatterns

__all__ = ["handler500", "urlpatterns"]


@csrf_exempt
def boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a bug in a view")


urlpatterns = [path("boom/", boom), *app_urlpatterns]

"""No pages yet: the measurements are read through the API, the CLI and Insights."""

from __future__ import annotations

from django.urls import URLPattern

app_name = "measures"
urlpatterns: list[URLPattern] = []

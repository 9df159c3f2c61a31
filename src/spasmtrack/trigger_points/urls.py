from __future__ import annotations

from django.urls import URLPattern

app_name = "trigger_points"
urlpatterns: list[URLPattern] = []

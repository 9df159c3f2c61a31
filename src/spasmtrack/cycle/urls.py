from __future__ import annotations

from django.urls import URLPattern, path

from spasmtrack.cycle import views

app_name = "cycle"
urlpatterns: list[URLPattern] = [
    path("cycle/settings/", views.cycle_setting, name="settings"),
    path("cycle/today/", views.period_today, name="today"),
]

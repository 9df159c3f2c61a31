from __future__ import annotations

from django.urls import URLPattern, path

from spasmtrack.insights import views

app_name = "insights"
urlpatterns: list[URLPattern] = [
    path("insights/", views.insights_page, name="page"),
]

from __future__ import annotations

from django.urls import path

from spasmtrack.trigger_points import views

app_name = "trigger_points"
urlpatterns = [
    path("trigger-points/", views.tracking_page, name="tracking"),
    path("trigger-points/finder/", views.finder, name="finder"),
    path("trigger-points/record/", views.record, name="record"),
    path("trigger-points/pattern/<slug:muscle>/<slug:side>/", views.pattern, name="pattern"),
]

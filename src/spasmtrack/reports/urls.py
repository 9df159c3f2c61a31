from __future__ import annotations

from django.urls import path

from spasmtrack.reports import views

app_name = "reports"
urlpatterns = [path("report/", views.report, name="report")]

from __future__ import annotations

from django.urls import URLPattern, path

from spasmtrack.trials import views

app_name = "trials"
urlpatterns: list[URLPattern] = [
    path("trials/", views.trial_list, name="list"),
    path("trials/new/", views.new, name="new"),
    path("trials/<uuid:code>/", views.detail, name="detail"),
    path("trials/<uuid:code>/events/", views.event, name="event"),
    path("trials/<uuid:code>/answer/", views.answer, name="answer"),
    path("trials/<uuid:code>/report/", views.report, name="report"),
    path("trials/<uuid:code>/schedule.ics", views.ics, name="ics"),
]

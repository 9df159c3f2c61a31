from __future__ import annotations

from django.urls import URLPattern, path

from spasmtrack.reminders import views

app_name = "reminders"
urlpatterns: list[URLPattern] = [
    path("reminders/", views.settings_page, name="settings"),
    path("reminders/test/", views.send_test, name="test"),
    path("reminders/pain-after/<uuid:code>/", views.pain_after, name="pain_after"),
    path("reminders/calendar.ics", views.calendar, name="calendar"),
    path("https/", views.https_page, name="https"),
    path("https/spasmtrack-ca.crt", views.ca_certificate, name="ca_certificate"),
]

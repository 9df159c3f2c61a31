from __future__ import annotations

from django.urls import path

from spasmtrack.diary import views

app_name = "diary"
urlpatterns = [
    path("", views.today, name="today"),
    path("log/treatment/", views.log_treatment, name="log_treatment"),
    path("log/pain/", views.pain_drawing, name="pain_drawing"),
    path("log/<str:kind>/", views.log_event, name="log_event"),
    path("checkin/", views.checkin, name="checkin"),
    path("quick/", views.quick_log, name="quick_log"),
    path("history/", views.history, name="history"),
    path("day-hint/", views.day_hint, name="day_hint"),
    path("entries/<str:resource>/<uuid:code>/edit/", views.edit, name="edit"),
    path("entries/<str:resource>/<uuid:code>/delete/", views.delete, name="delete"),
    path("entries/<str:resource>/<uuid:code>/restore/", views.restore, name="restore"),
]

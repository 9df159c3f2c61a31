from __future__ import annotations

from django.urls import path

from spasmtrack.questionnaires import views

app_name = "questionnaires"
urlpatterns = [
    path("questionnaires/", views.index, name="index"),
    path("questionnaires/r/<uuid:code>/", views.result, name="result"),
    path("questionnaires/<str:kind>/", views.fill, name="fill"),
]

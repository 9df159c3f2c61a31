from __future__ import annotations

from django.urls import path

from spasmtrack.interop import views

app_name = "interop"
urlpatterns = [
    path("export/<str:fmt>/", views.export, name="export"),
    path("import/flaredown/", views.flaredown_user, name="flaredown_user"),
]

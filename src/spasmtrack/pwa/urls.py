from __future__ import annotations

from django.urls import path

from spasmtrack.pwa import views

app_name = "pwa"
urlpatterns = [
    path("manifest.webmanifest", views.manifest, name="manifest"),
    # At the root, so the worker's scope is the whole site (a script under /static/ could
    # only control /static/).
    path("sw.js", views.service_worker, name="service_worker"),
    path("offline/", views.offline, name="offline"),
    path("favicon.ico", views.favicon, name="favicon"),
]

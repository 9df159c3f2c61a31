from __future__ import annotations

from django.urls import path

from spasmtrack.interop import views

app_name = "interop"
urlpatterns = [
    path("export/<str:fmt>/", views.export, name="export"),
    path("import/flaredown/", views.flaredown_user, name="flaredown_user"),
    path("settings/backup/", views.backup_restore, name="backup"),
    # Under /setup/: reachable before the first account exists (FirstRunMiddleware).
    path("setup/restore/", views.first_run_restore, name="first_run_restore"),
]

from __future__ import annotations

from django.apps import AppConfig


class PwaConfig(AppConfig):
    name = "spasmtrack.pwa"
    label = "pwa"
    verbose_name = "Installable web app: manifest, service worker, offline page"

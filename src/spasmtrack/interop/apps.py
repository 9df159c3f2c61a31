from __future__ import annotations

from django.apps import AppConfig


class InteropConfig(AppConfig):
    name = "spasmtrack.interop"
    label = "interop"

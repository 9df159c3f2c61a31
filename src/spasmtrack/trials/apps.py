from __future__ import annotations

from django.apps import AppConfig


class TrialsConfig(AppConfig):
    name = "spasmtrack.trials"
    label = "trials"

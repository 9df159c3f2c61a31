from __future__ import annotations

from django.apps import AppConfig


class TriggerPointsConfig(AppConfig):
    name = "spasmtrack.trigger_points"
    label = "trigger_points"

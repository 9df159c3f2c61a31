from __future__ import annotations

from django.apps import AppConfig


class CycleConfig(AppConfig):
    name = "spasmtrack.cycle"
    label = "cycle"
    verbose_name = "Menstrual cycle (optional)"
    insight_factors = "spasmtrack.cycle.factors"  # see insights.providers

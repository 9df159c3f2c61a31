from __future__ import annotations

from django.apps import AppConfig


class MeasuresConfig(AppConfig):
    name = "spasmtrack.measures"
    label = "measures"
    verbose_name = "Daily measurements (weather, sleep, activity)"
    insight_factors = "spasmtrack.measures.factors"  # see insights.providers

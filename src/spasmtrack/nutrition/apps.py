from __future__ import annotations

from django.apps import AppConfig


class NutritionConfig(AppConfig):
    name = "spasmtrack.nutrition"
    label = "nutrition"

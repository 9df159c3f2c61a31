from __future__ import annotations

from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "spasmtrack.insights"
    label = "insights"

    def ready(self) -> None:
        # Keep cached analyses honest: any diary write bumps the person's diary version.
        from spasmtrack.insights import signals

        signals.connect()

from __future__ import annotations

from django.apps import AppConfig


class TrialsConfig(AppConfig):
    name = "spasmtrack.trials"
    label = "trials"
    # Insights findings carry what a finished experiment said (insights.providers).
    insight_marks = "spasmtrack.trials.findings:mark_findings"

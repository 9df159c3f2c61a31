from __future__ import annotations

from django.apps import AppConfig


class ClinicConfig(AppConfig):
    name = "spasmtrack.clinic"
    label = "clinic"
    verbose_name = "Clinic: shared access for clinicians"

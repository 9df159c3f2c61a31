from __future__ import annotations

from django.apps import AppConfig


class QuestionnairesConfig(AppConfig):
    name = "spasmtrack.questionnaires"
    label = "questionnaires"

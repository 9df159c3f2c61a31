from __future__ import annotations

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class DiaryConfig(AppConfig):
    name = "spasmtrack.diary"
    label = "diary"

    def ready(self) -> None:
        from spasmtrack.diary.catalogue import sync_catalogue_after_migrate

        post_migrate.connect(sync_catalogue_after_migrate, sender=self)

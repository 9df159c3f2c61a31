from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _sync_catalogue_after_migrate(**kwargs: Any) -> None:
    # Imported here: the catalogue module is not needed at django.setup(), only after migrate.
    from spasmtrack.diary.catalogue import sync_catalogue_after_migrate

    sync_catalogue_after_migrate(**kwargs)


class DiaryConfig(AppConfig):
    name = "spasmtrack.diary"
    label = "diary"

    def ready(self) -> None:
        post_migrate.connect(_sync_catalogue_after_migrate, sender=self)

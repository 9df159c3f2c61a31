"""Bump the person's diary version whenever an entry the insights read changes.

Covers saves (create, edit, move to bin, restore) and deletes. Writes that bypass signals
(`bulk_create`, e.g. the Flaredown import) are still caught because the cache key also
holds the newest id of each table (see `spasmtrack.insights.services.diary_version`).
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.db.models.signals import post_delete, post_save

from spasmtrack.insights.models import DiaryVersion


def bump(person_id: int) -> None:
    """Add one to the person's diary version (creating the row on first use)."""
    if DiaryVersion.objects.filter(person_id=person_id).update(version=F("version") + 1):
        return
    try:
        with transaction.atomic():
            DiaryVersion.objects.create(person_id=person_id, version=1)
    except IntegrityError:  # created by a concurrent write in between
        DiaryVersion.objects.filter(person_id=person_id).update(version=F("version") + 1)


def _on_save(sender: Any, instance: Any, created: bool = False, **kwargs: Any) -> None:
    # A new entry raises its table's newest id, which the cache key already holds: no write
    # needed on the hot path of logging. Edits, bin and restore keep the id, so they bump.
    if kwargs.get("raw") or created:
        return
    bump(instance.person_id)


def _on_delete(sender: Any, instance: Any, **kwargs: Any) -> None:
    # Update only: while an account is deleted its entries go too, and creating a row for
    # a person that is being deleted would break the foreign key. A person whose analysis
    # was ever cached has a row already (`services.diary_version` makes sure of it).
    DiaryVersion.objects.filter(person_id=instance.person_id).update(version=F("version") + 1)


def watched_models() -> list[type[Any]]:
    """Models the analysis reads: the diary kinds whose descriptor says so (`insights`), the
    nutrition app's intakes and changes, and questionnaire responses (the tender-point
    exam's sensitisation outcome, see insights.daily)."""
    from spasmtrack.diary.entries import RESOURCES
    from spasmtrack.nutrition.models import ChangeEvent, Intake
    from spasmtrack.questionnaires.models import QuestionnaireResponse

    diary: list[type[Any]] = [r.model for r in RESOURCES.values() if r.insights]
    from spasmtrack.insights.providers import factor_providers

    extra: list[type[Any]] = []
    for provider in factor_providers():  # apps that bring factors (insights.daily)
        extra += provider.watched_models()
    return [*diary, Intake, ChangeEvent, QuestionnaireResponse, *extra]


def connect() -> None:
    for model in watched_models():
        post_save.connect(_on_save, sender=model, dispatch_uid=f"insights-s-{model.__name__}")
        post_delete.connect(_on_delete, sender=model, dispatch_uid=f"insights-d-{model.__name__}")

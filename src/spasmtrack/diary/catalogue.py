"""Keep the shared Treatment and Habit catalogues in step with the cited knowledge files.

Runs after every `migrate`: rows are upserted by their stable key, so a new release that adds
or renames a catalogue entry reaches existing databases. Rows are never deleted: old logs
point at them.
"""

from __future__ import annotations

from typing import Any

from spasmtrack.core import catalogue


def sync_catalogue() -> tuple[int, int]:
    """Upsert the shared catalogues; returns (treatments, habits) in the knowledge files."""
    from spasmtrack.diary.models import Habit, Treatment

    treatments = catalogue.treatments()
    for t in treatments.values():
        Treatment.objects.update_or_create(
            key=t.id,
            owner=None,
            defaults={"name": t.name, "category": t.category, "unit": t.unit},
        )
    habits = catalogue.habits()
    for h in habits.values():
        Habit.objects.update_or_create(
            key=h.id,
            owner=None,
            defaults={"name": h.name, "kind": h.kind, "unit": h.unit, "category": h.category},
        )
    return len(treatments), len(habits)


def sync_catalogue_after_migrate(**kwargs: Any) -> None:
    sync_catalogue()

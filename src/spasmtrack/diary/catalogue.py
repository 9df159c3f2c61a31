"""Keep the shared Treatment and Habit catalogues in step with the cited knowledge files.

Runs after every `migrate`: rows are upserted by their stable key, so a new release that adds
or renames a catalogue entry reaches existing databases. Rows are never deleted: old logs
point at them.
"""

from __future__ import annotations

import json
from typing import Any

from spasmtrack.knowledge import data_path


def _load(name: str) -> list[dict[str, Any]]:
    path = data_path(name)
    if not path.exists():
        return []
    data = json.loads(path.read_text(encoding="utf-8"))
    return data["entries"] if isinstance(data, dict) else data


def sync_catalogue() -> tuple[int, int]:
    """Upsert the shared catalogues; returns (treatments, habits) in the knowledge files."""
    from spasmtrack.diary.models import Habit, Treatment

    treatments = _load("treatments.json")
    for t in treatments:
        Treatment.objects.update_or_create(
            key=t["id"],
            owner=None,
            defaults={"name": t["name"], "category": t["category"], "unit": t.get("unit", "")},
        )
    habits = _load("habits.json")
    for h in habits:
        Habit.objects.update_or_create(
            key=h["id"],
            owner=None,
            defaults={
                "name": h["name"],
                "kind": h.get("kind", "yes_no"),
                "unit": h.get("unit", ""),
                "category": h.get("category", "lifestyle"),
            },
        )
    return len(treatments), len(habits)


def sync_catalogue_after_migrate(**kwargs: Any) -> None:
    sync_catalogue()

"""Hooks: an app offers something to an app below it by naming it in its AppConfig, so the lower
app imports nothing from the higher one and the arrow runs down (README, "Layout").

In use: `insight_factors` (a module of Insights factors, insights.providers), `insight_marks`
(what a finished experiment said about a finding, the trials app) and `experiment_alarm` (the
time an experiment day rings in its calendar file, the reminders app).
"""

from __future__ import annotations

from importlib import import_module
from typing import Any


def offered(attr: str) -> list[Any]:
    """What the installed apps name under `attr` in their AppConfig, imported, in app order:
    a module (`"spasmtrack.app.module"`) or one of its names (`"spasmtrack.app.module:name"`)."""
    from django.apps import apps

    found = []
    for config in apps.get_app_configs():
        if path := getattr(config, attr, None):
            module, _, name = str(path).partition(":")
            loaded = import_module(module)
            found.append(getattr(loaded, name) if name else loaded)
    return found

"""Apps that bring their own Insights factors (light: imported at start-up by the signals)."""

from __future__ import annotations

from typing import Any


def factor_providers() -> list[Any]:
    """The factor-provider modules the installed apps declare.

    An app provides Insights factors by naming a module in its AppConfig
    (`insight_factors = "spasmtrack.<app>.factors"`) that defines
    `insight_factors(person, first_day, last_day) -> (factors, factor_info, notes)` (series
    by name, `core.insights.Factor` by name, sentences for the page) and `watched_models()`
    (the models whose changes must refresh the cached analysis). The module is imported at
    start-up (the signals connect to its models), so it must not import heavy libraries.
    """
    from importlib import import_module

    from django.apps import apps

    return [
        import_module(path)
        for config in apps.get_app_configs()
        if (path := getattr(config, "insight_factors", None))
    ]

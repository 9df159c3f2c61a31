"""What other apps bring to Insights: factors (light: imported at start-up by the signals), and
what a finished experiment said about a finding. Insights imports neither app: each names its
module in its AppConfig, so the arrows run from those apps down to Insights."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from spasmtrack.hooks import offered


def factor_providers() -> list[Any]:
    """The factor-provider modules the installed apps declare.

    An app provides Insights factors by naming a module in its AppConfig
    (`insight_factors = "spasmtrack.<app>.factors"`) that defines
    `insight_factors(person, first_day, last_day) -> (factors, factor_info, notes)` (series
    by name, `core.insights.Factor` by name, sentences for the page) and `watched_models()`
    (the models whose changes must refresh the cached analysis). The module is imported at
    start-up (the signals connect to its models), so it must not import heavy libraries.
    """
    return offered("insight_factors")


def mark_findings(report: Mapping[str, Any], person: Any, today: date) -> dict[str, Any]:
    """A copy of `report` whose items carry `experiment`: what a finished experiment that
    tested the finding said, or None.

    The trials app (always installed) names the function in its AppConfig (`insight_marks =
    "spasmtrack.trials.findings:mark_findings"`, taking report, person and today).
    """
    (marker,) = offered("insight_marks")
    marked: dict[str, Any] = marker(report, person, today)
    return marked

"""Insights: which factors go with better or worse days, with honest uncertainty.

The public face: apps import from here, not from the modules (the engine in `engine`,
the AR(1) GLS fits in `gls`, before/after changes in `change`, multiple-comparison and
t inference in `stats`, wording in `text`, simulations for calibration in `sim`).
"""

from __future__ import annotations

from spasmtrack.core.insights.change import rtm_corrected
from spasmtrack.core.insights.engine import (
    COMPLETE_DAYS_RULE,
    FDR_LEVEL,
    Factor,
    Insight,
    InsightDict,
    InsightsReport,
    ItsResult,
    Outcome,
    PairedEffect,
    adjustment_columns,
    analyse,
    interrupted_time_series,
    paired_effect,
    series_grid,
)
from spasmtrack.core.insights.stats import bh_q_values
from spasmtrack.core.insights.text import interval_text, number

__all__ = [
    "COMPLETE_DAYS_RULE",
    "FDR_LEVEL",
    "Factor",
    "Insight",
    "InsightDict",
    "InsightsReport",
    "ItsResult",
    "Outcome",
    "PairedEffect",
    "adjustment_columns",
    "analyse",
    "bh_q_values",
    "interrupted_time_series",
    "interval_text",
    "number",
    "paired_effect",
    "rtm_corrected",
    "series_grid",
]

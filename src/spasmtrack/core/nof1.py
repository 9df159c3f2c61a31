"""Randomised n-of-1 self-experiments ("does A or B help me more?"): the public API.

The pieces live in small modules: design and calendar (`nof1_design`), the Bayesian analysis
(`nof1_model`, whose docstring states the model and priors), the power check (`nof1_power`)
and CSV import (`nof1_csv`). Import from here.
"""

from __future__ import annotations

from spasmtrack.core.nof1_csv import TrialCsvError, parse_trial_csv
from spasmtrack.core.nof1_design import (
    DayRecord,
    DayStatus,
    Schedule,
    make_schedule,
    to_ics,
)
from spasmtrack.core.nof1_model import (
    Priors,
    ProtocolComparison,
    ProtocolDay,
    TrialDay,
    TrialResult,
    analyse,
    analyse_itt_and_per_protocol,
    infer_blocks,
)
from spasmtrack.core.nof1_power import PlanChoice, PowerCheck, plan_to_power, power_warning

__all__ = [
    "DayRecord",
    "DayStatus",
    "PlanChoice",
    "PowerCheck",
    "Priors",
    "ProtocolComparison",
    "ProtocolDay",
    "Schedule",
    "TrialCsvError",
    "TrialDay",
    "TrialResult",
    "analyse",
    "analyse_itt_and_per_protocol",
    "infer_blocks",
    "make_schedule",
    "parse_trial_csv",
    "plan_to_power",
    "power_warning",
    "to_ics",
]

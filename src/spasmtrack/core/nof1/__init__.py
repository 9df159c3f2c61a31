"""Randomised n-of-1 self-experiments ("does A or B help me more?"): the public API.

The pieces live in small modules: design and calendar (`design`), the Bayesian analysis
(`model`, whose docstring states the model and priors), the power check (`power`)
and CSV import (`csv`). Import from here.

Names resolve lazily (PEP 562 `__getattr__`): `from spasmtrack.core.nof1 import Schedule`
loads only `design`, so the trials models (and with them `django.setup()` and every CLI
command) do not pay for NumPy and SciPy, which only the analysis and the power check need.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from spasmtrack.core.nof1.csv import TrialCsvError, parse_trial_csv
    from spasmtrack.core.nof1.design import (
        DayRecord,
        DayStatus,
        Schedule,
        make_schedule,
        to_ics,
    )
    from spasmtrack.core.nof1.model import (
        Priors,
        ProtocolComparison,
        ProtocolDay,
        TrialDay,
        analyse,
        analyse_itt_and_per_protocol,
        infer_blocks,
    )
    from spasmtrack.core.nof1.power import PlanChoice, plan_to_power, power_warning
    from spasmtrack.core.nof1.results import PowerCheck, TrialResult

_WHERE = {
    "nof1.csv": ("TrialCsvError", "parse_trial_csv"),
    "nof1.design": ("DayRecord", "DayStatus", "Schedule", "make_schedule", "to_ics"),
    "nof1.model": (
        "Priors",
        "ProtocolComparison",
        "ProtocolDay",
        "TrialDay",
        "analyse",
        "analyse_itt_and_per_protocol",
        "infer_blocks",
    ),
    "nof1.results": ("PowerCheck", "TrialResult"),
    "nof1.power": ("PlanChoice", "plan_to_power", "power_warning"),
}
_MODULE_OF = {name: module for module, names in _WHERE.items() for name in names}

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


def __getattr__(name: str) -> Any:
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"spasmtrack.core.{module}"), name)
    globals()[name] = value  # once resolved, a plain module attribute
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])

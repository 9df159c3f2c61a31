"""The questionnaires and the tender-point self-exam as the app sees them: scoring dispatch
and plain-word score lines.

No Django here: the `spasmtrack score` command, the pages, the API and the clinician report
all call these. Scoring itself lives in `spasmtrack.core.questionnaires` (not re-implemented);
this module only picks the scorer and words the result.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from spasmtrack.core.questionnaires import (
    QuestionnaireError,
    interpretation,
    score_acr2016,
    score_fiqr,
    score_mtps,
    score_peg,
)

KINDS = ("acr2016", "fiqr", "peg", "mtps")

TITLES = {
    "acr2016": "ACR 2016 fibromyalgia criteria (self-report)",
    "fiqr": "FIQR: Revised Fibromyalgia Impact Questionnaire",
    "peg": "PEG: Pain, Enjoyment of life, General activity",
    "mtps": "Tender-point self-pressure exam (sensitisation)",
}
SHORT_TITLES = {"acr2016": "ACR 2016", "fiqr": "FIQR", "peg": "PEG", "mtps": "Tenderness"}

_SCORERS: dict[str, Callable[[Mapping[str, Any]], dict[str, Any]]] = {
    "acr2016": score_acr2016,
    "fiqr": score_fiqr,
    "peg": score_peg,
    "mtps": score_mtps,
}

# (result key, label, maximum or None for yes/no) in reading order.
_LINES: dict[str, tuple[tuple[str, str, int | None], ...]] = {
    "acr2016": (
        ("wpi", "Widespread Pain Index", 19),
        ("sss", "Symptom Severity", 12),
        ("fs", "Severity score (WPI + SSS)", 31),
        ("regions_with_pain", "Body regions with pain", 5),
        ("generalized_pain", "Generalized pain (4 or more regions)", None),
        ("meets_criteria", "Meets the ACR 2016 criteria", None),
    ),
    "fiqr": (
        ("function", "Function", 30),
        ("overall", "Overall impact", 20),
        ("symptoms", "Symptoms", 50),
        ("total", "Total", 100),
    ),
    "peg": (("score", "PEG score", 10),),
    "mtps": (
        ("sensitisation", "Sensitisation score", 10),
        ("tender_sites", "Sites rated 2 or more", 18),
        ("control", "Forehead (control site)", 10),
        ("algometer_mean", "Algometer mean (kg/cm2)", None),
    ),
}

# The one number followed over time (the trend chart and the report's headline).
_HEADLINE = {"acr2016": "fs", "fiqr": "total", "peg": "score", "mtps": "sensitisation"}


@dataclass(frozen=True)
class Headline:
    key: str
    label: str
    value: int | float  # ints stay ints (ACR), floats have 2 decimals (FIQR, PEG)
    maximum: int

    def text(self) -> str:
        """E.g. "Total 45.3 of 100"."""
        return f"{self.label} {number_text(self.value)} of {self.maximum}"


def check_kind(kind: str) -> str:
    """The kind itself, or QuestionnaireError("kind", ...) for an unknown one."""
    if kind not in _SCORERS:
        raise QuestionnaireError(
            "kind", f"unknown questionnaire {kind!r}; choose {', '.join(KINDS)}"
        )
    return kind


def score(kind: str, answers: Mapping[str, Any]) -> dict[str, Any]:
    """Score answers in the core input shape; QuestionnaireError(item, reason) when invalid."""
    return _SCORERS[check_kind(kind)](answers)


def number_text(value: Any) -> str:
    """Ints as ints, floats with one decimal (the FIQR and PEG are reported to 0.1)."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return str(value)
    return f"{value:.1f}"


def score_lines(kind: str, result: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(label, value) pairs for display, e.g. ("Total", "45.3 of 100") or ("…criteria", "no").

    A value that is None (no algometer readings) is left out."""
    out = []
    for key, label, maximum in _LINES[check_kind(kind)]:
        if result[key] is None:
            continue
        value = number_text(result[key])
        out.append((label, value if maximum is None else f"{value} of {maximum}"))
    return out


def headline(kind: str, result: Mapping[str, Any]) -> Headline:
    key = _HEADLINE[check_kind(kind)]
    _, label, maximum = next(line for line in _LINES[kind] if line[0] == key)
    assert maximum is not None
    return Headline(key, label, result[key], maximum)


def readable(kind: str, result: Mapping[str, Any]) -> str:
    """The result as aligned lines plus the interpretation sentence (for the terminal)."""
    lines = score_lines(kind, result)
    width = max(len(label) for label, _ in lines)
    body = [f"  {label:<{width}}  {value}" for label, value in lines]
    words = textwrap.fill(interpretation(kind, result), width=88)
    return "\n".join([TITLES[kind], *body, "", words])

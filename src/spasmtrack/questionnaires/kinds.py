"""The questionnaires and the tender-point self-exam as the app sees them: one descriptor each
(`QUESTIONNAIRES`), from which the model's choices, the API's `Kind`, the pages, the forms and
the FHIR items are all read; scoring dispatch and plain-word score lines.

No Django here: the `spasmtrack score` command, the pages, the API and the clinician report
all call these. Scoring and interpretation live in `spasmtrack.core.questionnaires` (not
re-implemented); the item structure in knowledge/questionnaires.json.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from spasmtrack.core.questionnaires import (
    QuestionnaireError,
    interpret_acr2016,
    interpret_fiqr,
    interpret_mtps,
    interpret_peg,
    score_acr2016,
    score_fiqr,
    score_mtps,
    score_peg,
)

# (result key, label, maximum or None for yes/no) in reading order.
Line = tuple[str, str, int | None]


@dataclass(frozen=True)
class Questionnaire:
    """One questionnaire. Adding one is its scorer and interpretation in `core`, its items in
    knowledge/questionnaires.json, one entry here (and a migration of the model's choices,
    which `makemigrations --check` asks for) and, unless it is a list of 0-10 items (layout
    "items", whose form is derived: `questionnaires.forms.ItemsForm`), its form class."""

    key: str  # stored kind (at most 7 characters), URL segment, FHIR Questionnaire id
    title: str
    short_title: str
    about: str  # the line on its card: what it asks and how long it takes
    score: Callable[[Mapping[str, Any]], dict[str, Any]]  # core: answers -> result
    interpret: Callable[[Mapping[str, Any]], str]  # core: result -> plain words
    lines: tuple[Line, ...]  # the result as the pages show it
    headline: str  # the one number followed over time (the trend chart, the report)
    # Its page form, a class in questionnaires/forms.py; "" = derived from the layout.
    form_name: str
    # How its answers are laid out, the key of questionnaires.fhir.LAYOUTS: "items" (one
    # 0-10 item each), "domains" (groups of lists), "sites" (0-10 rating and optional
    # reading per site) or "acr2016" (areas, scales and a yes/no).
    layout: str = "items"


QUESTIONNAIRES: tuple[Questionnaire, ...] = (
    Questionnaire(
        "acr2016",
        "ACR 2016 fibromyalgia criteria (self-report)",
        "ACR 2016",
        "Where you had pain and how much fatigue, sleep and thinking troubled you. "
        "About 3 minutes.",
        score_acr2016,
        interpret_acr2016,
        (
            ("wpi", "Widespread Pain Index", 19),
            ("sss", "Symptom Severity", 12),
            ("fs", "Severity score (WPI + SSS)", 31),
            ("regions_with_pain", "Body regions with pain", 5),
            ("generalized_pain", "Generalized pain (4 or more regions)", None),
            ("meets_criteria", "Meets the ACR 2016 criteria", None),
        ),
        headline="fs",
        form_name="Acr2016Form",
        layout="acr2016",
    ),
    Questionnaire(
        "fiqr",
        "FIQR: Revised Fibromyalgia Impact Questionnaire",
        "FIQR",
        "How much fibromyalgia affected your week: 21 questions on a 0–10 scale. About 5 minutes.",
        score_fiqr,
        interpret_fiqr,
        (
            ("function", "Function", 30),
            ("overall", "Overall impact", 20),
            ("symptoms", "Symptoms", 50),
            ("total", "Total", 100),
        ),
        headline="total",
        form_name="FiqrForm",
        layout="domains",
    ),
    Questionnaire(
        "peg",
        "PEG: Pain, Enjoyment of life, General activity",
        "PEG",
        "Three questions on pain and how it got in the way. Under a minute.",
        score_peg,
        interpret_peg,
        (("score", "PEG score", 10),),
        headline="score",
        form_name="",  # 0-10 items: the form is derived (forms.ItemsForm)
    ),
    Questionnaire(
        "mtps",
        "Tender-point self-pressure exam (sensitisation)",
        "Tenderness",
        "Press 19 points firmly and rate how much each hurts: a measure of tenderness "
        "(sensitisation) to follow over time. About 10 minutes.",
        score_mtps,
        interpret_mtps,
        (
            ("sensitisation", "Sensitisation score", 10),
            ("tender_sites", "Sites rated 2 or more", 18),
            ("control", "Forehead (control site)", 10),
            ("algometer_mean", "Algometer mean (kg/cm2)", None),
        ),
        headline="sensitisation",
        form_name="MtpsForm",
        layout="sites",
    ),
)
BY_KEY = {q.key: q for q in QUESTIONNAIRES}

# Read from the descriptors, for the many places that want one column of them.
KINDS = tuple(BY_KEY)
TITLES = {q.key: q.title for q in QUESTIONNAIRES}
SHORT_TITLES = {q.key: q.short_title for q in QUESTIONNAIRES}
CHOICES = [(q.key, q.title) for q in QUESTIONNAIRES]  # the model's `kind` choices


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
    if kind not in BY_KEY:
        raise QuestionnaireError(
            "kind", f"unknown questionnaire {kind!r}; choose {', '.join(KINDS)}"
        )
    return kind


def score(kind: str, answers: Mapping[str, Any]) -> dict[str, Any]:
    """Score answers in the core input shape; QuestionnaireError(item, reason) when invalid."""
    return BY_KEY[check_kind(kind)].score(answers)


def interpretation(kind: str, result: Mapping[str, Any]) -> str:
    """The plain-word reading of a result (informs, never diagnoses)."""
    return BY_KEY[check_kind(kind)].interpret(result)


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
    for key, label, maximum in BY_KEY[check_kind(kind)].lines:
        if result[key] is None:
            continue
        value = number_text(result[key])
        out.append((label, value if maximum is None else f"{value} of {maximum}"))
    return out


def headline(kind: str, result: Mapping[str, Any]) -> Headline:
    q = BY_KEY[check_kind(kind)]
    _, label, maximum = next(line for line in q.lines if line[0] == q.headline)
    assert maximum is not None
    return Headline(q.headline, label, result[q.headline], maximum)


def readable(kind: str, result: Mapping[str, Any]) -> str:
    """The result as aligned lines plus the interpretation sentence (for the terminal)."""
    lines = score_lines(kind, result)
    width = max(len(label) for label, _ in lines)
    body = [f"  {label:<{width}}  {value}" for label, value in lines]
    words = textwrap.fill(interpretation(kind, result), width=88)
    return "\n".join([TITLES[kind], *body, "", words])

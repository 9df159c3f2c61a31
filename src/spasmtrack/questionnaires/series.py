"""Questionnaire scores as per-local-day series, for the Insights outcomes.

Today this gives the tender-point self-exam's sensitisation score (`kinds` "mtps"): one
value per day with an exam (the last exam of a day counts). Lower is better.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from spasmtrack.questionnaires.models import responses_for

SENSITISATION = "tenderness (self-pressure exam)"


def sensitisation_series(person: Any, since: date | None, until: date | None) -> dict[date, float]:
    """{local day: sensitisation score 0-10} from the person's tender-point exams in range."""
    qs = responses_for(person).filter(kind="mtps").between(since, until)
    out: dict[date, float] = {}
    for r in qs.order_by("answered_at", "id"):
        out[r.local_date] = float(r.scores()["sensitisation"])
    return out

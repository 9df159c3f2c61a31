"""The questionnaires' section of the native export (see `spasmtrack.exchange.sections`):
the answers are kept, the scores recomputed on import, never read."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from pydantic import AwareDatetime, BaseModel

from spasmtrack.accounts.models import Person
from spasmtrack.diary.entries import require_plausible
from spasmtrack.exchange.sections import Row, Section, each_row, new_code, pin
from spasmtrack.questionnaires.models import QuestionnaireResponse


class ResponseRow(BaseModel):
    """What import reads of a questionnaire response (scores are recomputed, never read)."""

    id: uuid.UUID | None = None
    kind: str
    answered_at: AwareDatetime
    local_date: date | None = None
    answers: dict[str, Any]


RESPONSE_COLUMNS: tuple[str, ...] = ("id", "kind", "answered_at", "local_date", "answers", "scores")
RESPONSE_COLUMNS += ("interpretation",)


def _export_responses(person: Person) -> list[Row]:
    qs = QuestionnaireResponse.objects.filter(person=person).order_by("answered_at", "code")
    return [dict(r.to_dict()) for r in qs]


def _load_response(person: Person, row: Row) -> None:
    r = ResponseRow.model_validate(row)
    code = new_code(QuestionnaireResponse, r.id, "questionnaire response")
    require_plausible(person, local_date=r.local_date)
    # record() scores the answers first: anything the form or API would refuse is refused.
    saved = QuestionnaireResponse.record(person, r.kind, r.answers, answered_at=r.answered_at)
    pin(saved, code=code, local_date=r.local_date or saved.local_date)


SECTIONS: tuple[Section, ...] = (
    Section(
        "questionnaire-responses",
        RESPONSE_COLUMNS,
        _export_responses,
        each_row(_load_response),
        lambda p: QuestionnaireResponse.objects.filter(person=p),
        frozenset({"answers", "scores"}),
    ),
)

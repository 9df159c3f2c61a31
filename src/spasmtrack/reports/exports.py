"""The reports app's section of the native export: the questions for the next visit."""

from __future__ import annotations

from pydantic import AwareDatetime, BaseModel, Field

from spasmtrack.accounts.models import Person
from spasmtrack.exchange.sections import (
    Row,
    Section,
    as_json,
    at_most_one,
    columns,
    pin,
    same_or_refuse,
)
from spasmtrack.reports.models import MAX_QUESTIONS_CHARS, VisitQuestions


class VisitQuestionsRow(BaseModel):
    text: str = Field("", max_length=MAX_QUESTIONS_CHARS)
    updated: AwareDatetime | None = None


def _export_visit_questions(person: Person) -> list[Row]:
    return [as_json(VisitQuestionsRow, q) for q in VisitQuestions.objects.filter(person=person)]


def _load_visit_questions(person: Person, row: Row) -> None:
    r = VisitQuestionsRow.model_validate(row)
    text = VisitQuestions.objects.text_for(person)
    if text and same_or_refuse({"text": text}, {"text": r.text.strip()}, "visit questions"):
        return
    saved = VisitQuestions.save_for(person, r.text)
    if r.updated is not None:
        pin(saved, updated=r.updated)


SECTIONS: tuple[Section, ...] = (
    Section(
        "visit-questions",
        columns(VisitQuestionsRow),
        _export_visit_questions,
        at_most_one("list of visit questions", _load_visit_questions),
        lambda p: VisitQuestions.objects.filter(person=p),
    ),
)

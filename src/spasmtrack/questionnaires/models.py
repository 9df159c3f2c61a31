"""Questionnaire answers. Only the answers are stored; every score is recomputed from them by
`spasmtrack.core.questionnaires`, so a scoring fix reaches old responses too."""

from __future__ import annotations

import copy
import uuid
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import Any, TypedDict

from django.db import models
from django.utils.timezone import now

from spasmtrack.accounts.models import Person
from spasmtrack.core.questionnaires import wpi_prefill
from spasmtrack.diary.entries import RESOURCES, entries_for, require_plausible
from spasmtrack.diary.models import DayRangeQuerySet
from spasmtrack.questionnaires import kinds


class ResponseDict(TypedDict):
    id: str
    kind: str
    answered_at: str
    local_date: str
    answers: dict[str, Any]
    scores: dict[str, Any]
    interpretation: str


class QuestionnaireResponse(models.Model):
    """One filled-in questionnaire: the answers exactly in the core scoring input shape."""

    person = models.ForeignKey(Person, models.CASCADE, related_name="questionnaire_responses")
    code = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
    # One choice per descriptor (questionnaires.kinds.QUESTIONNAIRES).
    kind = models.CharField(max_length=7, choices=kinds.CHOICES)
    answered_at = models.DateTimeField(default=now)
    # The person's calendar day when answering, kept so a later time-zone change cannot move it.
    local_date = models.DateField()
    answers = models.JSONField()
    created = models.DateTimeField(default=now)

    objects = DayRangeQuerySet.as_manager()

    class Meta:
        indexes = [
            # The trend and "latest score" read one person's responses of one kind by day.
            models.Index(fields=["person", "kind", "local_date"], name="qresponse_person_kind_day"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} of {self.local_date}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self.local_date:
            self.local_date = self.person.local_date(self.answered_at)
        super().save(*args, **kwargs)

    @classmethod
    def record(
        cls,
        person: Person,
        kind: str,
        answers: Mapping[str, Any],
        answered_at: datetime | None = None,
    ) -> QuestionnaireResponse:
        """Validate by scoring (QuestionnaireError names the item) and store the answers.

        Nothing is written when the answers cannot be scored.
        """
        require_plausible(person, answered_at=answered_at)
        kinds.score(kind, answers)
        stored = copy.deepcopy(dict(answers))
        return cls.objects.create(
            person=person, kind=kind, answers=stored, answered_at=answered_at or now()
        )

    def scores(self) -> dict[str, Any]:
        """The scores, recomputed from the stored answers (never stored themselves)."""
        return kinds.score(self.kind, self.answers)

    def interpretation(self) -> str:
        return kinds.interpretation(self.kind, self.scores())

    def score_lines(self) -> list[tuple[str, str]]:
        return kinds.score_lines(self.kind, self.scores())

    def headline(self) -> kinds.Headline:
        return kinds.headline(self.kind, self.scores())

    @property
    def short_title(self) -> str:
        return kinds.SHORT_TITLES[self.kind]

    def to_dict(self) -> ResponseDict:
        scores = self.scores()
        return {
            "id": str(self.code),
            "kind": self.kind,
            "answered_at": self.answered_at.isoformat(),
            "local_date": self.local_date.isoformat(),
            "answers": self.answers,
            "scores": scores,
            "interpretation": kinds.interpretation(self.kind, scores),
        }


def responses_for(person: Person) -> DayRangeQuerySet[QuestionnaireResponse]:
    return QuestionnaireResponse.objects.filter(person=person)


PREFILL_DAYS = 7


def wpi_from_pain_drawings(person: Person, today: date) -> list[str]:
    """WPI areas marked with pain (> 0) in the person's pain drawings of the last 7 days.

    The WPI asks about the past week, so a week of drawings is a fair first guess; the person
    confirms or changes it on the form.
    """
    since = today - timedelta(days=PREFILL_DAYS - 1)
    drawings = entries_for(person, RESOURCES["pain-drawings"]).between(since, today)
    regions = {rid for d in drawings for rid, pain in d.regions.items() if pain > 0}
    return wpi_prefill(sorted(regions))

from __future__ import annotations

from django.db import models
from django.utils.timezone import now

from spasmtrack.accounts.models import Person

MAX_QUESTIONS_CHARS = 2000


class VisitQuestionsManager(models.Manager["VisitQuestions"]):
    def text_for(self, person: Person) -> str:
        """The person's questions, or "" when none were written yet."""
        found = self.filter(person=person).first()
        return found.text if found else ""


class VisitQuestions(models.Model):
    """The person's "questions for my visit", printed at the end of the clinician report.

    One per person: it is a notepad the person keeps up to date, not a diary entry.
    """

    person = models.OneToOneField(Person, models.CASCADE, related_name="visit_questions")
    text = models.TextField(blank=True, default="", max_length=MAX_QUESTIONS_CHARS)
    updated = models.DateTimeField(default=now)

    objects = VisitQuestionsManager()

    def __str__(self) -> str:
        return f"questions of {self.person}"

    @classmethod
    def save_for(cls, person: Person, text: str) -> VisitQuestions:
        found, _ = cls.objects.get_or_create(person=person)
        found.text = text.strip()
        found.updated = now()
        found.save(update_fields=("text", "updated"))
        return found

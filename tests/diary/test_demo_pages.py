"""The demo fills every page (drawings, trigger points, questionnaires, food, a change, a
finished experiment), deterministically, without adding anything Insights would test."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine
from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import TestCase

from spasmtrack.accounts.models import Person
from spasmtrack.diary.demo import create_demo
from spasmtrack.diary.entries import RESOURCES, entries_for
from spasmtrack.diary.models import Treatment
from spasmtrack.insights.services import insights_for
from spasmtrack.nutrition.models import ChangeEvent, Intake
from spasmtrack.questionnaires.models import QuestionnaireResponse
from spasmtrack.trials.days import analysis
from spasmtrack.trials.findings import factor_name
from spasmtrack.trials.models import Trial

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


def snapshot(person: Person) -> dict[str, object]:
    def rows(name: str, *fields: str) -> list[tuple]:
        return list(entries_for(person, RESOURCES[name]).order_by("at").values_list(*fields))

    trial = Trial.objects.get(person=person)
    return {
        "drawings": rows("pain-drawings", "local_date", "regions"),
        "points": rows("trigger-points", "local_date", "muscle", "side", "tenderness"),
        "answers": list(
            QuestionnaireResponse.objects.filter(person=person)
            .order_by("answered_at", "kind")
            .values_list("kind", "local_date", "answers")
        ),
        "food": list(
            Intake.objects.filter(person=person).order_by("at").values_list("food_id", "amount")
        ),
        "change": list(
            ChangeEvent.objects.filter(person=person).values_list("title", "local_date")
        ),
        "trial": (
            trial.start,
            trial.seed,
            list(trial.answers.order_by("local_date").values_list("used")),
        ),
    }


@time_machine.travel(NOW, tick=False)
class DemoPagesTestCase(TestCase):
    def demo(self, seed: int = 1, days: int = 180) -> Person:
        create_demo(days=days, seed=seed, tz="Europe/Berlin")
        return Person.objects.for_user(User.objects.get(username="demo"))

    def test_it_fills_every_page_and_adds_nothing_insights_tests(self) -> None:
        person = self.demo()
        assert entries_for(person, RESOURCES["pain-drawings"]).count() >= 12
        assert entries_for(person, RESOURCES["trigger-points"]).count() >= 20
        kinds = set(
            QuestionnaireResponse.objects.filter(person=person).values_list("kind", flat=True)
        )
        assert kinds == {"acr2016", "fiqr", "peg"}
        for r in QuestionnaireResponse.objects.filter(person=person):
            r.scores()  # every stored answer set scores
        assert Intake.objects.filter(person=person).count() >= 28
        assert ChangeEvent.objects.filter(person=person).count() == 1
        trial = Trial.objects.get(person=person)
        assert trial.status == Trial.Status.FINISHED and trial.power is not None
        result = analysis(trial, person.today())
        assert result.ready and result.adherence.deviated == 2
        # and every page shows it
        self.client.force_login(person.user)
        for url, text in [
            ("/trigger-points/", "Upper trapezius"),
            ("/questionnaires/", "FIQR"),
            ("/nutrition/", "Banana"),
            ("/lifestyle/", "New desk chair"),
            (f"/trials/{trial.code}/report/", "Gentle stretching / yoga vs usual routine"),
        ]:
            self.assertContains(self.client.get(url), text, msg_prefix=url)
        # and none of it is something Insights tests (no factor, no pain-drawing outcome)
        cache.clear()
        report = insights_for(person)
        diary = {"heat", "hours sitting", factor_name(Treatment.objects.get(key="magnesium"))}
        tested = [i for g in ("helps", "aggravates", "no_clear_effect") for i in report[g]]
        assert tested and {i["factor"] for i in tested} <= diary
        assert not [i for i in tested if "pain drawing" in i["outcome"]]
        changes = report["changes"]["items"]
        assert changes and {c["verdict"] for c in changes} == {"not_enough_data"}

    @pytest.mark.slow
    def test_it_is_deterministic(self) -> None:
        # 70 days: everything still fits (the experiment takes its fixed 3 x 7-day plan)
        first = snapshot(self.demo(seed=3, days=70))
        User.objects.get(username="demo").delete()
        assert snapshot(self.demo(seed=3, days=70)) == first
        User.objects.get(username="demo").delete()
        assert snapshot(self.demo(seed=4, days=70)) != first

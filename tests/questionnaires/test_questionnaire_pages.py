from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import time_machine

from spasmtrack.diary.entries import RESOURCES, create_entry
from spasmtrack.questionnaires.models import QuestionnaireResponse
from spasmtrack.test import BaseTestCase

NOW = datetime(2026, 5, 1, 10, 0, tzinfo=UTC)
PEG = {"pain": 5, "enjoyment": 6, "activity": 7}
FIQR = {"function": [5] * 9, "overall": [6, 7], "symptoms": [6] * 10}


def fiqr_post(**over: str) -> dict[str, str]:
    data = {f"function_{i}": "5" for i in range(1, 10)}
    data.update({"overall_1": "6", "overall_2": "7"})
    data.update({f"symptoms_{i}": "6" for i in range(1, 11)})
    data.update(over)
    return data


def acr_post(**over: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "pain_areas": ["neck", "hip_left"],
        "fatigue": "2",
        "waking_unrefreshed": "1",
        "cognitive": "0",
        "headaches": "1",
        "lower_abdominal": "0",
        "depression": "0",
        "symptoms_3_months": "yes",
    }
    data.update(over)
    return data


@time_machine.travel(NOW)
class QuestionnairePagesTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.client.force_login(self.alice_user)

    def record(self, kind: str = "peg", answers: Any = None, days_ago: int = 0) -> Any:
        return QuestionnaireResponse.record(
            self.alice, kind, answers or PEG, NOW - timedelta(days=days_ago)
        )

    def test_it_requires_sign_in(self) -> None:
        self.client.logout()
        for url in ("/questionnaires/", "/questionnaires/peg/"):
            r = self.client.get(url)
            assert r.status_code == 302 and "/accounts/login/" in r["Location"]

    def test_it_lists_the_three_questionnaires_with_trend_and_history(self) -> None:
        self.record(answers={"pain": 8, "enjoyment": 8, "activity": 8}, days_ago=30)
        self.record(days_ago=1)
        # 1 "is there an account" (first-run check), 2 session, 3 user, 4 person
        # (middleware), 5 the person's responses: cards and history share that one list
        with self.assertNumQueries(5):
            r = self.client.get("/questionnaires/")
        self.assertContains(r, "FIQR: Revised Fibromyalgia Impact Questionnaire")
        self.assertContains(r, "PEG score 6.0 of 10", count=2)  # latest card + history row
        self.assertContains(r, "PEG score 8.0 of 10")
        self.assertContains(r, '<svg class="trend"')
        self.assertContains(r, "1 Apr 2026: 8, 30 Apr 2026: 6")

    def test_it_swaps_only_the_history_under_htmx(self) -> None:
        self.record()
        self.record("fiqr", FIQR)
        r = self.client.get("/questionnaires/?kind=fiqr", headers={"HX-Request": "true"})
        self.assertContains(r, '<div id="history">')
        self.assertContains(r, "Total 58.0 of 100")
        self.assertNotContains(r, "PEG score")
        self.assertNotContains(r, "<html")

    def test_it_saves_a_peg_and_shows_the_interpretation(self) -> None:
        r = self.client.post(
            "/questionnaires/peg/", {"pain": "5", "enjoyment": "6", "activity": "7"}
        )
        saved = QuestionnaireResponse.objects.get()
        assert r["Location"] == f"/questionnaires/r/{saved.code}/"
        assert saved.answers == PEG and saved.local_date.isoformat() == "2026-05-01"
        r = self.client.get(r["Location"])
        self.assertContains(r, "Your PEG score is 6.0 of 10")
        self.assertContains(r, "Krebs EE")

    def test_it_stores_fiqr_answers_in_the_scoring_shape_with_one_skipped_item(self) -> None:
        r = self.client.post("/questionnaires/fiqr/", fiqr_post(function_4=""))
        assert r.status_code == 302
        saved = QuestionnaireResponse.objects.get()
        assert saved.answers["function"] == [5, 5, 5, None, 5, 5, 5, 5, 5]
        assert saved.scores()["function"] == 15.0  # pro-rated by core

    def test_it_maps_a_core_refusal_onto_the_form(self) -> None:
        r = self.client.post("/questionnaires/fiqr/", fiqr_post(function_1="", function_2=""))
        self.assertContains(r, "Function: 2 items missing; at most 1 can be pro-rated")
        assert QuestionnaireResponse.objects.count() == 0

    def test_it_keeps_answers_on_a_missing_item(self) -> None:
        r = self.client.post("/questionnaires/peg/", {"pain": "5", "enjoyment": "6"})
        self.assertContains(r, "This field is required")
        self.assertContains(r, 'id="id_pain_5" checked')
        assert QuestionnaireResponse.objects.count() == 0

    def test_it_saves_the_acr_form(self) -> None:
        r = self.client.post("/questionnaires/acr2016/", acr_post())
        assert r.status_code == 302
        saved = QuestionnaireResponse.objects.get()
        assert saved.answers["pain_areas"] == ["neck", "hip_left"]
        assert saved.answers["symptoms_3_months"] is True
        assert saved.scores()["sss"] == 4

    def test_it_prefills_the_wpi_from_the_last_7_days_of_pain_drawings(self) -> None:
        drawings = RESOURCES["pain-drawings"]
        recent = {"calf_left": 6, "shoulder_top_right": 3, "palm_left": 5, "jaw_left": 0}
        create_entry(self.alice, drawings, {"regions": recent, "at": "2026-04-25T09:00:00Z"})
        old = {"thigh_front_right": 7}
        create_entry(self.alice, drawings, {"regions": old, "at": "2026-04-20T09:00:00Z"})
        create_entry(self.charlie, drawings, {"regions": {"lumbar_left": 5}})
        r = self.client.get("/questionnaires/acr2016/")
        self.assertContains(
            r, "Prefilled from your pain drawings of the last 7 days — please confirm"
        )
        self.assertContains(r, 'value="lower_leg_left" class="areas" id="id_pain_areas_10" checked')
        self.assertContains(r, 'value="shoulder_girdle_right"')
        checked = r.content.decode().count("checked>")
        assert checked == 2  # no hand (no WPI area), no 0-pain jaw, not 8 days ago, not charlie's

    def test_it_says_nothing_about_prefill_without_drawings(self) -> None:
        r = self.client.get("/questionnaires/acr2016/")
        self.assertNotContains(r, "Prefilled")

    def test_it_404s_an_unknown_questionnaire(self) -> None:
        assert self.client.get("/questionnaires/sf36/").status_code == 404

    def test_it_checks_ownership(self) -> None:
        mine = self.record()
        self.client.force_login(self.charlie_user)
        assert self.client.get(f"/questionnaires/r/{mine.code}/").status_code == 404
        r = self.client.get("/questionnaires/")
        self.assertNotContains(r, "PEG score 6.0")

from __future__ import annotations

from datetime import UTC, datetime

import time_machine

from spasmtrack.diary.entries import RESOURCES, create_entry
from spasmtrack.reports.models import VisitQuestions
from spasmtrack.test import BaseTestCase
from tests.reports.pdftools import pdf_pages

NOW = datetime(2026, 5, 1, 10, 0, tzinfo=UTC)


@time_machine.travel(NOW)
class ReportPageTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.client.force_login(self.alice_user)

    def post(self, action: str = "save", **over: str) -> object:
        data = {"start": "2026-03-01", "end": "2026-04-30", "questions": "", "action": action}
        data.update(over)
        return self.client.post("/report/", data)

    def test_it_requires_sign_in(self) -> None:
        self.client.logout()
        for r in (self.client.get("/report/"), self.post("pdf")):
            assert r.status_code == 302 and "/accounts/login/" in r["Location"]

    def test_it_defaults_to_the_last_90_days_and_shows_the_saved_questions(self) -> None:
        VisitQuestions.save_for(self.alice, "Is heat safe daily?")
        r = self.client.get("/report/")
        self.assertContains(r, 'value="2026-02-01"')  # 90 days, today (1 May) included
        self.assertContains(r, 'value="2026-05-01"')
        self.assertContains(r, "Is heat safe daily?</textarea>")
        self.assertContains(r, "Download the PDF")

    def test_it_saves_the_questions_and_comes_back(self) -> None:
        r = self.post(questions="  Could magnesium help?  ")
        assert r.status_code == 302 and r["Location"] == "/report/"
        assert VisitQuestions.objects.text_for(self.alice) == "Could magnesium help?"
        self.assertContains(self.client.get("/report/"), "Your questions are saved.")

    def test_it_answers_a_save_under_htmx_with_a_fragment(self) -> None:
        r = self.client.post(
            "/report/",
            {"start": "2026-03-01", "end": "2026-04-30", "questions": "Q?", "action": "save"},
            headers={"HX-Request": "true"},
        )
        assert r.status_code == 200
        assert r.content.decode().strip().startswith('<p class="msg success" id="saved"')
        self.assertNotContains(r, "<html")
        assert VisitQuestions.objects.text_for(self.alice) == "Q?"

    def test_it_downloads_the_pdf_and_keeps_the_questions(self) -> None:
        create_entry(self.alice, RESOURCES["muscle-events"], {
            "kind": "spasm", "intensity": 7, "regions": ["calf_left"],
            "started_at": "2026-04-02T08:00:00Z",
        })  # fmt: skip
        r = self.post("pdf", questions="Could magnesium help?")
        assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
        disposition = 'attachment; filename="spasmtrack-report-2026-03-01-2026-04-30.pdf"'
        assert r["Content-Disposition"] == disposition
        one, two = (" ".join(p.split()) for p in pdf_pages(r.content))
        assert "Period: 1 Mar 2026 – 30 Apr 2026 (61 days)" in one and "calf (left)" in one
        assert "Could magnesium help?" in two
        assert VisitQuestions.objects.text_for(self.alice) == "Could magnesium help?"

    def test_it_refuses_a_period_ending_before_it_starts(self) -> None:
        r = self.post("pdf", start="2026-04-30", end="2026-03-01", questions="kept?")
        self.assertContains(r, "Please check the dates: the period starts (2026-04-30) after")
        self.assertContains(r, "kept?</textarea>")
        assert VisitQuestions.objects.count() == 0

    def test_it_refuses_a_period_longer_than_a_year(self) -> None:
        r = self.post("pdf", start="2024-01-01", end="2026-04-30")
        self.assertContains(r, "longer than 366 days")

    def test_it_checks_ownership(self) -> None:
        # No ids in these URLs: each person only ever gets their own questions and diary.
        VisitQuestions.save_for(self.alice, "ALICE-ONLY question")
        create_entry(self.alice, RESOURCES["muscle-events"], {
            "kind": "spasm", "intensity": 7, "regions": ["jaw_left"],
            "started_at": "2026-04-02T08:00:00Z",
        })  # fmt: skip
        self.client.force_login(self.charlie_user)
        self.assertNotContains(self.client.get("/report/"), "ALICE-ONLY")
        r = self.post("pdf")
        one, two = (" ".join(p.split()) for p in pdf_pages(r.content))
        assert "jaw" not in one and "ALICE-ONLY" not in two
        assert "Person: charlie" in one
        assert VisitQuestions.objects.text_for(self.alice) == "ALICE-ONLY question"

"""Clinicians with a grant see questionnaires (with trend) and Insights, and choose the
report period; every access is in the patient's audit trail."""

from __future__ import annotations

from datetime import UTC, datetime

import time_machine

from spasmtrack.accounts.models import AuditEvent
from spasmtrack.questionnaires.models import QuestionnaireResponse
from tests.clinic.base import ClinicTestCase
from tests.reports.pdftools import pdf_pages

NOW = datetime(2026, 5, 1, 10, 0, tzinfo=UTC)


@time_machine.travel(NOW)
class ClinicVisitTestCase(ClinicTestCase):
    def setUp(self) -> None:
        super().setUp()
        for day, pain in ((3, 8), (17, 5)):
            QuestionnaireResponse.record(
                self.alice, "peg", {"pain": pain, "enjoyment": 6, "activity": 7},
                datetime(2026, 4, day, 9, tzinfo=UTC),
            )  # fmt: skip

    def _url(self, what: str) -> str:
        return f"/clinic/{self.alice.code}/{what}/"

    def _trail(self, action: str) -> list[AuditEvent]:
        return list(AuditEvent.objects.filter(subject=self.alice, actor=self.doc, action=action))

    def test_it_shows_questionnaires_with_their_trend_and_audits(self) -> None:
        self.grant("read")
        self.as_doc()
        r = self.client.get(self._url("questionnaires"))
        self.assertContains(r, "PEG score 6.0 of 10")  # latest: (5 + 6 + 7) / 3
        self.assertContains(r, "2 answers")
        self.assertContains(r, "<svg")  # the trend
        views = self._trail("clinician_view")
        self.assertEqual([e.detail for e in views], [self._url("questionnaires")])

    def test_it_shows_insights_in_plain_words_and_audits(self) -> None:
        self.grant("read")
        self.as_doc()
        r = self.client.get(self._url("insights"))
        self.assertContains(r, "what the diary suggests")
        self.assertContains(r, "No clear pattern yet.")
        self.assertEqual(len(self._trail("clinician_view")), 1)

    def test_it_lets_the_clinician_choose_the_report_period(self) -> None:
        self.grant("read")
        self.as_doc()
        self.assertContains(self.client.get(self._url("report/choose")), 'name="start"')
        r = self.client.get(self._url("report"), {"start": "2026-04-01", "end": "2026-04-30"})
        self.assertEqual(r["Content-Type"], "application/pdf")
        one = " ".join(pdf_pages(r.content)[0].split())
        self.assertIn("Period: 1 Apr 2026 – 30 Apr 2026 (30 days)", one)
        self.assertEqual(
            [e.detail for e in self._trail("report")], ["clinician PDF 2026-04-01..2026-04-30"]
        )

    def test_it_refuses_a_bad_period_and_renders_nothing(self) -> None:
        self.grant("read")
        self.as_doc()
        r = self.client.get(self._url("report"), {"start": "2026-04-30", "end": "2026-04-01"})
        self.assertContains(r, "Please check the dates", status_code=422)
        r = self.client.get(self._url("report"), {"start": "2025-01-01", "end": "2026-04-30"})
        self.assertContains(r, "longer than 366 days", status_code=422)
        self.assertEqual(self._trail("report"), [])

    def test_it_checks_ownership(self) -> None:
        grant = self.grant("read")
        self.client.force_login(self.other_doc.user)
        for what in ("questionnaires", "insights", "report/choose"):
            self.assertEqual(self.client.get(self._url(what)).status_code, 404, what)
        grant.revoke()
        self.as_doc()
        for what in ("questionnaires", "insights", "report/choose"):
            self.assertEqual(self.client.get(self._url(what)).status_code, 404, what)
        self.client.force_login(self.charlie_user)
        self.assertEqual(self.client.get(self._url("questionnaires")).status_code, 404)

"""The tender-point exam's sensitisation score as an Insights outcome."""

from __future__ import annotations

from datetime import UTC, date, datetime

from spasmtrack.core.questionnaires import mtps_site_ids
from spasmtrack.diary.entries import RESOURCES, create_entry
from spasmtrack.insights.daily import diary_series
from spasmtrack.insights.services import diary_version
from spasmtrack.questionnaires.models import QuestionnaireResponse
from spasmtrack.questionnaires.series import SENSITISATION
from spasmtrack.test import BaseTestCase


def exam(value: int) -> dict[str, object]:
    return {"ratings": dict.fromkeys(mtps_site_ids(), value), "algometer": {}}


class SensitisationOutcomeTestCase(BaseTestCase):
    def test_it_is_an_outcome_on_exam_days_lower_is_better(self) -> None:
        create_entry(
            self.alice, RESOURCES["checkins"], {"local_date": "2025-11-01", "overall_pain": 4}
        )
        at = datetime(2025, 11, 3, 9, tzinfo=UTC)
        QuestionnaireResponse.record(self.alice, "mtps", exam(6), at)
        QuestionnaireResponse.record(self.alice, "mtps", exam(4), at.replace(hour=18))
        QuestionnaireResponse.record(self.charlie, "mtps", exam(9), at)  # not alice's
        s = diary_series(self.alice, date(2025, 11, 1), date(2025, 11, 5))
        assert s.outcomes[SENSITISATION] == {date(2025, 11, 3): 4.0}  # the day's last exam
        assert s.outcome_info[SENSITISATION].lower_is_better

    def test_without_an_exam_there_is_no_such_outcome(self) -> None:
        create_entry(
            self.alice, RESOURCES["checkins"], {"local_date": "2025-11-01", "overall_pain": 4}
        )
        assert SENSITISATION not in diary_series(self.alice).outcomes

    def test_a_new_exam_changes_the_diary_version(self) -> None:
        before = diary_version(self.alice)
        QuestionnaireResponse.record(self.alice, "mtps", exam(2))
        assert diary_version(self.alice) != before


class TenderPointExamReportTestCase(BaseTestCase):
    def test_the_clinician_report_lists_the_latest_exam_beside_the_questionnaires(self) -> None:
        from spasmtrack.reports.data import _score_rows

        at = datetime(2025, 11, 3, 9, tzinfo=UTC)
        QuestionnaireResponse.record(self.alice, "mtps", exam(6), at)
        answers = exam(2)
        answers["algometer"] = {"knee_left": 3.5}
        QuestionnaireResponse.record(self.alice, "mtps", answers, at.replace(day=10))
        QuestionnaireResponse.record(self.alice, "peg", {"pain": 6, "enjoyment": 5, "activity": 4})
        rows = {r.title: r for r in _score_rows(self.alice, date(2030, 1, 1))}
        row = rows["Tenderness"]
        assert row.headline == "Sensitisation score 2.0 of 10"
        assert "Sites rated 2 or more: 18 of 18" in row.details
        assert "Algometer mean (kg/cm2): 3.5" in row.details
        assert row.previous == "6.0 on 3 Nov 2025"
        assert "PEG" in rows


class TenderPointExamPdfTestCase(BaseTestCase):
    def test_the_pdf_prints_the_exam_with_the_questionnaires(self) -> None:
        from spasmtrack.reports.data import collect
        from spasmtrack.reports.pdf import render_pdf
        from tests.reports.pdftools import pdf_pages

        answers = exam(3)
        answers["algometer"] = {"knee_left": 3.5}
        QuestionnaireResponse.record(self.alice, "mtps", answers, datetime(2026, 3, 5, tzinfo=UTC))
        fiqr = {"function": [5] * 9, "overall": [6, 7], "symptoms": [6] * 10}
        QuestionnaireResponse.record(self.alice, "fiqr", fiqr, datetime(2026, 3, 5, tzinfo=UTC))
        data = render_pdf(
            collect(self.alice, date(2026, 3, 1), date(2026, 3, 31), date(2026, 4, 1))
        )
        text = " ".join(" ".join(p.split()) for p in pdf_pages(data))
        assert "Tenderness" in text
        # The score cell wraps: "Sensitisation score" over "3.0 of 10".
        assert "Sensitisation score" in text and "3.0 of 10" in text
        assert "Algometer mean" in text
        assert "FIQR" in text
        assert len(pdf_pages(data)) == 2

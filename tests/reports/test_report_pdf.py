from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import time_machine

from spasmtrack.diary.entries import RESOURCES, create_entry
from spasmtrack.questionnaires.models import QuestionnaireResponse
from spasmtrack.reports.data import collect
from spasmtrack.reports.models import VisitQuestions
from spasmtrack.reports.pdf import FOOTER, render_pdf
from spasmtrack.test import BaseTestCase
from tests.reports.pdftools import page_one_png, pdf_pages

NOW = datetime(2026, 5, 1, 10, 0, tzinfo=UTC)
START, END = date(2026, 3, 2), date(2026, 4, 30)


def squash(text: str) -> str:
    return " ".join(text.split())


def fill_diary(test: BaseTestCase) -> None:
    """About two months of a plausible diary for alice, and one entry of charlie's."""
    alice = test.alice

    def add(name: str, data: dict[str, object], person: object = alice) -> None:
        create_entry(person, RESOURCES[name], data)

    for day in range(60):
        at = (datetime(2026, 3, 2, 18, 0, tzinfo=UTC) + timedelta(days=day)).isoformat()
        local = (START + timedelta(days=day)).isoformat()
        if day % 2 == 0:
            regions = ["calf_left"] if day % 4 else ["calf_left", "neck_back_left"]
            spasm = {"kind": "spasm", "intensity": 5 + day % 4, "regions": regions}
            add("muscle-events", {**spasm, "started_at": at})
        if day % 5 == 0:
            twitch = {"kind": "twitch", "intensity": 2, "regions": ["eye_left"]}
            add("muscle-events", {**twitch, "started_at": at})
        checkin = {"overall_pain": 6 - day // 20, "sleep_quality": 4, "fatigue": 5}
        add("checkins", {**checkin, "local_date": local})
        if day % 10 == 0:
            drawing = {"calf_left": 7, "shoulder_top_right": 4}
            add("pain-drawings", {"at": at, "regions": drawing})
            heat = {"treatment": "heat", "pain_before": 7, "pain_after": 4}
            add("treatment-logs", {**heat, "at": at})
    for at, tender in (("2026-03-03T10:00:00Z", 8), ("2026-04-10T10:00:00Z", 4)):
        point = {"muscle": "upper_trapezius", "side": "right", "tenderness": tender}
        add("trigger-points", {**point, "at": at})
    QuestionnaireResponse.record(
        alice, "fiqr", {"function": [5] * 9, "overall": [6, 7], "symptoms": [6] * 10},
        datetime(2026, 3, 5, 9, tzinfo=UTC),
    )  # fmt: skip
    QuestionnaireResponse.record(
        alice, "fiqr", {"function": [4] * 9, "overall": [5, 5], "symptoms": [5] * 10},
        datetime(2026, 4, 20, 9, tzinfo=UTC),
    )  # fmt: skip
    QuestionnaireResponse.record(alice, "peg", {"pain": 5, "enjoyment": 6, "activity": 7})
    questions = "Could magnesium help my night cramps?\nIs heat safe daily? Is $20 vs $5 worth it?"
    VisitQuestions.save_for(alice, questions)
    VisitQuestions.save_for(test.charlie, "CHARLIE-ONLY question")
    add("muscle-events", {"kind": "spasm", "intensity": 9, "regions": ["jaw_right"]},
        person=test.charlie)  # fmt: skip


@time_machine.travel(NOW)
class ReportPdfTestCase(BaseTestCase):
    def test_it_prints_period_scores_questions_and_footer_on_two_vector_pages(self) -> None:
        fill_diary(self)
        data = render_pdf(collect(self.alice, START, END, made_on=date(2026, 5, 1)))
        pages = pdf_pages(data)
        assert len(pages) == 2
        one, two = squash(pages[0]), squash(pages[1])
        assert "Period: 2 Mar 2026 – 30 Apr 2026 (60 days)" in one
        page_one_png(data)
        assert "calf (left)" in one  # the most painful region heads the table
        # page 1 answers "better or worse?": the changes, then the check-in trends; page 2
        # has room for the spasm chart here, so it comes there (before the questions)
        assert "Daily check-ins" in one and "Daily check-ins" not in two
        assert "Spasms and twitches per week" in two and "Spasms and twitches" not in one
        assert two.index("Treatments tried") < two.index("Spasms and twitches per week")
        assert two.index("Spasms and twitches per week") < two.index("Questions for my visit")
        for title in ("Overall pain", "Spasm burden", "Tiredness", "Brain fog", "Stress"):
            assert title in one  # all seven small multiples, on page 1
        # the last two panel titles are two lines: "(higher = better)" under each
        assert "Sleep quality" in one and "Mood" in one
        assert one.count("(higher = better)") >= 2
        assert one.index("Change since the previous period") < one.index("Daily check-ins")
        # the diary starts with this period: no column of blanks, and the heading says why
        changes = one[one.index("Change since the previous period") : one.index("Where it hurts")]
        assert "(tracked 0 days)" in changes
        assert "Nothing recorded in the previous period: no comparison yet." in changes
        assert "Pain, daily mean (0–10) 5.0" in changes and "not recorded" not in changes
        # Latest FIQR (20 April) with the one before it, and the PEG of today (1 May) which is
        # after the period, so not shown.
        assert "FIQR 20 Apr 2026 Total 47.0 of 100 58.0 on 5 Mar 2026" in two
        assert "PEG score" not in two
        assert "Upper trapezius right" in two and "8 (3 Mar) → 4 (10 Apr)" in two
        assert "Heat 6 6 7.0 → 4.0" in two
        assert "Could magnesium help my night cramps?" in two
        assert "Is heat safe daily? Is $20 vs $5 worth it?" in two
        assert "CHARLIE-ONLY" not in one + two and "jaw and jaw joint (right)" not in one
        assert FOOTER in one and FOOTER in two
        assert b"/Subtype /Image" not in data  # vector only, also the colour key
        png = page_one_png(data)
        assert png.stat().st_size > 10_000

    def test_it_keeps_the_spasm_chart_on_page_one_when_page_two_is_full(self) -> None:
        fill_diary(self)
        many = "\n".join(f"Question {n}: does the stretching help my calves?" for n in range(30))
        VisitQuestions.save_for(self.alice, many)
        one, two = (squash(p) for p in pdf_pages(render_pdf(collect(
            self.alice, START, END, made_on=date(2026, 5, 1)))))  # fmt: skip
        assert "Spasms and twitches per week" in one and "Spasms and twitches" not in two
        assert one.index("Daily check-ins") < one.index("Spasms and twitches per week")
        assert "Question 29: does the stretching help my calves?" in two  # all 30 fit

    def test_it_says_plainly_when_there_is_nothing_to_show(self) -> None:
        data = render_pdf(collect(self.charlie, START, END, made_on=date(2026, 5, 1)))
        one, two = (squash(p) for p in pdf_pages(data))
        assert "No pain drawings or spasms in this period." in one
        assert "No daily check-ins in this period." in one
        assert "Sleep, activity and weather" not in two  # no measurements: no empty section
        assert "No questionnaire answered up to the end of this period." in two
        assert "No trigger points recorded in this period." in two
        assert "(none written)" in two

    def test_it_buckets_weeks_on_the_persons_calendar_across_dst(self) -> None:
        # Berlin moves to summer time on Sunday 29 March 2026. 21:30 UTC that Sunday is 23:30
        # in Berlin (still the week of 23 March); 22:30 UTC is already Monday 00:30.
        for at in ("2026-03-29T21:30:00Z", "2026-03-29T22:30:00Z"):
            spasm = {"kind": "spasm", "intensity": 6, "regions": ["calf_left"], "started_at": at}
            create_entry(self.alice, RESOURCES["muscle-events"], spasm)
        report = collect(self.alice, date(2026, 3, 23), date(2026, 4, 5), made_on=END)
        assert [(w.start, w.spasms) for w in report.weeks] == [
            (date(2026, 3, 23), 1),
            (date(2026, 3, 30), 1),
        ]

"""The report answers "better or worse?", names the person, speaks every script, and is
honest about short histories (read back from the PDF with pdftotext)."""

from __future__ import annotations

import subprocess
from datetime import UTC, date, datetime, timedelta

import arabic_reshaper
import pytest
import time_machine

from spasmtrack.diary.entries import RESOURCES, create_entry
from spasmtrack.questionnaires.models import QuestionnaireResponse
from spasmtrack.reports.data import collect
from spasmtrack.reports.models import VisitQuestions
from spasmtrack.reports.pdf import render_pdf, shaped
from spasmtrack.reports.summary import Change, Mcid, mcids
from spasmtrack.test import BaseTestCase
from tests.reports.pdftools import page_one_png, pdf_pages

NOW = datetime(2026, 5, 1, 10, 0, tzinfo=UTC)
START, END = date(2026, 4, 2), date(2026, 4, 30)  # 29 days; the previous 29 end on 1 April
SAMPLE = "Arabic مرحبا بالعالم · Hebrew שלום עולם · Greek Καλημέρα · CJK 肌肉痙攣 · emoji 😣💪"


def squash(text: str) -> str:
    return " ".join(text.split())


def test_it_gives_a_verdict_only_where_a_threshold_is_published() -> None:
    thirty = Mcid(30, "30%")
    assert Change("Pain", 4.0, 6.0, True, thirty).verdict.startswith(
        "better by at least the smallest change that matters"
    )
    assert Change("Pain", 5.0, 6.0, True, thirty).verdict.startswith(
        "better, but by less than the smallest change that matters"
    )
    assert Change("Pain", 8.0, 6.0, True, thirty).verdict.startswith("worse by at least")
    assert Change("Sleep", 6.0, 4.0, False, None).verdict == "better; no published threshold"
    assert Change("Pain", 4.0, None, True, thirty).verdict == "nothing to compare"
    assert Change("Pain", 4.0, 4.0, True, thirty).verdict == "no change"
    assert Change("Pain", 4.0, 6.0, True, thirty).change_text == "−2.0 (−33%)"


def test_it_reads_the_thresholds_from_the_cited_knowledge() -> None:
    found = mcids()
    assert found["fiqr"].percent == 14 and "FIQ-derived" in found["fiqr"].wording
    assert found["pain"].percent == 30 and found["peg"].percent == 30


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("plain text", "plain text"),
        ("שלום", "םולש"),  # visual order for a left-to-right drawing engine
        ("سلام", "\ufee1\ufefc\ufeb3"),  # joined: final meem, lam-alef ligature, initial seen
    ],
)
def test_it_shapes_right_to_left_text_for_matplotlib(text: str, expected: str) -> None:
    assert shaped(text) == expected


@time_machine.travel(NOW)
class ReportVisitTestCase(BaseTestCase):
    def _diary(self) -> None:
        def add(name: str, data: dict[str, object]) -> None:
            create_entry(self.alice, RESOURCES[name], data)

        # previous period (4 Mar - 1 Apr): pain 6, 2 spasms a week; this period: pain 4, 1 a week
        for day in range(58):
            local = date(2026, 3, 4) + timedelta(days=day)
            at = datetime.combine(local, datetime.min.time(), UTC) + timedelta(hours=12)
            pain = 6 if local < START else 4
            add("checkins", {"local_date": local.isoformat(), "overall_pain": pain, "mood": 5})
            if day % (7 if local >= START else 3) == 0 or (local < START and day % 7 == 1):
                spasm = {"kind": "spasm", "intensity": 5, "regions": ["calf_left"]}
                add("muscle-events", {**spasm, "started_at": at.isoformat()})
        twitch = {"kind": "twitch", "intensity": 1, "regions": ["eye_left"]}
        add("muscle-events", {**twitch, "started_at": "2026-04-20T12:00:00Z"})
        fiqr_before = {"function": [5] * 9, "overall": [6, 7], "symptoms": [6] * 10}
        fiqr_now = {"function": [4] * 9, "overall": [5, 5], "symptoms": [5] * 10}
        QuestionnaireResponse.record(
            self.alice, "fiqr", fiqr_before, datetime(2026, 3, 20, 9, tzinfo=UTC)
        )
        QuestionnaireResponse.record(
            self.alice, "fiqr", fiqr_now, datetime(2026, 4, 20, 9, tzinfo=UTC)
        )

    def test_it_prints_each_change_beside_the_previous_period(self) -> None:
        self._diary()
        data = render_pdf(collect(self.alice, START, END, made_on=END))
        png = page_one_png(data, "report-visit-page1")
        one = squash(pdf_pages(data)[0])
        assert "Previous: 4 Mar 2026 – 1 Apr 2026" in one
        # pain 6.0 -> 4.0 is -33 %, beyond the 30 % threshold
        assert (
            "Pain, daily mean (0–10) 4.0 6.0 −2.0 (−33%) better by at least the smallest "
            "change that matters (30%)"
        ) in one
        # FIQR 58.0 -> 47.0 is -19 %, beyond the FIQ-derived 14 %
        assert "FIQR total (0–100) 47.0 58.0 −11.0 (−19%) better by at least" in one
        assert "(14%, FIQ-derived)" in one
        # spasm rates have no published threshold: a change, no verdict
        assert "better; no published threshold" in one
        # no empty headline cells: nothing recorded for PEG in either period, so no PEG row
        assert "PEG (0–10)" not in one
        assert "days with a check-in Change since the previous period" in one  # no "0 drawings"
        # twitches are listed apart, not ranked with the spasms
        assert "Twitches (1), by place: around the eye and eyebrow (left) 1" in one
        assert png.stat().st_size > 10_000

    def test_it_compares_sleep_activity_and_weather_without_a_verdict(self) -> None:
        from spasmtrack.core.measures import DailyValue
        from spasmtrack.measures.services import store_values

        self._diary()

        def values(person: object, first: date, days: int, sleep: float, steps: float) -> None:
            rows = []
            for n in range(days):
                day = first + timedelta(days=n)
                rows += [DailyValue(day, "sleep_hours", sleep, "h"),
                         DailyValue(day, "steps", steps, ""),
                         DailyValue(day, "pressure", 1010.0 + n % 2 * 10, "hPa")]  # fmt: skip
            store_values(person, ((None, v) for v in rows), "fitbit", "test")

        values(self.alice, date(2026, 3, 4), 29, 7.0, 4000)  # the previous period
        values(self.alice, START, 20, 6.0, 5000)  # 20 of the 29 days
        values(self.charlie, START, 29, 2.0, 99_000)
        two = squash(pdf_pages(render_pdf(collect(self.alice, START, END, made_on=END)))[1])
        section = two[two.index("Sleep, activity and weather") : two.index("Latest questionnaire")]
        assert "Sleep (hours a night) 6.0 7.0 −1.0 (−14%) 20 / 29" in section
        assert "Steps a day 5,000 4,000 +1,000 (+25%) 20 / 29" in section
        # pressure: 1010/1020 alternating, 10 of each now, 15 of 1010 and 14 of 1020 before
        assert "Air pressure (hPa) 1,015 1,015 ±0 20 / 29" in section
        assert "better" not in section and "worse" not in section  # no verdict here
        assert "99,000" not in two and "2.0" not in section  # charlie's values stay his

    def test_it_says_honestly_how_long_the_diary_was_kept(self) -> None:
        create_entry(self.alice, RESOURCES["muscle-events"], {
            "kind": "spasm", "intensity": 6, "regions": ["calf_left"],
            "started_at": "2026-04-30T12:00:00Z",
        })  # fmt: skip
        report = collect(self.alice, date(2026, 2, 1), END, made_on=END)
        one = squash(pdf_pages(render_pdf(report))[0])
        assert "tracked for 1 day, since 30 Apr 2026" in one
        assert "spasms (7.0 a week)" in one  # one spasm in one tracked day, not "0.1 a week"

    def test_it_names_the_person_with_display_name_and_date_of_birth(self) -> None:
        self.alice.display_name = "Alice Example"
        self.alice.birth_date = date(1980, 7, 4)
        self.alice.save()
        one = squash(pdf_pages(render_pdf(collect(self.alice, START, END, made_on=END)))[0])
        assert "Person: Alice Example Born 4 Jul 1980" in one

    def test_it_prints_every_script_shaped_and_in_order(self) -> None:
        VisitQuestions.save_for(self.alice, SAMPLE)
        data = render_pdf(collect(self.alice, START, END, made_on=END))
        page_one_png(data, "report-scripts")
        two = pdf_pages(data)[1]
        # pdftotext puts right-to-left glyphs back into reading order: the Hebrew reads as
        # written only if it was drawn right to left, and the Arabic comes back as joined
        # presentation forms (unshaped text would give the plain letters U+0621-U+064A)
        assert "Greek Καλημέρα" in two and "CJK 肌肉痙攣" in two
        assert "שלום עולם" in two
        joined = arabic_reshaper.reshape("مرحبا بالعالم")
        assert all("\ufe70" <= ch <= "\ufeff" for ch in joined.replace(" ", ""))
        assert joined in two
        # emoji: drawn from Symbola (matplotlib writes no text mapping for characters beyond
        # the BMP, so pdftotext cannot read them back; the font is there only for them)
        assert "Symbola" in _fonts(data) and "DroidSansFallback" in _fonts(data)
        VisitQuestions.save_for(self.alice, "Greek Καλημέρα only")
        plain = render_pdf(collect(self.alice, START, END, made_on=END))
        assert "Symbola" not in _fonts(plain) and "DroidSansFallback" not in _fonts(plain)


def _fonts(data: bytes) -> str:
    out = subprocess.run(["pdffonts", "-"], input=data, capture_output=True, check=True)
    return out.stdout.decode()

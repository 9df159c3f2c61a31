"""Page 2's "Sleep, activity and weather" also carries the check-in's 0-10 activity rating
beside the previous period, and, only for a person who turned cycle tracking on, the
menstrual cycle as the cycle app computes it (read back from the PDF with pdftotext)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import time_machine

from spasmtrack.core.cycle import CycleSummary, summarise
from spasmtrack.cycle.services import log_period_day, set_enabled
from spasmtrack.diary.entries import RESOURCES, create_entry
from spasmtrack.reports.data import collect
from spasmtrack.reports.pdf import render_pdf
from spasmtrack.reports.summary import CycleRow
from spasmtrack.test import BaseTestCase
from tests.reports.pdftools import pdf_pages

NOW = datetime(2026, 5, 1, 10, 0, tzinfo=UTC)
START, END = date(2026, 4, 2), date(2026, 4, 30)  # 29 days; the previous 29: 4 Mar - 1 Apr
# Four periods of four days: cycles of 28, 30 and 28 days.
PERIOD_STARTS = (date(2026, 1, 10), date(2026, 2, 7), date(2026, 3, 9), date(2026, 4, 6))


def squash(text: str) -> str:
    return " ".join(text.split())


def page_two(person: object) -> str:
    return squash(pdf_pages(render_pdf(collect(person, START, END, made_on=END)))[1])  # type: ignore[arg-type]


@time_machine.travel(NOW)
class ReportCycleActivityTestCase(BaseTestCase):
    def _checkins(self, activity: bool = True) -> None:
        """Pain every day; "how much did you do" 4 every other day of the previous period,
        6 every day of this one."""
        for n in range(58):
            day = date(2026, 3, 4) + timedelta(days=n)
            data: dict[str, object] = {"local_date": day.isoformat(), "overall_pain": 5}
            if activity and (day >= START or n % 2 == 0):
                data["activity"] = 6 if day >= START else 4
            create_entry(self.alice, RESOURCES["checkins"], data)

    def _periods(self) -> list[date]:
        days = [s + timedelta(days=i) for s in PERIOD_STARTS for i in range(4)]
        for day in days:
            log_period_day(self.alice, day)
        return days

    def test_it_prints_the_activity_rating_beside_the_previous_period(self) -> None:
        self._checkins()
        two = page_two(self.alice)
        assert "Sleep, activity and weather" in two
        # 6.0 now, 4.0 before: +2.0 (+50%); 29 rated days now, 15 before
        assert "Activity, check-in rating (0–10) 6.0 4.0 +2.0 (+50%) 29 / 15" in two
        assert "Activity: the daily check-in's “How much did you do today?”" in two
        assert "Menstrual cycle" not in two  # tracking never turned on

    def test_without_ratings_there_is_no_activity_row(self) -> None:
        self._checkins(activity=False)
        two = page_two(self.alice)
        assert "Activity, check-in rating" not in two
        assert "Sleep, activity and weather" not in two  # nothing at all to show there

    def test_it_prints_the_cycle_when_tracking_is_on(self) -> None:
        set_enabled(self.alice, True)
        days = self._periods()
        two = page_two(self.alice)
        assert "Sleep, activity and weather, cycle" in two
        assert "Menstrual cycle" in two
        assert "4 period days logged in this period (4 period days in the previous one)." in two
        # cycles of 28, 30 and 28 days: the cycle app's average, and its expected next period
        # (29 days after 6 Apr, from the shortest cycle or 2 days before to the longest or 2
        # days after)
        expected = summarise(days, END)
        assert expected.average_length is not None and expected.expected == date(2026, 5, 5)
        assert "Average cycle length: 28.7 days (3 cycles counted, 28–30 days)." in two
        assert "Next period expected around 5 May 2026 (range 3 May 2026 – 7 May 2026)." in two
        assert "a calendar estimate (nothing here measures ovulation), not a diagnosis" in two

    def test_the_cycle_stays_out_when_tracking_is_off(self) -> None:
        set_enabled(self.alice, True)
        self._periods()
        set_enabled(self.alice, False)  # the logged days stay, but nothing is shown
        two = page_two(self.alice)
        assert "Menstrual cycle" not in two
        assert "period day" not in two
        assert "Next period" not in two

    def test_with_tracking_on_but_no_period_logged_there_is_no_cycle(self) -> None:
        set_enabled(self.alice, True)
        self._checkins()
        two = page_two(self.alice)
        assert "Activity, check-in rating" in two
        assert "Menstrual cycle" not in two


def _summary(**fields: object) -> CycleSummary:
    """A CycleSummary as core.cycle gives it, with `fields` set and nothing known otherwise."""
    known: dict[str, object] = dict.fromkeys(
        ("cycle_day", "phase", "last_start", "average_length", "shortest", "longest"), None
    )
    known |= {"expected": None, "earliest": None, "latest": None}
    known |= {"period_today": False, "cycles_counted": 0, "late": False}
    return CycleSummary(**(known | fields))  # type: ignore[arg-type]


def test_its_cycle_lines_say_what_is_not_known_yet() -> None:
    row = CycleRow(
        period_days=1,
        previous_period_days=0,
        cycle=_summary(average_length=None, cycles_counted=0, late=False),
        as_of=END,
    )
    assert row.lines() == [
        "1 period day logged in this period (0 period days in the previous one).",
        "Average cycle length: not yet known (fewer than two periods logged).",
    ]


def test_a_late_period_is_said_plainly() -> None:
    row = CycleRow(
        period_days=0,
        previous_period_days=4,
        cycle=_summary(
            average_length=28.0,
            cycles_counted=3,
            shortest=28,
            longest=28,
            expected=date(2026, 4, 20),
            earliest=date(2026, 4, 18),
            latest=date(2026, 4, 22),
            late=True,
        ),
        as_of=END,
    )
    assert row.lines()[1] == "Average cycle length: 28.0 days (3 cycles counted)."
    assert row.lines()[2] == (
        "Next period expected around 20 Apr 2026 (range 18 Apr 2026 – 22 Apr 2026); "
        "none logged by 30 Apr 2026."
    )

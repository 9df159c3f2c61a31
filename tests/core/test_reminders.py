"""What is due when: time zones, DST, quiet hours, done tasks."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from spasmtrack.core.reminders import (
    Facts,
    PendingTreatment,
    Plan,
    add_months,
    after_quiet,
    due,
    wall,
)

BERLIN = ZoneInfo("Europe/Berlin")
NY = ZoneInfo("America/New_York")


def at(zone: ZoneInfo, *args: int, fold: int = 0) -> datetime:
    return datetime(*args, tzinfo=zone, fold=fold).astimezone(UTC)  # type: ignore[misc]


def keys(plan: Plan, facts: Facts, now: datetime, **kw: bool) -> list[str]:
    return [d.key for d in due(plan, facts, now, **kw)]


def test_it_reminds_of_the_checkin_at_the_chosen_local_time() -> None:
    plan = Plan("Europe/Berlin", date(2026, 1, 1), checkin_at=time(20, 0))
    assert keys(plan, Facts(), at(BERLIN, 2026, 6, 1, 19, 59)) == []
    assert keys(plan, Facts(), at(BERLIN, 2026, 6, 1, 20, 0)) == ["checkin:2026-06-01"]
    assert keys(plan, Facts(), at(BERLIN, 2026, 6, 1, 23, 59)) == ["checkin:2026-06-01"]
    # The next local day starts a new one (00:00 is before 20:00: nothing yet).
    assert keys(plan, Facts(), at(BERLIN, 2026, 6, 2, 0, 0)) == []


def test_it_skips_the_checkin_when_done() -> None:
    plan = Plan("Europe/Berlin", date(2026, 1, 1), checkin_at=time(20, 0))
    facts = Facts(checkin_days=frozenset({date(2026, 6, 1)}))
    assert keys(plan, facts, at(BERLIN, 2026, 6, 1, 21, 0)) == []
    assert keys(plan, facts, at(BERLIN, 2026, 6, 2, 21, 0)) == ["checkin:2026-06-02"]


@pytest.mark.parametrize(
    ("zone", "day"),
    [(BERLIN, date(2026, 3, 29)), (BERLIN, date(2026, 10, 25))]
    + [(NY, date(2026, 3, 8)), (NY, date(2026, 11, 1))],
)
def test_it_keeps_the_wall_time_across_dst(zone: ZoneInfo, day: date) -> None:
    plan = Plan(str(zone), date(2026, 1, 1), checkin_at=time(20, 0))
    for d in (day - timedelta(days=1), day, day + timedelta(days=1)):
        (r,) = due(plan, Facts(), at(zone, d.year, d.month, d.day, 22, 0))
        assert r.at.astimezone(zone).time() == time(20, 0)
        assert r.key == f"checkin:{d.isoformat()}"


def test_it_fires_a_time_in_the_skipped_hour_after_the_gap() -> None:
    # Berlin, 29 March 2026: 02:00 jumps to 03:00, so 02:30 does not exist.
    assert wall(date(2026, 3, 29), time(2, 30), BERLIN).astimezone(BERLIN).time() == time(3, 30)
    # New York, 8 March 2026: same at 02:00 local.
    assert wall(date(2026, 3, 8), time(2, 30), NY).astimezone(NY).time() == time(3, 30)


@pytest.mark.parametrize(
    ("zone", "day", "hour"), [(BERLIN, (2026, 10, 25), 2), (NY, (2026, 11, 1), 1)]
)
def test_it_fires_a_repeated_time_once(
    zone: ZoneInfo, day: tuple[int, int, int], hour: int
) -> None:
    plan = Plan(str(zone), date(2026, 1, 1), checkin_at=time(hour, 30))
    first = at(zone, *day, hour, 30, fold=0)
    second = at(zone, *day, hour, 30, fold=1)
    assert second - first == timedelta(hours=1)
    (r,) = due(plan, Facts(), first)
    assert r.at == first
    # At the second 01:30 the key is the same one: delivery made once per key sends nothing new.
    assert keys(plan, Facts(), second) == [r.key]


def test_it_holds_a_reminder_in_quiet_hours_until_they_end() -> None:
    plan = Plan(
        "America/New_York",
        date(2026, 6, 1),
        peg_weeks=1,
        questionnaire_at=time(6, 0),
        quiet_from=time(22, 0),
        quiet_until=time(7, 30),
    )
    assert keys(plan, Facts(), at(NY, 2026, 6, 1, 6, 30)) == []
    # Never answered: due from the day reminders were set up; Today ignores quiet hours.
    assert keys(plan, Facts(), at(NY, 2026, 6, 1, 6, 30), quiet=False) == ["peg:2026-06-01"]
    (r,) = due(plan, Facts(), at(NY, 2026, 6, 1, 7, 30))
    assert r.at == at(NY, 2026, 6, 1, 7, 30)


def test_it_computes_quiet_hours_over_midnight_and_dst() -> None:
    plan = Plan("Europe/Berlin", date(2026, 1, 1), quiet_from=time(22, 0), quiet_until=time(7, 0))
    # 23:00 on the night clocks go back (25-hour night): the end is 07:00 CET next morning.
    end = after_quiet(plan, at(BERLIN, 2026, 10, 24, 23, 0))
    assert end == at(BERLIN, 2026, 10, 25, 7, 0)
    assert after_quiet(plan, at(BERLIN, 2026, 10, 25, 3, 0)) == end
    assert after_quiet(plan, at(BERLIN, 2026, 10, 25, 12, 0)) == at(BERLIN, 2026, 10, 25, 12, 0)


def test_it_asks_about_pain_after_a_treatment() -> None:
    plan = Plan("Europe/Berlin", date(2026, 1, 1), pain_after_minutes=45)
    t = PendingTreatment("abc", "Heat", at(BERLIN, 2026, 6, 1, 10, 0))
    facts = Facts(treatments=(t,))
    assert keys(plan, facts, at(BERLIN, 2026, 6, 1, 10, 44)) == []
    (r,) = due(plan, facts, at(BERLIN, 2026, 6, 1, 10, 45))
    assert (r.key, r.subject, r.title) == ("pain_after:abc", "abc", "How is your pain now?")
    assert "Heat at 10:00" in r.body
    # Stale after three hours: not sent late.
    assert keys(plan, facts, at(BERLIN, 2026, 6, 1, 13, 46)) == []


def test_it_drops_a_pain_question_that_quiet_hours_would_make_stale() -> None:
    plan = Plan(
        "Europe/Berlin",
        date(2026, 1, 1),
        pain_after_minutes=60,
        quiet_from=time(23, 0),
        quiet_until=time(7, 0),
    )
    facts = Facts(treatments=(PendingTreatment("x", "Heat", at(BERLIN, 2026, 6, 1, 22, 30)),))
    for hour in (23, 1, 7, 8):
        d = 1 if hour == 23 else 2
        assert keys(plan, facts, at(BERLIN, 2026, 6, d, hour, 40)) == []


def test_it_asks_the_experiment_question_on_unanswered_days() -> None:
    plan = Plan("Europe/Berlin", date(2026, 1, 1), experiment_at=time(19, 0))
    facts = Facts(experiment_days={date(2026, 6, 1): (("t1", "Magnesium"),)})
    (r,) = due(plan, facts, at(BERLIN, 2026, 6, 1, 19, 5))
    assert r.key == "experiment:t1:2026-06-01" and "Magnesium" in r.body
    assert keys(plan, facts, at(BERLIN, 2026, 6, 2, 19, 5)) == []


def test_it_makes_questionnaires_due_by_interval() -> None:
    plan = Plan(
        "Europe/Berlin",
        date(2026, 1, 1),
        questionnaire_at=time(18, 0),
        fiqr_weeks=4,
        acr2016_months=3,
        peg_weeks=1,
    )
    facts = Facts(
        last_answered={
            "fiqr": date(2026, 5, 4),
            "acr2016": date(2026, 3, 1),
            "peg": date(2026, 5, 30),
        }
    )
    # 1 June 18:00: FIQR (due 1 June) and ACR (due 1 June); PEG only on 6 June.
    assert keys(plan, facts, at(BERLIN, 2026, 6, 1, 18, 0)) == [
        "acr2016:2026-06-01",
        "fiqr:2026-06-01",
    ]
    assert keys(plan, facts, at(BERLIN, 2026, 6, 6, 18, 0)) == [
        "acr2016:2026-06-01",
        "fiqr:2026-06-01",
        "peg:2026-06-06",
    ]
    # Still not answered a week later: asked again under a new key.
    assert "fiqr:2026-06-08" in keys(plan, facts, at(BERLIN, 2026, 6, 8, 18, 0))


def test_it_turns_each_reminder_off() -> None:
    plan = Plan("Europe/Berlin", date(2026, 1, 1))
    facts = Facts(
        treatments=(PendingTreatment("x", "Heat", at(BERLIN, 2026, 6, 1, 10, 0)),),
        experiment_days={date(2026, 6, 1): (("t", "T"),)},
    )
    assert keys(plan, facts, at(BERLIN, 2026, 6, 1, 20, 0)) == []


def test_it_adds_calendar_months() -> None:
    assert add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2026, 12, 15), 1) == date(2027, 1, 15)


def test_it_refuses_a_naive_now() -> None:
    with pytest.raises(ValueError, match="aware"):
        due(Plan("UTC", date(2026, 1, 1)), Facts(), datetime(2026, 1, 1))

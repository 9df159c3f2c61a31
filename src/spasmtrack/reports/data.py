"""Read one person's diary for a period and summarise it for the clinician report."""

from __future__ import annotations

from datetime import date, timedelta

from spasmtrack.accounts.models import Person
from spasmtrack.core.muscles import all_muscles
from spasmtrack.diary.entries import RESOURCES, E, Resource, entries_for
from spasmtrack.diary.models import DailyCheckin, EntryQuerySet
from spasmtrack.insights.present import finding_lines
from spasmtrack.questionnaires import kinds
from spasmtrack.questionnaires.models import QuestionnaireResponse, responses_for
from spasmtrack.reports import summary
from spasmtrack.reports.models import VisitQuestions

DEFAULT_DAYS = 90
MAX_DAYS = 366


class PeriodError(ValueError):
    """A report period the person has to fix (shown as one line)."""


def default_period(today: date) -> tuple[date, date]:
    """The last 90 days, today included."""
    return today - timedelta(days=DEFAULT_DAYS - 1), today


def check_period(start: date, end: date) -> None:
    if start > end:
        raise PeriodError(f"the period starts ({start}) after it ends ({end})")
    if (end - start).days + 1 > MAX_DAYS:
        raise PeriodError(f"the period is longer than {MAX_DAYS} days: choose a shorter one")


def _muscle_label(muscle_id: str) -> str:
    found = all_muscles().get(muscle_id)
    return found.name if found else muscle_id.replace("_", " ")


def day_text(day: date) -> str:
    """E.g. "2 Mar 2026" (no zero padding, on every platform)."""
    return f"{day.day} {day:%b %Y}"


def _score_rows(person: Person, end: date) -> list[summary.ScoreRow]:
    """The latest response of each questionnaire up to the end of the period, with the one
    before it for comparison."""
    rows = []
    for kind in kinds.KINDS:
        latest: list[QuestionnaireResponse] = list(
            responses_for(person)
            .filter(kind=kind, local_date__lte=end)
            .order_by("-answered_at", "-id")[:2]
        )
        if not latest:
            continue
        scores = latest[0].scores()
        head = kinds.headline(kind, scores)
        details = [
            f"{label}: {value}"
            for label, value in kinds.score_lines(kind, scores)
            if label != head.label
        ]
        previous = ""
        if len(latest) > 1:
            before = latest[1].headline()
            previous = f"{kinds.number_text(before.value)} on {day_text(latest[1].local_date)}"
        rows.append(
            summary.ScoreRow(
                title=kinds.SHORT_TITLES[kind],
                day=latest[0].local_date,
                headline=head.text(),
                details="; ".join(details),
                previous=previous,
            )
        )
    return rows


def collect(person: Person, start: date, end: date, made_on: date) -> summary.Report:
    """Everything the report prints for start..end (the person's local days, inclusive)."""
    check_period(start, end)

    def live(res: Resource[E]) -> EntryQuerySet[E]:
        return entries_for(person, res).between(start, end)

    events = list(
        live(RESOURCES["muscle-events"])
        .order_by("started_at")
        .values_list("local_date", "kind", "intensity", "regions")
    )
    drawings = [d for (d,) in live(RESOURCES["pain-drawings"]).values_list("regions")]
    checkins = [
        (c.local_date, {item: getattr(c, item) for item in DailyCheckin.ITEMS})
        for c in live(RESOURCES["checkins"])
    ]
    points = [
        (tp.local_date, _muscle_label(tp.muscle), tp.side, tp.status, tp.tenderness, tp.found_by)
        for tp in live(RESOURCES["trigger-points"]).order_by("at")
    ]
    logs = [
        (t.treatment.name, t.pain_before, t.pain_after)
        for t in live(RESOURCES["treatment-logs"]).order_by("at")
    ]
    rows = summary.region_rows(drawings, [(regions, i) for _, _, i, regions in events])
    heat, heat_source = summary.heat_map(rows, bool(drawings))
    spasm_intensities = [i for _, kind, i, _ in events if kind == "spasm"]
    return summary.Report(
        person=person.user.username,
        tz=person.tz,
        start=start,
        end=end,
        made_on=made_on,
        spasms=len(spasm_intensities),
        twitches=sum(1 for e in events if e[1] == "twitch"),
        spasm_intensity=summary.mean_or_none(spasm_intensities),
        checkin_days=len(checkins),
        drawings=len(drawings),
        weeks=summary.weeks(start, end, [(d, k, i) for d, k, i, _ in events], checkins),
        regions=rows,
        heat=heat,
        heat_source=heat_source,
        trigger_points=summary.trigger_point_rows(points),
        treatments=summary.treatment_rows(logs),
        scores=_score_rows(person, end),
        questions=VisitQuestions.objects.text_for(person),
        findings=finding_lines(person, start, end, made_on),
    )

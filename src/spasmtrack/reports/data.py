"""Read one person's diary for a period and summarise it for the clinician report."""

from __future__ import annotations

from datetime import date, timedelta

from spasmtrack.accounts.models import Person
from spasmtrack.core.body.muscles import all_muscles
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


def first_day(person: Person, until: date) -> date | None:
    """The first day anything was logged (spasm, check-in, drawing, treatment), up to `until`."""
    from django.db.models import Min

    days = [
        entries_for(person, RESOURCES[name])
        .filter(local_date__lte=until)
        .aggregate(first=Min("local_date"))["first"]
        for name in ("muscle-events", "checkins", "pain-drawings", "treatment-logs")
    ]
    found = [d for d in days if d is not None]
    return min(found) if found else None


def tracked_days(start: date, end: date, first: date | None) -> int:
    """Days of start..end from the first logged day on (0 when nothing was logged by `end`)."""
    if first is None or first > end:
        return 0
    return (end - max(start, first)).days + 1


def _latest_scores(person: Person, kind: str, start: date, end: date) -> dict[str, object] | None:
    latest = (
        responses_for(person)
        .filter(kind=kind, local_date__gte=start, local_date__lte=end)
        .order_by("-answered_at", "-id")
        .first()
    )
    return latest.scores() if latest is not None else None


def period_figures(
    person: Person, start: date, end: date, first: date | None
) -> dict[str, float | None]:
    """The headline figures of one period, by key (None: nothing recorded)."""
    from django.db.models import Avg, Count, Q

    days = tracked_days(start, end, first)
    events = (
        entries_for(person, RESOURCES["muscle-events"])
        .between(start, end)
        .aggregate(
            spasms=Count("id", filter=Q(kind="spasm")),
            twitches=Count("id", filter=Q(kind="twitch")),
            intensity=Avg("intensity", filter=Q(kind="spasm")),
        )
    )
    checkins = (
        entries_for(person, RESOURCES["checkins"])
        .between(start, end)
        .aggregate(pain=Avg("overall_pain"), sleep=Avg("sleep_quality"))
    )
    weeks = days / 7
    out: dict[str, float | None] = {
        "spasms_week": events["spasms"] / weeks if days else None,
        "twitches_week": events["twitches"] / weeks if days else None,
        "intensity": events["intensity"],
        "pain": checkins["pain"],
        "sleep": checkins["sleep"],
    }
    fiqr = _latest_scores(person, "fiqr", start, end)
    peg = _latest_scores(person, "peg", start, end)
    acr = _latest_scores(person, "acr2016", start, end)
    out["fiqr"] = float(fiqr["total"]) if fiqr else None  # type: ignore[arg-type]
    out["peg"] = float(peg["score"]) if peg else None  # type: ignore[arg-type]
    out["wpi"] = float(acr["wpi"]) if acr else None  # type: ignore[arg-type]
    out["sss"] = float(acr["sss"]) if acr else None  # type: ignore[arg-type]
    return out


# (key, label, lower is better, digits); the MCID comes from knowledge/mcid.json by key.
CHANGE_ROWS = (
    ("spasms_week", "Spasms a week", True, 1),
    ("twitches_week", "Twitches a week", True, 1),
    ("intensity", "Spasm intensity (0–10)", True, 1),
    ("pain", "Pain, daily mean (0–10)", True, 1),
    ("sleep", "Sleep quality (0–10, higher = better)", False, 1),
    ("fiqr", "FIQR total (0–100)", True, 1),
    ("peg", "PEG (0–10)", True, 1),
    ("wpi", "Widespread Pain Index (0–19)", True, 0),
    ("sss", "Symptom Severity (0–12)", True, 0),
)


def changes(now: dict[str, float | None], before: dict[str, float | None]) -> list[summary.Change]:
    """Each headline figure beside the previous period; rows with neither value are left out
    (no empty cells), questionnaires included only when answered in one of the periods."""
    thresholds = summary.mcids()
    key_map = {"pain": "pain", "peg": "peg", "fiqr": "fiqr"}
    rows = []
    for key, label, lower, digits in CHANGE_ROWS:
        if now[key] is None and before[key] is None:
            continue
        mcid = thresholds.get(key_map.get(key, ""))
        rows.append(summary.Change(label, now[key], before[key], lower, mcid, digits))
    return rows


def experiment_lines(person: Person, start: date, end: date, today: date) -> list[str]:
    """Finished experiments that ended in or before the period, with their answer in words."""
    from spasmtrack.trials import days as trial_days
    from spasmtrack.trials.findings import finished_trials

    lines = []
    for trial in finished_trials(person, today):
        if trial.schedule.end > end:
            continue
        result = trial_days.analysis(trial, today)
        title = f"{trial.title} ({trial.b_name} vs {trial.a_name}, {trial.outcome_label})"
        if result.itt is None:
            lines.append(f"{title}: finished, too few days logged for an answer.")
            continue
        p = result.itt.p_b_better
        if p > 0.95:
            answer = f"{trial.b_name} was likely better"
        elif p < 0.05:
            answer = f"{trial.b_name} was likely worse"
        else:
            answer = "no clear difference"
        lines.append(f"{title}: {answer} (chance {trial.b_name} better: {p:.0%}).")
    return lines[:5]


def measure_rows(
    person: Person, start: date, end: date, prev_start: date
) -> list[summary.MeasureRow]:
    """Sleep, activity and weather means of start..end beside prev_start..start-1, one value
    a day (the measures app's choice of source, when that app is installed), with the
    check-in's 0-10 activity rating where the person gave one."""
    from django.apps import apps

    values: dict[str, dict[date, float]] = {}
    if apps.is_installed("spasmtrack.measures"):
        from spasmtrack.measures.factors import daily_values

        values = {m: dict(s) for m, s in daily_values(person, prev_start, end).items()}
    rated = (
        entries_for(person, RESOURCES["checkins"])
        .between(prev_start, end)
        .filter(activity__isnull=False)
        .values_list("local_date", "activity")
    )
    if activity := {day: float(v) for day, v in rated if v is not None}:
        values[summary.ACTIVITY_KEY] = activity
    now = {m: {d: v for d, v in s.items() if d >= start} for m, s in values.items()}
    before = {m: {d: v for d, v in s.items() if d < start} for m, s in values.items()}
    return summary.measure_rows(now, before)


def cycle_row(person: Person, start: date, end: date, prev_start: date) -> summary.CycleRow | None:
    """The cycle figures, only when the person has cycle tracking on and has logged a period
    day up to `end` (the cycle app's own arithmetic, as of `end`)."""
    from django.apps import apps

    if not apps.is_installed("spasmtrack.cycle"):
        return None
    from spasmtrack.core.cycle import summarise
    from spasmtrack.cycle.services import is_enabled, logged_days

    if not is_enabled(person):
        return None
    days = [d for d in logged_days(person) if d <= end]
    if not days:
        return None
    return summary.cycle_row(days, start, end, prev_start, summarise(days, end))


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
    rows = summary.region_rows(
        drawings, [(regions, i) for _, kind, i, regions in events if kind == "spasm"]
    )
    twitch_rows = summary.twitch_rows(
        [regions for _, kind, _, regions in events if kind == "twitch"]
    )
    first = first_day(person, end)
    length = (end - start).days + 1
    prev_end = start - timedelta(days=1)
    prev_start = prev_end - timedelta(days=length - 1)
    now_figures = period_figures(person, start, end, first)
    before_figures = period_figures(person, prev_start, prev_end, first)
    heat, heat_source = summary.heat_map(rows, bool(drawings))
    spasm_intensities = [i for _, kind, i, _ in events if kind == "spasm"]
    return summary.Report(
        person=person.name,
        birth_date=person.birth_date,
        first_day=first,
        tracked_days=tracked_days(start, end, first),
        previous_start=prev_start,
        previous_end=prev_end,
        previous_tracked_days=tracked_days(prev_start, prev_end, first),
        changes=changes(now_figures, before_figures),
        twitch_regions=twitch_rows,
        experiments=experiment_lines(person, start, end, made_on),
        measures=measure_rows(person, start, end, prev_start),
        cycle=cycle_row(person, start, end, prev_start),
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

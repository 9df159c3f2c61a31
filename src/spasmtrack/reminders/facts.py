"""From the database to `core.reminders`: each person's Plan and Facts, read in bulk.

One scheduler tick reads everybody with a few queries per chunk of people (settings, recent
check-ins, treatments waiting for a pain after, latest questionnaire days, running
experiments), never a query per person, so 10,000 people take well under a second
(`bench/reminders.py`). Running experiments cost a few queries each (their schedules are
derived from a seed); few people run one at a time.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Max

from spasmtrack.core.reminders import (
    PAIN_AFTER_WINDOW,
    QUESTIONNAIRES,
    Facts,
    PendingTreatment,
    Plan,
)
from spasmtrack.reminders.models import ReminderSettings

CHUNK = 900  # people per round of queries (SQLite allows 32,766 parameters; PostgreSQL more)
# A treatment older than this cannot be due for a pain-after question (longest delay + window).
MAX_PAIN_AFTER = timedelta(minutes=24 * 60) + PAIN_AFTER_WINDOW


def plans_and_facts(
    rows: Iterable[ReminderSettings], now: datetime
) -> Iterator[tuple[ReminderSettings, Plan, Facts]]:
    """Each settings row (with `person` loaded) with its Plan and Facts at `now`."""
    batch: list[ReminderSettings] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= CHUNK:
            yield from _chunk(batch, now)
            batch = []
    if batch:
        yield from _chunk(batch, now)


def _chunk(
    rows: list[ReminderSettings], now: datetime
) -> Iterator[tuple[ReminderSettings, Plan, Facts]]:
    from spasmtrack.diary.models import DailyCheckin, TreatmentLog
    from spasmtrack.questionnaires.models import QuestionnaireResponse

    zones: dict[str, ZoneInfo] = {}
    today: dict[int, date] = {}
    for r in rows:
        tz = r.person.tz
        zone = zones.get(tz) or zones.setdefault(tz, ZoneInfo(tz))
        today[r.person_id] = now.astimezone(zone).date()
    first_day = min(today.values())

    checkins: dict[int, set[date]] = defaultdict(set)
    wants_checkin = [r.person_id for r in rows if r.checkin_at is not None]
    if wants_checkin:
        for pid, day in (
            DailyCheckin.objects.live()
            .filter(person_id__in=wants_checkin, local_date__gte=first_day)
            .values_list("person_id", "local_date")
        ):
            checkins[pid].add(day)

    treatments: dict[int, list[PendingTreatment]] = defaultdict(list)
    wants_pain = [r.person_id for r in rows if r.pain_after_minutes is not None]
    if wants_pain:
        for pid, code, name, at in (
            TreatmentLog.objects.live()
            .filter(
                person_id__in=wants_pain,
                pain_before__isnull=False,
                pain_after__isnull=True,
                at__gte=now - MAX_PAIN_AFTER,
                at__lte=now,
            )
            .values_list("person_id", "code", "treatment__name", "at")
        ):
            treatments[pid].append(PendingTreatment(str(code), name, at))

    answered: dict[int, dict[str, date]] = defaultdict(dict)
    wants_q = [r.person_id for r in rows if r.fiqr_weeks or r.acr2016_months or r.peg_weeks]
    if wants_q:
        for pid, kind, last in (
            QuestionnaireResponse.objects.filter(person_id__in=wants_q, kind__in=QUESTIONNAIRES)
            .values("person_id", "kind")
            .annotate(last=Max("local_date"))
            .values_list("person_id", "kind", "last")
        ):
            answered[pid][kind] = last

    experiments = _experiment_days([r for r in rows if r.experiment_at is not None], today)

    for r in rows:
        pid = r.person_id
        facts = Facts(
            checkin_days=frozenset(checkins.get(pid, ())),
            treatments=tuple(treatments.get(pid, ())),
            experiment_days=experiments.get(pid, {}),
            last_answered=answered.get(pid, {}),
        )
        yield r, r.plan(r.person.tz), facts


def _experiment_days(
    rows: list[ReminderSettings], today: dict[int, date]
) -> dict[int, dict[date, tuple[tuple[str, str], ...]]]:
    """For each person, today's running experiments whose adherence question is unanswered."""
    if not rows:
        return {}
    from spasmtrack.trials.models import Trial
    from spasmtrack.trials.today import today_status

    latest = max(today[r.person_id] for r in rows)
    out: dict[int, dict[date, tuple[tuple[str, str], ...]]] = {}
    trials = Trial.objects.filter(
        person_id__in=[r.person_id for r in rows],
        status__in=(Trial.Status.PLANNED, Trial.Status.RUNNING),
        start__lte=latest,
    ).select_related("treatment_a", "treatment_b")
    for trial in trials:
        day = today[trial.person_id]
        if trial.status_on(day) != Trial.Status.RUNNING:
            continue
        if today_status(trial, day)["ask_adherence"]:
            found = out.setdefault(trial.person_id, {})
            found[day] = (*found.get(day, ()), (str(trial.code), trial.title))
    return out


def for_person(person_id: int, now: datetime) -> tuple[ReminderSettings, Plan, Facts] | None:
    """One person's saved settings, plan and facts (None: no reminders set up)."""
    row = ReminderSettings.objects.select_related("person").filter(person_id=person_id).first()
    if row is None:
        return None
    return next(plans_and_facts([row], now))

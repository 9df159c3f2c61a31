"""From the database to `core.reminders`: each person's Plan and Facts, read in bulk.

A scheduler tick reads everybody who wants push or e-mail with five queries in all (settings,
recent check-ins, treatments waiting for a pain after, latest questionnaire days, running
experiments), each one scan joined to the settings table, as plain tuples (no model objects),
so 10,000 people take a fraction of a second (`bench/reminders.py`). The same code reads one
person (Today) or a worker's batch (`person_ids`). Running experiments cost a few queries
each (their schedules are derived from a seed); few people run one at a time.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Max, Q

from spasmtrack.core.reminders import (
    PAIN_AFTER_WINDOW,
    QUESTIONNAIRES,
    Facts,
    PendingTreatment,
    Plan,
)
from spasmtrack.reminders.models import ReminderSettings

# A treatment older than this cannot be due for a pain-after question (longest delay + window).
MAX_PAIN_AFTER = timedelta(minutes=720) + PAIN_AFTER_WINDOW

# Who to read: a filter on ReminderSettings given the path to it ("" from ReminderSettings,
# "person__reminder_settings__" from a diary table).
Scope = Callable[[str], Q]


@dataclass(frozen=True)
class Reminded:
    """One person's reminders: their choices as a Plan, their diary as Facts."""

    person_id: int
    by_push: bool
    by_email: bool
    plan: Plan
    facts: Facts


def wanting_delivery(prefix: str) -> Q:
    """Everybody who wants push or e-mail."""
    return Q(**{f"{prefix}by_push": True}) | Q(**{f"{prefix}by_email": True})


def people(ids: Iterable[int]) -> Scope:
    ids = list(ids)
    return lambda prefix: Q(person_id__in=ids)


_FIELDS = (
    "person_id",
    "person__tz",
    "since",
    "checkin_at",
    "pain_after_minutes",
    "experiment_at",
    "questionnaire_at",
    "fiqr_weeks",
    "acr2016_months",
    "peg_weeks",
    "quiet_from",
    "quiet_until",
    "by_push",
    "by_email",
)


def load(scope: Scope, now: datetime) -> list[Reminded]:
    """Plan and Facts at `now` of everybody in `scope`."""
    from spasmtrack.diary.models import DailyCheckin, TreatmentLog
    from spasmtrack.questionnaires.models import QuestionnaireResponse

    rows = list(ReminderSettings.objects.filter(scope("")).values_list(*_FIELDS))
    if not rows:
        return []
    via = "person__reminder_settings__"
    zones: dict[str, ZoneInfo] = {}
    local_today: dict[str, date] = {}
    for row in rows:
        tz = row[1]
        if tz not in zones:
            zones[tz] = ZoneInfo(tz)
            local_today[tz] = now.astimezone(zones[tz]).date()
    today = {row[0]: local_today[row[1]] for row in rows}

    checkins: dict[int, set[date]] = defaultdict(set)
    for pid, day in (
        DailyCheckin.objects.live()
        .filter(scope(via), local_date__gte=min(local_today.values()))
        .filter(**{f"{via}checkin_at__isnull": False})
        .values_list("person_id", "local_date")
    ):
        checkins[pid].add(day)

    treatments: dict[int, list[PendingTreatment]] = defaultdict(list)
    for pid, code, name, at in (
        TreatmentLog.objects.live()
        .filter(
            scope(via),
            pain_before__isnull=False,
            pain_after__isnull=True,
            at__gte=now - MAX_PAIN_AFTER,
            at__lte=now,
            **{f"{via}pain_after_minutes__isnull": False},
        )
        .values_list("person_id", "code", "treatment__name", "at")
    ):
        treatments[pid].append(PendingTreatment(str(code), name, at))

    answered: dict[int, dict[str, date]] = defaultdict(dict)
    for pid, kind, last in (
        QuestionnaireResponse.objects.filter(scope(via), kind__in=QUESTIONNAIRES)
        .values("person_id", "kind")
        .annotate(last=Max("local_date"))
        .values_list("person_id", "kind", "last")
    ):
        answered[pid][kind] = last

    experiments = _experiment_days(scope, today)

    out = []
    for pid, tz, since, c_at, pain_min, e_at, q_at, fiqr, acr, peg, q_from, q_until, bp, be in rows:
        plan = Plan(
            tz,
            since,
            c_at,
            pain_min,
            e_at,
            q_at,
            fiqr or None,
            acr or None,
            peg or None,
            q_from,
            q_until,
        )
        facts = Facts(
            checkin_days=frozenset(checkins.get(pid, ())),
            treatments=tuple(treatments.get(pid, ())),
            experiment_days=experiments.get(pid, {}),
            last_answered=answered.get(pid, {}),
        )
        out.append(Reminded(pid, bp, be, plan, facts))
    return out


def _experiment_days(
    scope: Scope, today: dict[int, date]
) -> dict[int, dict[date, tuple[tuple[str, str], ...]]]:
    """For each person, today's running experiments whose adherence question is unanswered."""
    from spasmtrack.trials.models import Trial
    from spasmtrack.trials.today import today_status

    out: dict[int, dict[date, tuple[tuple[str, str], ...]]] = {}
    trials = Trial.objects.filter(
        scope("person__reminder_settings__"),
        person__reminder_settings__experiment_at__isnull=False,
        status__in=(Trial.Status.PLANNED, Trial.Status.RUNNING),
        start__lte=max(today.values()),
    ).select_related("treatment_a", "treatment_b")
    for trial in trials:
        day = today.get(trial.person_id)
        if day is None or trial.status_on(day) != Trial.Status.RUNNING:
            continue
        if today_status(trial, day)["ask_adherence"]:
            found = out.setdefault(trial.person_id, {})
            found[day] = (*found.get(day, ()), (str(trial.code), trial.title))
    return out


def for_person(person_id: int, now: datetime) -> Reminded | None:
    """One person's plan and facts (None: no reminders set up)."""
    found = load(people([person_id]), now)
    return found[0] if found else None

"""The in-app reminder on the Today page: which condition today is, and a yes/no if unknown."""

from __future__ import annotations

from datetime import date
from typing import TypedDict

from django.urls import reverse

from spasmtrack.accounts.models import Person
from spasmtrack.trials.days import asked_about, day_rows, question
from spasmtrack.trials.models import Trial


class TodayDict(TypedDict):
    trial: str
    state: str
    status: str
    text: str
    day_number: int | None
    total_days: int
    condition: str | None
    treatment: str | None
    in_washout: bool
    days_left_in_period: int | None
    actual: str | None
    ask_adherence: bool
    question: str | None
    asked_about: str | None


def today_status(trial: Trial, today: date) -> TodayDict:
    """Where `today` falls in the trial, what to do, and whether to ask about adherence."""
    st = trial.schedule.day_status(today)
    status = trial.status_on(today)
    row = None
    if st.state == "running" and status == Trial.Status.RUNNING:
        row = next(r for r in day_rows(trial, today) if r.day == today)
    ask = row is not None and row.actual is None
    if st.state != "running":
        text = st.text
    elif status != Trial.Status.RUNNING:
        text = f"Day {st.day_number} of {st.total_days}: the experiment is {status}."
    else:
        span = "this week" if trial.period_days == 7 else "this period"
        text = (
            f"Experiment: day {st.day_number} of {st.total_days} — {span}: "
            f"{trial.name_of(st.condition)} ({st.condition})"
        )
        if st.in_washout:
            text += ", a washout day (not analysed)"
    return {
        "trial": str(trial.code),
        "state": st.state,
        "status": status,
        "text": text,
        "day_number": st.day_number,
        "total_days": st.total_days,
        "condition": st.condition,
        "treatment": trial.name_of(st.condition) if st.condition else None,
        "in_washout": st.in_washout,
        "days_left_in_period": st.days_left_in_period,
        "actual": row.actual if row else None,
        "ask_adherence": ask,
        "question": question(trial, st.condition) if ask and st.condition else None,
        "asked_about": asked_about(trial, st.condition) if ask and st.condition else None,
    }


def today_banner(person: Person, today: date) -> dict[str, object] | None:
    """The banner for the person's running experiment today, or None.

    Keys: text, url (the experiment page), ask_adherence (bool), question, answer_url, day
    (ISO date for the answer form), trial (code). With several running experiments the one
    that started first is shown.
    """
    running = (
        Trial.objects.for_person(person)
        .filter(status__in=(Trial.Status.PLANNED, Trial.Status.RUNNING), start__lte=today)
        .order_by("start", "created")
    )
    for trial in running:
        if trial.status_on(today) != Trial.Status.RUNNING:
            continue
        st = today_status(trial, today)
        return {
            "text": st["text"],
            "url": reverse("trials:detail", args=[trial.code]),
            "ask_adherence": st["ask_adherence"],
            "question": st["question"],
            "answer_url": reverse("trials:answer", args=[trial.code]),
            "day": today.isoformat(),
            "trial": str(trial.code),
        }
    return None

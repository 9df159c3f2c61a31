"""The self-experiments JSON API under /api/trials. Every lookup is scoped to request.auth."""

from __future__ import annotations

import dataclasses
from typing import Any
from uuid import UUID

from ninja import Router
from ninja.responses import Status

from spasmtrack.accounts.http import ApiRequest
from spasmtrack.accounts.owned import owned_or_404
from spasmtrack.trials import days as trial_days
from spasmtrack.trials.design import check_design, create_trial
from spasmtrack.trials.models import Trial, TrialEvent
from spasmtrack.trials.schemas import (
    AnalysisOut,
    AnswerIn,
    EventIn,
    EventOut,
    TodayOut,
    TrialCreatedOut,
    TrialIn,
    TrialOut,
)
from spasmtrack.trials.today import today_status

router = Router(tags=["trials"])

EVENT_KINDS = {
    "pause": TrialEvent.Kind.PAUSED,
    "resume": TrialEvent.Kind.RESUMED,
    "stop": TrialEvent.Kind.STOPPED,
}


def _trial(request: ApiRequest, code: UUID) -> Trial:
    person = request.auth
    trial = owned_or_404(person, Trial.objects.for_person(person), code, "experiment")
    trial_days.refresh(trial, person.today())
    return trial


@router.post("/trials", response={201: TrialCreatedOut})
def create(request: ApiRequest, payload: TrialIn) -> Any:
    """Create an experiment; the answer includes the power check from your past 60 days."""
    person = request.auth
    today = person.today()
    design = check_design(person, payload.model_dump(), today)
    trial, check = create_trial(person, design, today)
    return Status(201, {**trial.to_dict(), "power_check": dataclasses.asdict(check)})


@router.get("/trials", response=list[TrialOut])  # type: ignore[valid-type]
def list_trials(request: ApiRequest) -> Any:
    person = request.auth
    today = person.today()
    trials = list(Trial.objects.for_person(person).order_by("-created"))
    for t in trials:
        t.sync_status(today)
    return [t.to_dict() for t in trials]


@router.get("/trials/{code}", response=TrialOut)
def read(request: ApiRequest, code: UUID) -> Any:
    return _trial(request, code).to_dict()


@router.get("/trials/{code}/today", response=TodayOut)
def today(request: ApiRequest, code: UUID) -> Any:
    trial = _trial(request, code)
    return today_status(trial, trial.person.today())


@router.get("/trials/{code}/analysis", response=AnalysisOut)
def analysis(request: ApiRequest, code: UUID) -> Any:
    """Intention-to-treat and per-protocol analyses of the days so far."""
    trial = _trial(request, code)
    return trial_days.analysis(trial, trial.person.today()).to_dict()


@router.post("/trials/{code}/events", response={201: EventOut})
def add_event(request: ApiRequest, code: UUID, payload: EventIn) -> Any:
    """Pause, resume or stop early (stop needs a reason). Appended to the log, never rewritten."""
    trial = _trial(request, code)
    kind = EVENT_KINDS[payload.kind]
    return Status(201, trial.record(kind, trial.person.today(), payload.reason))


@router.post("/trials/{code}/adherence", response={201: TodayOut})
def answer(request: ApiRequest, code: UUID, payload: AnswerIn) -> Any:
    """Answer "Did you use <treatment> that day?" for a day of the experiment up to today."""
    trial = _trial(request, code)
    today = trial.person.today()
    trial_days.record_answer(trial, payload.day, payload.used, today)
    return Status(201, today_status(trial, today))

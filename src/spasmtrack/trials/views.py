from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import get_template
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from spasmtrack.accounts.http import AuthenticatedHttpRequest, is_htmx, person_of
from spasmtrack.accounts.models import Person
from spasmtrack.accounts.owned import owned_or_404
from spasmtrack.core.nof1 import PlanChoice, to_ics
from spasmtrack.hooks import offered
from spasmtrack.trials import days as trial_days
from spasmtrack.trials.design import PREVIEW_SEED, check_power, create_trial, describe
from spasmtrack.trials.findings import plan_for_finding
from spasmtrack.trials.forms import AnswerForm, EventForm, TrialForm
from spasmtrack.trials.models import Trial, TrialError
from spasmtrack.trials.plot import build_plot
from spasmtrack.trials.today import today_banner, today_status

PREVIEW_TMPL = get_template("trials/preview.html")
DAY_ROW_TMPL = get_template("trials/day_row.html")
BANNER_TMPL = get_template("trials/today_banner.html")


def _trial(request: AuthenticatedHttpRequest, code: Any) -> tuple[Person, Trial]:
    """The signed-in person's trial (404 for anyone else's), with status brought up to date."""
    person = person_of(request)
    trial = owned_or_404(person, Trial.objects.for_person(person), code, "experiment")
    trial_days.refresh(trial, person.today())
    return person, trial


@login_required
def trial_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    person = person_of(request)
    today = person.today()
    trials = list(Trial.objects.for_person(person).order_by("-created"))
    for t in trials:
        t.sync_status(today)
    return render(request, "trials/list.html", {"trials": trials, "today": today})


@login_required
def new(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The create form; with HX-Request, only the preview of the design and its power check."""
    person = person_of(request)
    today = person.today()
    if is_htmx(request) and request.method == "GET":
        form = TrialForm(request.GET, person=person, today=today)
        ctx: dict[str, Any] = {"form": form}
        if form.is_valid():
            design = form.cleaned_data["design"]
            ctx["description"] = describe(design)
            ctx["power"] = check_power(person, design, today, PREVIEW_SEED)
        return HttpResponse(PREVIEW_TMPL.render(ctx, request))
    initial, notes, finding, choice = _from_finding(request, person, today)
    form = TrialForm(request.POST or None, person=person, today=today, initial=initial)
    if request.method == "POST" and form.is_valid():
        trial, _ = create_trial(person, form.cleaned_data["design"], today)
        messages.success(request, f"Experiment created: {trial.title}.")
        return redirect("trials:detail", code=trial.code)
    ctx = {"form": form, "finding": finding, "notes": notes}
    if choice is not None and (initial.get("treatment_b") or initial.get("habit_b")):
        # Show the chosen plan and its power before anything is pressed; the power is the
        # preview's own number (same past days, seeds and simulation).
        bound = TrialForm({**form.initial, **initial}, person=person, today=today)
        if bound.is_valid():
            ctx.update(description=describe(bound.cleaned_data["design"]), power=choice.check)
    return render(request, "trials/new.html", ctx)


def _from_finding(
    request: AuthenticatedHttpRequest, person: Person, today: Any
) -> tuple[dict[str, Any], list[str], dict[str, Any] | None, PlanChoice | None]:
    """Form values for "Test it in an experiment" (?factor=&outcome=&lag=&verdict= from
    Insights; verdict "helps" or "aggravates" says which way a habit change goes)."""
    factor = request.GET.get("factor", "").strip()[:200]
    outcome = request.GET.get("outcome", "").strip()[:200]
    if request.method != "GET" or not factor or not outcome:
        return {}, [], None, None
    try:
        lag = max(0, min(2, int(request.GET.get("lag", "0"))))
    except ValueError:
        lag = 0
    verdict = request.GET.get("verdict")
    if verdict not in ("helps", "aggravates"):
        verdict = None
    initial, choice, notes = plan_for_finding(person, factor, outcome, lag, today, verdict)
    # B in words: the factor's treatment, or a change of the factor's habit (its goal).
    b = f"a change of {factor} (the goal below)" if initial.get("habit_b") else factor
    finding = {"factor": factor, "outcome": outcome, "lag": lag, "b": b}
    return initial, [n for n in notes if n], finding, choice


@login_required
def detail(request: AuthenticatedHttpRequest, code: Any) -> HttpResponse:
    person, trial = _trial(request, code)
    today = person.today()
    rows = trial_days.day_rows(trial, today)
    ctx = {
        "trial": trial,
        "today": today,
        "status": today_status(trial, today),
        "items": _schedule_items(rows, today),
        "adherence": trial_days.adherence(rows),
        "events": trial.event_list(),
        "event_form": EventForm(),
        "can_pause": trial.status == Trial.Status.RUNNING,
        "can_resume": trial.status == Trial.Status.PAUSED,
        "can_stop": trial.status
        in (Trial.Status.PLANNED, Trial.Status.RUNNING, Trial.Status.PAUSED),
    }
    return render(request, "trials/detail.html", ctx)


def _schedule_items(rows: list[trial_days.DayRow], today: Any) -> list[dict[str, Any]]:
    """Day rows up to the current period; later periods folded into one row each."""
    current = next((r.period for r in rows if r.day == today), None)
    items: list[dict[str, Any]] = []
    for r in rows:
        if r.counted or r.period == current:
            items.append({"row": r})
        elif items and items[-1].get("period") == r.period:
            items[-1]["last"] = r.day
            items[-1]["days"] += 1
        else:
            items.append({"period": r.period, "row": None, "first": r.day, "last": r.day,
                          "days": 1, "condition": r.condition, "block": r.block})  # fmt: skip
    return items


@login_required
@require_POST
def event(request: AuthenticatedHttpRequest, code: Any) -> HttpResponse:
    person, trial = _trial(request, code)
    form = EventForm(request.POST)
    if form.is_valid():
        try:
            trial.record(form.cleaned_data["kind"], person.today(), form.cleaned_data["reason"])
            messages.success(
                request, f"The experiment is now {trial.get_status_display().lower()}."
            )
        except TrialError as e:
            messages.error(request, e.message[:1].upper() + e.message[1:] + ".")
    else:
        messages.error(request, "Choose pause, resume or stop.")
    return redirect("trials:detail", code=trial.code)


def _rendered_row(request: AuthenticatedHttpRequest, trial: Trial, day: Any) -> HttpResponse:
    rows = trial_days.day_rows(trial, person_of(request).today())
    row = next(r for r in rows if r.day == day)
    ctx = {"trial": trial, "row": row, "today": person_of(request).today()}
    return HttpResponse(DAY_ROW_TMPL.render(ctx, request))


@login_required
@require_POST
def answer(request: AuthenticatedHttpRequest, code: Any) -> HttpResponse:
    """Record a yes/no adherence answer. htmx gets the updated banner or table row back."""
    person, trial = _trial(request, code)
    today = person.today()
    form = AnswerForm(request.POST)
    error = ""
    if form.is_valid():
        try:
            trial_days.record_answer(
                trial, form.cleaned_data["day"], form.cleaned_data["used"], today
            )
        except TrialError as e:
            error = e.message
    else:
        error = "answer yes or no for a day of the experiment"
    if is_htmx(request):
        if request.POST.get("target") == "row" and not error:
            return _rendered_row(request, trial, form.cleaned_data["day"])
        banner = today_banner(person, today)
        ctx = {"banner": banner, "thanks": not error, "error": error}
        return HttpResponse(BANNER_TMPL.render(ctx, request), status=422 if error else 200)
    if error:
        messages.error(request, error[:1].upper() + error[1:] + ".")
    else:
        messages.success(request, "Noted, thank you.")
    nxt = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(nxt, {request.get_host()}):
        return redirect(nxt)
    return redirect("trials:detail", code=trial.code)


@login_required
def report(request: AuthenticatedHttpRequest, code: Any) -> HttpResponse:
    person, trial = _trial(request, code)
    ctx = report_context(
        trial, person.today(), back_url=reverse("trials:detail", args=[trial.code])
    )
    return render(request, "trials/report.html", ctx)


def report_context(trial: Any, today: Any, *, back_url: str) -> dict[str, Any]:
    """Everything the report page shows; also used by the clinic's read-only view."""
    result = trial_days.analysis(trial, today)
    counted = [r for r in result.rows if r.counted]
    return {
        "trial": trial,
        "today": today,
        "status": today_status(trial, today),
        "result": result,
        "plot": build_plot(result.rows, trial.outcome_label),
        "events": trial.event_list(),
        "stopped_on": trial.stopped_on(),
        "periods_done": len({r.period for r in counted}),
        "n_periods": 2 * trial.blocks,
        "n_outcomes": sum(r.outcome is not None for r in counted),
        "n_washout": sum(r.in_washout for r in counted),
        "better_word": "lower" if trial.lower_is_better else "higher",
        "back_url": back_url,
    }


@login_required
def ics(request: AuthenticatedHttpRequest, code: Any) -> HttpResponse:
    """The schedule as a calendar file: one all-day event per period."""
    person, trial = _trial(request, code)
    # With calendar alarms on in Reminders, each experiment day rings at the chosen time
    # (the reminders app offers it: spasmtrack.hooks).
    alarms = [alarm(person) for alarm in offered("experiment_alarm")]
    text = to_ics(
        trial.schedule,
        trial.a_name,
        trial.b_name,
        uid=f"{trial.code}@spasmtrack",
        dtstamp=trial.created,
        alarm_at=next((a for a in alarms if a is not None), None),
    )
    resp = HttpResponse(text, content_type="text/calendar; charset=utf-8")
    resp["Content-Disposition"] = f'attachment; filename="experiment-{trial.short_code()}.ics"'
    return resp

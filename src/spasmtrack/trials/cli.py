"""`spasmtrack trial …`: create, list and analyse self-experiments.

`trial analyze --data FILE.csv` is pure: it reads a CSV kept elsewhere and needs no account or
database. Problems with the data exit with code 2, the row and reason on stderr and nothing on
stdout, so scripts can rely on stdout being a result.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from spasmtrack.accounts.people import person_for
from spasmtrack.cli_kit import Group, UserOpt, ensure_migrated, fail, setup_django

trial_app = typer.Typer(
    cls=Group, help="Self-experiments (randomised n-of-1 trials).", no_args_is_help=True
)


def register(app: typer.Typer) -> None:
    """Add this app's commands to the `spasmtrack` command."""
    app.add_typer(trial_app, name="trial")


def _django() -> None:
    setup_django()
    ensure_migrated()


# The option that carries each design field, for error messages.
OPTION_OF = {"treatment_a": "a", "treatment_b": "b", "habit_b": "habit"}
OPTION_OF |= {"habit_goal": "goal", "habit_limit": "limit"}


def _default_goal(person: Any, habit: str | None) -> str | None:
    """--goal left out: less of the habit (at_most for a number habit, avoid for yes/no)."""
    if not habit:
        return None
    from spasmtrack.diary.entries import habits_for

    found = habits_for(person).filter(key=habit).first()
    if found is None:
        return None  # check_design names the unknown habit
    return "at_most" if found.kind == "number" else "avoid"


@trial_app.command("create")
def create(
    b: Annotated[
        str | None, typer.Option("--b", help="Treatment key to try as B (or give --habit).")
    ] = None,
    a: Annotated[str, typer.Option("--a", help='Treatment key for A, or "usual".')] = "usual",
    habit: Annotated[
        str | None,
        typer.Option("--habit", help="Instead of --b: habit key to change on B days (A: usual)."),
    ] = None,
    goal: Annotated[
        str | None,
        typer.Option(
            "--goal",
            help="With --habit: at_most / at_least (number habit, default at_most) or "
            "avoid / do (yes/no habit, default avoid).",
        ),
    ] = None,
    limit: Annotated[
        float | None,
        typer.Option("--limit", help="With --habit: the daily limit, in the habit's unit."),
    ] = None,
    outcome: Annotated[str, typer.Option(help="spasm_burden, overall_pain, …")] = "spasm_burden",
    period_days: Annotated[int, typer.Option("--period-days")] = 7,
    blocks: int = 3,
    washout_days: Annotated[int, typer.Option("--washout-days")] = 0,
    start: Annotated[str | None, typer.Option(help="YYYY-MM-DD (default: today)")] = None,
    mcid: Annotated[float, typer.Option(help="Smallest difference that matters.")] = 1.0,
    title: str = "",
    user: UserOpt = None,
) -> None:
    """Create an experiment; prints its id, the plan, and the power check."""
    _django()
    from spasmtrack.trials.design import check_design, create_trial, describe
    from spasmtrack.trials.models import TrialError

    person = person_for(user)
    today = person.today()
    data = {
        "treatment_a": a,
        "treatment_b": b,
        "habit_b": habit,
        "habit_goal": goal or _default_goal(person, habit),
        "habit_limit": limit,
        "outcome": outcome,
        "period_days": period_days,
        "blocks": blocks,
        "washout_days": washout_days,
        "start": start,
        "mcid": mcid,
        "title": title,
    }
    try:
        design = check_design(person, data, today)
    except TrialError as e:
        fail(f"--{OPTION_OF.get(e.field, e.field.replace('_', '-'))}: {e.message}", 2)
    trial, check = create_trial(person, design, today)
    typer.echo(f"Created experiment {trial.code} ({trial.title}).")
    typer.echo(describe(design))
    typer.echo(f"Calendar: /trials/{trial.code}/schedule.ics")
    if check.warning:
        typer.echo(f"Warning: {check.warning}")


@trial_app.command("list")
def list_cmd(user: UserOpt = None) -> None:
    """List the person's experiments, newest first."""
    _django()
    from spasmtrack.trials.models import Trial

    person = person_for(user)
    today = person.today()
    trials = list(Trial.objects.for_person(person).order_by("-created"))
    if not trials:
        typer.echo("No experiments yet (create one with: spasmtrack trial create --b KEY).")
    for t in trials:
        t.sync_status(today)
        typer.echo(
            f"{t.short_code()}  {t.status:<8}  {t.start} – {t.schedule.end}  "
            f"{t.title}  [{t.outcome}]"
        )


def _print_result(result: dict[str, Any], label: str) -> None:
    lo, hi = result["ci95"]
    typer.echo(
        f"{label}: effect of B - A {result['effect']:+.2f} (95% CrI {lo:+.2f} to {hi:+.2f}), "
        f"P(B better) {result['p_b_better']:.0%}, P(benefit >= MCID) {result['p_mcid']:.0%}, "
        f"{result['n_days']} days"
    )


def _analyze_csv(data: Path, mcid: float, higher_is_better: bool, as_json: bool) -> None:
    from spasmtrack.core.nof1 import TrialCsvError, analyse, parse_trial_csv

    try:
        text = data.read_text(encoding="utf-8")
    except FileNotFoundError:
        fail(f"{data}: no such file", 2)
    except (OSError, UnicodeDecodeError) as e:
        fail(f"{data}: cannot read it ({e})", 2)
    try:
        rows = parse_trial_csv(text)
        result = analyse(rows, lower_is_better=not higher_is_better, mcid=mcid)
    except TrialCsvError as e:
        fail(f"{data}: {e}", 2)
    except ValueError as e:
        fail(f"{data}: {e}", 2)
    out = {**result.to_dict(), "lower_is_better": not higher_is_better, "mcid": mcid}
    if as_json:
        typer.echo(json.dumps(out, indent=2))
        return
    _print_result(out, "Result")
    typer.echo(result.sentence)


def _analyze_trial(ref: str, user: str | None, as_json: bool) -> None:
    _django()
    from spasmtrack.trials.days import analysis, refresh
    from spasmtrack.trials.models import find_trial

    person = person_for(user)
    try:
        trial = find_trial(person, ref)
    except LookupError as e:
        fail(str(e))
    today = person.today()
    refresh(trial, today)
    result = analysis(trial, today)
    if not result.ready or result.itt is None:
        fail(result.reason)
    # The primary analysis (intention-to-treat) at the top level, per-protocol beside it.
    out = {
        **result.itt.to_dict(),
        "analysis": "intention-to-treat",
        "trial": str(trial.code),
        "lower_is_better": trial.lower_is_better,
        "mcid": trial.mcid,
        "per_protocol": result.per_protocol.to_dict() if result.per_protocol else None,
        "n_deviations": result.n_deviations,
        "adherence": result.to_dict()["adherence"],
    }
    if as_json:
        typer.echo(json.dumps(out, indent=2))
        return
    typer.echo(f"{trial.title} ({trial.status}, {trial.start} – {trial.schedule.end})")
    _print_result(out, "Intention-to-treat")
    if out["per_protocol"]:
        _print_result(out["per_protocol"], "Per-protocol")
    typer.echo(result.itt.sentence)


@trial_app.command("analyze")
def analyze(
    trial_id: Annotated[
        str | None, typer.Argument(metavar="ID", help="Experiment id or its first 6+ digits.")
    ] = None,
    data: Annotated[
        Path | None,
        typer.Option("--data", help="CSV with date,condition,outcome[,block] (no account needed)."),
    ] = None,
    mcid: Annotated[float, typer.Option(help="Smallest difference that matters (--data).")] = 1.0,
    higher_is_better: Annotated[
        bool, typer.Option("--higher-is-better", help="For --data: higher scores are better.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    user: UserOpt = None,
) -> None:
    """Analyse an experiment (ID) or a CSV from elsewhere (--data FILE.csv)."""
    if (trial_id is None) == (data is None):
        fail("give an experiment ID or --data FILE.csv (not both)", 2)
    if mcid <= 0:
        fail("--mcid must be more than 0", 2)
    if data is not None:
        _analyze_csv(data, mcid, higher_is_better, as_json)
    else:
        _analyze_trial(str(trial_id), user, as_json)

"""`spasmtrack insights`: what helps and what aggravates, in sentences or as JSON."""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated, Any

import typer

from spasmtrack.accounts.people import person_for
from spasmtrack.cli_kit import UserOpt, ensure_migrated, fail, setup_django

DISCLAIMER = (
    "These are patterns in your own diary, not proof that one thing causes another, "
    "and not medical advice."
)


def parse_day(option: str, value: str | None) -> date | None:
    """A YYYY-MM-DD option value, or None; raises ValueError with a one-line reason."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{option}: {value!r} is not a date (use YYYY-MM-DD)") from None


def human_lines(report: dict[str, Any]) -> list[str]:
    """Plain sentences first (helps, then aggravates), then counts of the rest."""
    if report["first_day"] is None:
        return ["Nothing in your diary for these days yet.", DISCLAIMER]
    lines = [f"Your diary from {report['first_day']} to {report['last_day']}:", ""]
    for key, title in (
        ("helps", "What went with better days"),
        ("aggravates", "What went with worse days"),
    ):
        if report[key]:
            lines.append(f"{title}:")
            lines += [f"  - {i['sentence']}{_proof(i)}" for i in report[key]]
            lines.append("")
    if not report["helps"] and not report["aggravates"]:
        lines += ["No clear pattern yet.", ""]
    lines.append(f"{len(report['no_clear_effect'])} other comparisons showed no clear effect.")
    lines.append(f"{len(report['not_enough_data'])} comparisons need more days first.")
    sessions = [s for s in report["same_session"] if s["verdict"] != "not_enough_data"]
    if sessions:
        lines += ["", "Within a session (pain before and after):"]
        lines += [f"  - {s['sentence']}" for s in sessions]
    changes = [c for c in report["changes"]["items"] if c["verdict"] != "not_enough_data"]
    if changes:
        lines += ["", "Before and after changes you made:"]
        lines += [f"  - {c['sentence']}" for c in changes]
    lines += ["", *report["notes"], DISCLAIMER]
    return lines


def _proof(item: dict[str, Any]) -> str:
    mark = item.get("experiment")
    if not mark:
        return ""
    said = "Confirmed" if mark["status"] == "confirmed" else "Not confirmed"
    return f" {said} by your experiment “{mark['title']}”."


def register(app: typer.Typer) -> None:
    """Add this app's commands to the `spasmtrack` command."""

    @app.command("insights")
    def insights_cmd(
        since: Annotated[str | None, typer.Option(help="First day, YYYY-MM-DD")] = None,
        until: Annotated[str | None, typer.Option(help="Last day, YYYY-MM-DD")] = None,
        as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
        user: UserOpt = None,
    ) -> None:
        """What went with better and worse days in your diary, with honest uncertainty."""
        try:
            first, last = parse_day("--since", since), parse_day("--until", until)
        except ValueError as e:
            fail(str(e), 2)
        if first and last and first > last:
            fail("--since must be on or before --until", 2)
        setup_django()
        ensure_migrated()
        from spasmtrack.insights.providers import mark_findings
        from spasmtrack.insights.services import insights_for

        person = person_for(user)
        # Items gain `experiment` (as in GET /api/insights): what a finished experiment said.
        report = mark_findings(insights_for(person, first, last), person, person.today())
        if as_json:
            typer.echo(json.dumps(report, indent=2, ensure_ascii=False))
            return
        for line in human_lines(dict(report)):
            typer.echo(line)

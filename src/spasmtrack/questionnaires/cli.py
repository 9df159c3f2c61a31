"""`spasmtrack score KIND [--json]`: score answers read as JSON from standard input.

Pure: no database, no Django. A bad answer exits 2 with one line on stderr naming the item
and the reason, and prints nothing on stdout.
"""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer

from spasmtrack.cli_kit import fail

USAGE_ERROR = 2


def score(
    kind: Annotated[str, typer.Argument(help="acr2016, fiqr, peg or mtps", show_default=False)],
    as_json: Annotated[bool, typer.Option("--json", help="Print the scores as JSON.")] = False,
) -> None:
    """Score questionnaire answers given as JSON on standard input.

    acr2016: {"pain_areas": [WPI area ids], "fatigue": 0-3, "waking_unrefreshed": 0-3,
    "cognitive": 0-3, "headaches": 0|1, "lower_abdominal": 0|1, "depression": 0|1,
    "symptoms_3_months": true|false}. fiqr: {"function": [9 x 0-10], "overall": [2 x 0-10],
    "symptoms": [10 x 0-10]}. peg: {"pain", "enjoyment", "activity"} each 0-10.
    The result informs; it does not diagnose.
    """
    from spasmtrack.core.questionnaires import QuestionnaireError
    from spasmtrack.questionnaires import kinds

    try:
        kinds.check_kind(kind)
    except QuestionnaireError as e:
        fail(str(e), USAGE_ERROR)
    text = sys.stdin.read()
    try:
        answers = json.loads(text)
    except json.JSONDecodeError as e:
        fail(f"input: not valid JSON ({e})", USAGE_ERROR)
    try:
        result = kinds.score(kind, answers)
    except QuestionnaireError as e:
        fail(str(e), USAGE_ERROR)
    typer.echo(json.dumps(result) if as_json else kinds.readable(kind, result))


def register(app: typer.Typer) -> None:
    """Add this app's commands to the `spasmtrack` command."""
    app.command("score")(score)

"""`spasmtrack trp ...`: the muscle knowledge base and the referred-pain finder.

`trp muscles`, `trp regions` and `trp find` are pure: they need no account and no database.
`trp find` uses the person's recorded trigger points as a prior only when an account exists
(`--user NAME`, or the only account), and never creates a database to find out; on SQLite it
reads the only account's prior without setting up Django.
"""

from __future__ import annotations

import difflib
import json
import os
import sys
import textwrap
from typing import TYPE_CHECKING, Annotated, Any

import typer

from spasmtrack.accounts.people import person_for
from spasmtrack.cli_kit import Group, fail, setup_django, user_option

if TYPE_CHECKING:
    import sqlite3

    from spasmtrack.core.body.referral import PersonalTrP

trp_app = typer.Typer(
    cls=Group,
    help="Trigger points: the muscle knowledge base and the referred-pain finder.",
    no_args_is_help=True,
)

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
WIDTH = 100


def register(app: typer.Typer) -> None:
    """Add this app's commands to the `spasmtrack` command."""
    app.add_typer(trp_app, name="trp")


def _unsided(label: str) -> str:
    """'temple (left)' -> 'temple': the knowledge base is written for the left side."""
    return label.removesuffix(" (left)")


@trp_app.command("muscles")
def muscles_cmd(as_json: JsonOpt = False) -> None:
    """List the muscles of the knowledge base (zones written for the left side)."""
    from spasmtrack.core.body.muscles import all_muscles
    from spasmtrack.core.body.regions import all_regions

    muscles = list(all_muscles().values())
    if as_json:
        typer.echo(json.dumps([m.to_dict() for m in muscles], indent=2))
        return
    labels = all_regions()
    width = max(len(m.id) for m in muscles)
    for m in muscles:
        refers = ", ".join(_unsided(labels[r].label) for r in m.essential)
        typer.echo(f"{m.id:<{width}}  {m.name} ({m.group}) — refers pain to: {refers}")


@trp_app.command("regions")
def regions_cmd(as_json: JsonOpt = False) -> None:
    """List the body-region ids that `trp find` accepts, by group."""
    from spasmtrack.core.body.regions import all_regions, groups

    if as_json:
        rows = [
            {"id": r.id, "label": r.label, "view": r.view, "side": r.side, "group": r.group}
            for r in all_regions().values()
        ]
        typer.echo(json.dumps(rows, indent=2))
        return
    width = max(len(r) for r in all_regions())
    for group, regions in groups().items():
        typer.echo(group.replace("_", " ").capitalize())
        for r in regions:
            typer.echo(f"  {r.id:<{width}}  {r.label}")


def _parse_regions(args: list[str]) -> dict[str, float]:
    """REGION or REGION=INTENSITY (0-10) -> {region id: intensity}; exit 2 on bad input."""
    from spasmtrack.core.body.regions import all_regions, unknown_regions

    drawing: dict[str, float] = {}
    for arg in args:
        rid, _, value = arg.partition("=")
        try:
            intensity = float(value) if value else 10.0
        except ValueError:
            intensity = -1.0
        if not 0 <= intensity <= 10:
            typer.echo(f"Error: {arg!r}: the intensity after '=' must be 0-10", err=True)
            raise typer.Exit(2)
        drawing[rid] = intensity
    unknown = unknown_regions(list(drawing))
    if unknown:
        typer.echo(f"Error: unknown region id(s): {', '.join(unknown)}", err=True)
        known = list(all_regions())
        for rid in unknown:
            if close := difflib.get_close_matches(rid, known, n=3, cutoff=0.75):
                typer.echo(f"  {rid}: did you mean {' or '.join(close)}?", err=True)
        typer.echo("See every region id with: spasmtrack trp regions", err=True)
        raise typer.Exit(2)
    return drawing


def _database_exists() -> bool:
    """True unless the configured database is an SQLite file that does not exist yet."""
    from pathlib import Path

    from django.db import connection

    if connection.vendor != "sqlite":
        return True
    name = str(connection.settings_dict["NAME"])
    return name == ":memory:" or "mode=memory" in name or Path(name).exists()


# The only account's live trigger points, oldest first (`services.personal_prior`'s query,
# `entries_for(person, TRP).order_by("at", "id")`, in SQL: tests/trigger_points checks that
# both read the same prior).
_PRIOR_SQL = """
    SELECT t.muscle, t.side, t.status FROM diary_triggerpoint t
    JOIN accounts_person p ON p.id = t.person_id
    WHERE p.user_id = ? AND t.deleted_at IS NULL ORDER BY t.at, t.id
"""


def _sqlite_prior() -> tuple[int, list[PersonalTrP] | None] | None:
    """(accounts, prior) of an SQLite database, read with the standard library, without
    setting up Django: how many accounts it holds (0, 1 or 2 meaning "several") and, for
    exactly one, its recorded trigger points as the finder's prior (None when the tables are
    not as this query expects: Django reads them). None when Django must answer (it is set
    up already, e.g. in tests, or the database is PostgreSQL).

    `trp find` needs no Django for a prior: a fresh install (no database file), a shared one
    (several accounts) and a single person's diary all answer at NumPy's speed.
    """
    import sqlite3
    from importlib import import_module
    from pathlib import Path

    if "django.apps" in sys.modules and sys.modules["django.apps"].apps.ready:
        return None
    if "django.conf" in sys.modules and sys.modules["django.conf"].settings.configured:
        settings: Any = sys.modules["django.conf"].settings
    else:
        # The settings module itself: django.conf would first import asyncio and asgiref
        # (a tenth of this command's start) to read one dictionary.
        settings = import_module(os.environ["DJANGO_SETTINGS_MODULE"])
    db = settings.DATABASES["default"]
    if db["ENGINE"] != "django.db.backends.sqlite3":
        return None
    name = str(db["NAME"])
    if name == ":memory:" or name.startswith("file:"):
        return None
    path = Path(name)
    if not path.exists():
        return 0, []
    # Read only (mode=ro): a pure command must neither create nor change the database.
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=5)
    try:
        try:
            users = conn.execute("SELECT id FROM auth_user ORDER BY id LIMIT 2").fetchall()
        except sqlite3.Error:  # no tables yet (never migrated), or unreadable: nothing recorded
            return 0, []
        if len(users) != 1:
            return len(users), []
        try:
            return 1, read_prior(conn, users[0][0])
        except sqlite3.Error:
            return 1, None
    finally:
        conn.close()


def read_prior(conn: sqlite3.Connection, user_id: int) -> list[PersonalTrP]:
    """The prior of the account `user_id` read through an SQLite connection; sqlite3.Error
    when its tables are not as `_PRIOR_SQL` expects."""
    from spasmtrack.trigger_points.finder import prior_of

    return prior_of(conn.execute(_PRIOR_SQL, (user_id,)).fetchall())


def _prior(user: str | None) -> list[PersonalTrP]:
    """The account's recorded TrPs as a prior; [] when there is no (single) account."""
    if user is None:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "spasmtrack.settings")
        found = _sqlite_prior()
        if found is not None:
            count, prior = found
            if count > 1:
                typer.echo("Note: several accounts; pass --user NAME to use your own.", err=True)
            if count != 1:
                return []
            if prior is not None:
                return prior
    setup_django()
    from django.contrib.auth.models import User
    from django.db import DatabaseError

    from spasmtrack.accounts.models import Person
    from spasmtrack.trigger_points.services import personal_prior

    if user is not None:
        if not _database_exists():
            fail(f"no account named {user!r} (there is no database yet)")
        try:
            return personal_prior(person_for(user))
        except DatabaseError as e:
            fail(f"cannot read the database: {e}")
    if not _database_exists():
        return []
    try:
        users = list(User.objects.order_by("id")[:2])
        if len(users) > 1:
            typer.echo("Note: several accounts; pass --user NAME to use your own.", err=True)
        if len(users) != 1:
            return []
        # Read only: a pure command must not create the profile row as a side effect.
        person = Person.objects.filter(user=users[0]).first()
        return personal_prior(person) if person else []
    except DatabaseError:  # no tables yet (never migrated): nothing recorded
        return []


def _human(result: Any) -> None:
    from spasmtrack.trigger_points.finder import fit_words, side_words

    if not result.candidates:
        typer.echo("No muscle in the knowledge base refers pain to these areas.")
        return
    typer.echo("Muscles whose trigger points could be referring this pain")
    typer.echo("(a list to explore or to ask a clinician about; not a diagnosis)")
    if result.prior:
        typer.echo(f"Your {len(result.prior)} recorded trigger point(s) count as a prior.")
    typer.echo("")
    name_w = max(len(c.name) for c in result.candidates)
    typer.echo(f" #  {'Muscle':<{name_w}}  {'Side':<10}  {'Score':<22}  Explains")
    indent = " " * 4
    for i, c in enumerate(result.candidates, 1):
        score = f"{c.score:.2f} {fit_words(c, result.drawing)}"
        explains = ", ".join(c.explains)
        typer.echo(f"{i:>2}  {c.name:<{name_w}}  {side_words(c.side):<10}  {score:<22}  {explains}")
        if c.unexplained:
            typer.echo(f"{indent}Does not explain: {', '.join(c.unexplained)}")
        check = textwrap.fill(
            f"Self-check: {c.self_check}",
            WIDTH,
            initial_indent=indent,
            subsequent_indent=indent,
        )
        typer.echo(check)
    if combo := result.combination:
        names = " + ".join(f"{p.name} ({side_words(p.side)})" for p in combo.parts)
        typer.echo("")
        typer.echo(
            textwrap.fill(
                f"Together, {names} could explain {combo.coverage:.0%} of these areas; "
                f"{combo.parts[0].name} alone explains {combo.single_coverage:.0%}.",
                WIDTH,
            )
        )


@trp_app.command(
    "find",
    short_help="Rank the muscles whose trigger points could be referring pain to the regions.",
)
def find_cmd(
    regions: Annotated[
        list[str],
        typer.Argument(help="Painful region ids (see `trp regions`), optionally ID=INTENSITY."),
    ],
    as_json: JsonOpt = False,
    user: Annotated[str | None, user_option("Account whose trigger points count as prior.")] = None,
    limit: Annotated[int, typer.Option(min=1, max=50, help="At most this many muscles.")] = 5,
) -> None:
    """Rank the muscles whose trigger points could be referring pain to REGION... ."""
    from spasmtrack.trigger_points.finder import find_for

    drawing = _parse_regions(regions)
    result = find_for(drawing, _prior(user), limit=limit)
    if as_json:
        typer.echo(json.dumps([c.to_dict() for c in result.candidates], indent=2))
        return
    _human(result)

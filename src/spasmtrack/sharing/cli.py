"""`spasmtrack share create|list|revoke`: share links from the terminal."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from spasmtrack.cli_kit import Group, UserOpt

share_app = typer.Typer(
    cls=Group,
    help="Share links: a read-only summary and report for your clinician.",
    no_args_is_help=True,
)


@share_app.command("create")
def create(
    days: Annotated[int, typer.Option("--days", help="How many days the link works.")] = 14,
    pin: Annotated[
        bool, typer.Option("--pin", help="Ask for a PIN (4-12 digits) the opener must type.")
    ] = False,
    label: Annotated[str, typer.Option("--label", help="Who it is for (optional).")] = "",
    user: UserOpt = None,
) -> None:
    """Make a link; prints it once (only a hash is kept) with a QR code to show at the visit."""
    from spasmtrack.accounts.people import person_for
    from spasmtrack.cli_kit import ensure_migrated, fail, setup_django

    setup_django()
    ensure_migrated()
    from spasmtrack.sharing import services

    person = person_for(user)
    secret = ""
    if pin:
        if sys.stdin.isatty():
            secret = typer.prompt("PIN", hide_input=True, confirmation_prompt=True)
        else:
            secret = sys.stdin.readline().strip()
    try:
        link, token = services.create_link(person, days, secret, label)
    except services.ShareRefused as e:
        fail(f"{e.field}: {e.message}", 2)
    url = services.url_for(token)
    typer.echo(services.qr_terminal(url), nl=False)
    typer.echo(url)
    until = link.expires_at.astimezone(person.zone)
    extra = ", PIN needed" if pin else ""
    typer.echo(f"Link {link.short} works until {until:%Y-%m-%d %H:%M} ({person.tz}){extra}.")
    typer.echo("It is shown only now; revoke it with `spasmtrack share revoke " + link.short + "`.")


@share_app.command("list")
def list_cmd(user: UserOpt = None) -> None:
    """Your links (tab-separated: id, state, until, PIN, opens, label)."""
    from spasmtrack.accounts.people import person_for
    from spasmtrack.cli_kit import ensure_migrated, setup_django

    setup_django()
    ensure_migrated()
    from spasmtrack.sharing import services

    person = person_for(user)
    rows = list(services.links_of(person))
    if not rows:
        typer.echo("No share links.")
    for link in rows:
        until = link.expires_at.astimezone(person.zone)
        cols = (link.short, link.state, f"{until:%Y-%m-%d %H:%M}", "PIN" if link.has_pin else "-")
        typer.echo("\t".join((*cols, str(link.opens), link.label or "-")))


@share_app.command("revoke")
def revoke(
    link_id: Annotated[str, typer.Argument(metavar="ID", help="The id `share list` shows.")],
    user: UserOpt = None,
) -> None:
    """End a link at once."""
    from spasmtrack.accounts.people import person_for
    from spasmtrack.cli_kit import ensure_migrated, fail, setup_django

    setup_django()
    ensure_migrated()
    from spasmtrack.sharing import services

    person = person_for(user)
    link = services.find_link(person, link_id)
    if link is None:
        fail(f"no share link {link_id!r} (see `spasmtrack share list`)")
    if not services.revoke_link(person, link):
        fail(f"link {link.short} is already {link.state}")
    typer.echo(f"Link {link.short} no longer works.")


def register(app: typer.Typer) -> None:
    app.add_typer(share_app, name="share")

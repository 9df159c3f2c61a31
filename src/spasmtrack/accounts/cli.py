"""`spasmtrack user add` and `spasmtrack token create`: local accounts and API tokens."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from spasmtrack.accounts.people import person_for
from spasmtrack.cli_kit import Group, ensure_migrated, fail, setup_django

user_app = typer.Typer(cls=Group, help="Local accounts.", no_args_is_help=True)
token_app = typer.Typer(
    cls=Group, help="Personal access tokens for the JSON API.", no_args_is_help=True
)


def register(app: typer.Typer) -> None:
    """Add this app's commands to the `spasmtrack` command."""
    app.add_typer(user_app, name="user")
    app.add_typer(token_app, name="token")


@user_app.command("add")
def user_add(
    name: str,
    password_stdin: Annotated[bool, typer.Option("--password-stdin")] = False,
    tz: Annotated[str, typer.Option(help="IANA time zone, e.g. Europe/Berlin")] = "UTC",
) -> None:
    """Create an account (password from a prompt, or from standard input)."""
    setup_django()
    ensure_migrated()
    from django.contrib.auth.models import User
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    from spasmtrack.accounts.models import Person, valid_tz

    if not valid_tz(tz):
        fail(f"unknown time zone {tz!r}")
    if User.objects.filter(username=name).exists():
        fail(f"an account named {name!r} already exists")
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        validate_password(password, User(username=name))
    except ValidationError as e:
        fail("; ".join(e.messages))
    user = User.objects.create_user(name, password=password)
    Person.objects.create(user=user, tz=tz)
    typer.echo(f"Created account {name!r}.")


@token_app.command("create")
def token_create(name: str, label: str = "cli") -> None:
    """Issue an API token for account NAME; printed once, stored hashed."""
    setup_django()
    ensure_migrated()
    from spasmtrack.accounts.models import ApiToken

    _, secret = ApiToken.issue(person_for(name), label)
    typer.echo(secret)

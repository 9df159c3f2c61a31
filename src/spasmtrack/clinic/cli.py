"""`spasmtrack clinic …`: roles and the audit log, for whoever runs the server."""

from __future__ import annotations

from typing import Annotated

import typer

from spasmtrack.accounts.people import person_for
from spasmtrack.cli_kit import Group, ensure_migrated, fail, setup_django, user_option

clinic_app = typer.Typer(
    cls=Group, help="Clinic server: roles and the audit log.", no_args_is_help=True
)


@clinic_app.command("role")
def role(
    name: str,
    new_role: Annotated[str, typer.Argument(metavar="ROLE", help="patient, clinician or admin")],
) -> None:
    """Give account NAME a role (clinicians can be granted access; admins manage accounts)."""
    setup_django()
    ensure_migrated()
    from spasmtrack.accounts.models import Person

    if new_role not in Person.Role.values:
        fail(f"unknown role {new_role!r} (choose {', '.join(Person.Role.values)})", 2)
    person = person_for(name)
    person.role = new_role
    person.save(update_fields=("role",))
    typer.echo(f"{name} is now {Person.Role(new_role).label.lower()}.")


@clinic_app.command("audit")
def audit_cmd(
    user: Annotated[str | None, user_option("Only events about NAME")] = None,
    limit: int = 50,
) -> None:
    """Print the newest audit events (tab-separated: time, actor, action, subject, IP, detail)."""
    setup_django()
    ensure_migrated()
    from spasmtrack.accounts.models import AuditEvent

    qs = AuditEvent.objects.order_by("-at", "-id")
    if user:
        qs = qs.filter(subject=person_for(user))
    for e in qs[:limit]:
        cols = (e.at.isoformat(timespec="seconds"), e.actor_name or "-", e.action)
        typer.echo("\t".join((*cols, e.subject_name or "-", e.ip or "-", e.detail)))


def register(app: typer.Typer) -> None:
    app.add_typer(clinic_app, name="clinic")

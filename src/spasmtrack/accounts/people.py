"""The account a command acts for: `--user NAME`, or the only account there is."""

from __future__ import annotations

from typing import TYPE_CHECKING

from spasmtrack.cli_kit import fail

if TYPE_CHECKING:
    from spasmtrack.accounts.models import Person


def person_for(username: str | None) -> Person:
    """The person of --user, or of the only account; a clear error otherwise."""
    from django.contrib.auth.models import User

    from spasmtrack.accounts.models import Person

    if username:
        user = User.objects.filter(username=username).first()
        if user is None:
            fail(f"no account named {username!r} (create it with: spasmtrack user add NAME)")
        return Person.objects.for_user(user)
    users = list(User.objects.order_by("id")[:2])
    if not users:
        fail("there is no account yet (create one with: spasmtrack user add NAME)")
    if len(users) > 1:
        fail("there are several accounts: say which with --user NAME")
    return Person.objects.for_user(users[0])

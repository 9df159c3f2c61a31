"""The one ownership rule for a person's data: a lookup by code is scoped to the person, and
anything else (another person's object, a binned one when the caller passes live rows only, a
malformed code) is the same Http404, so another person's id looks exactly like an id that does
not exist. Every page, API handler and CLI command that opens someone's object by its code goes
through `owned_or_404`."""

from __future__ import annotations

from typing import TypeVar
from uuid import UUID

from django.db import models
from django.http import Http404

from spasmtrack.accounts.models import Person

M = TypeVar("M", bound=models.Model)


def owned_by(person: Person, objects: type[M] | models.QuerySet[M]) -> models.QuerySet[M]:
    """`objects` (a model with a `person` field, or a queryset of one) limited to the
    person's rows. A queryset keeps its own filters (e.g. `.live()`, select_related)."""
    qs = objects if isinstance(objects, models.QuerySet) else objects._default_manager.all()
    return qs.filter(person=person)


def owned_or_404(
    person: Person,
    objects: type[M] | models.QuerySet[M],
    code: UUID | str,
    what: str = "entry",
) -> M:
    """The person's object with this code among `objects`, or Http404("No such <what>")."""
    try:
        code = UUID(str(code))
    except ValueError:
        raise Http404(f"No such {what}") from None
    found = owned_by(person, objects).filter(code=code).first()
    if found is None:
        raise Http404(f"No such {what}")
    return found

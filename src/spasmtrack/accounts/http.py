from __future__ import annotations

from django.contrib.auth.models import User
from django.http import HttpRequest

from spasmtrack.accounts.models import Person


class AuthenticatedHttpRequest(HttpRequest):
    """A request that passed @login_required: `user` is a real account."""

    user: User


def person_of(request: AuthenticatedHttpRequest) -> Person:
    """The signed-in person: loaded once per request by PersonTimezoneMiddleware (which sets
    `request.person`), or looked up when a view runs without that middleware."""
    person = getattr(request, "person", None)
    return person if person is not None else Person.objects.for_user(request.user)


class ApiRequest(HttpRequest):
    """A request past the JSON API's authentication (spasmtrack.api): ninja sets `auth` to the
    Person that TokenAuth or PersonSessionAuth returned."""

    auth: Person


def is_htmx(request: HttpRequest) -> bool:
    """The request comes from htmx (`HX-Request` header): answer with a fragment, not a page."""
    return bool(request.headers.get("HX-Request"))


# A value no SHA-256 hex digest can be: marks the token hash among the compiled query's
# parameters.
_HASH_MARK = "(token hash)"


def token_person(secret: str) -> Person | None:
    """The person of a live API token (`ApiToken.person_for`: the token's hash is known and
    the account active), or None.

    The same query, its SQL built by the ORM once per database connection instead of on
    every request (building it was most of the lookup's cost): the row itself is still
    read on every request, so a revoked token or a deactivated account is refused on the
    very next one. tests/test_token_person.py checks it answers as person_for.
    """
    from django.db import connections, router

    from spasmtrack.accounts.models import ApiToken

    alias = router.db_for_read(Person)
    connection = connections[alias]
    compiled = getattr(connection, "_spasmtrack_token_query", None)
    if compiled is None:
        names = [f.attname for f in Person._meta.concrete_fields]
        people = Person.objects.using(alias).filter(
            tokens__token_hash=_HASH_MARK, user__is_active=True
        )
        compiler = people.values_list(*names)[:1].query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        # The fields' own converters (from_db_value, the backend's), as the ORM applies them.
        converters = compiler.get_converters([col for col, _, _ in compiler.select])
        at = list(params).index(_HASH_MARK)
        compiled = (compiler, converters, sql, list(params), at, names)
        connection._spasmtrack_token_query = compiled  # type: ignore[attr-defined]
    compiler, converters, sql, params, at, names = compiled
    params = [*params[:at], ApiToken.hash(secret), *params[at + 1 :]]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if converters:
        rows = list(compiler.apply_converters(rows, converters))
    for row in rows:
        return Person.from_db(alias, names, list(row))
    return None

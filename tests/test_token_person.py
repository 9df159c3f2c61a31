"""The API's token lookup (`accounts.http.token_person`, its SQL compiled once per connection)
answers exactly as `ApiToken.person_for`, and sees a revocation on the very next request."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from spasmtrack.accounts.http import token_person
from spasmtrack.accounts.models import ApiToken, Person

pytestmark = pytest.mark.django_db


def _person(name: str) -> Person:
    return Person.objects.for_user(User.objects.create_user(name, password="a-long-pass-1"))


def _same(secret: str) -> Person | None:
    found = token_person(secret)
    want = ApiToken.person_for(secret)
    assert found == want
    if found is not None and want is not None:
        fields = [f.attname for f in Person._meta.concrete_fields]
        assert [getattr(found, f) for f in fields] == [getattr(want, f) for f in fields]
        assert found._state.db == want._state.db and not found._state.adding
    return found


def test_it_finds_the_person_of_a_live_token_with_every_field_as_the_orm_reads_it() -> None:
    ann, bob = _person("ann"), _person("bob")
    _, ann_secret = ApiToken.issue(ann, "phone")
    _, bob_secret = ApiToken.issue(bob, "laptop")
    assert _same(ann_secret) == ann
    assert _same(bob_secret) == bob
    assert _same(ann_secret) == ann  # again, from the compiled query


def test_it_finds_nobody_for_an_unknown_or_empty_token() -> None:
    ApiToken.issue(_person("ann"), "phone")
    assert _same("st_not-a-token") is None
    assert _same("") is None
    assert _same("(token hash)") is None


def test_it_refuses_a_revoked_token_and_a_deactivated_account_on_the_next_request() -> None:
    ann = _person("ann")
    token, secret = ApiToken.issue(ann, "phone")
    assert _same(secret) == ann
    ann.user.is_active = False
    ann.user.save()
    assert _same(secret) is None
    ann.user.is_active = True
    ann.user.save()
    assert _same(secret) == ann
    token.delete()
    assert _same(secret) is None

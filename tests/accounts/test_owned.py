"""The one ownership rule: `owned_or_404` (accounts/owned.py)."""

from __future__ import annotations

import uuid

import pytest
from django.http import Http404

from spasmtrack.accounts.owned import owned_by, owned_or_404
from spasmtrack.diary.entries import RESOURCES, create_entry, entries_for
from spasmtrack.diary.models import MuscleEvent
from spasmtrack.test import BaseTestCase

RES = RESOURCES["muscle-events"]


class OwnedTestCase(BaseTestCase):
    def test_it_finds_the_persons_own_object_by_code_or_its_text(self) -> None:
        entry = create_entry(self.alice, RES, RES.sample)
        assert owned_or_404(self.alice, MuscleEvent, entry.code) == entry
        assert owned_or_404(self.alice, entries_for(self.alice, RES), str(entry.code)) == entry

    def test_it_checks_ownership_and_another_persons_object_looks_missing(self) -> None:
        entry = create_entry(self.alice, RES, RES.sample)
        # Even a queryset that is not scoped to anyone is scoped by the helper.
        for objects in (MuscleEvent, MuscleEvent.objects.all()):
            with pytest.raises(Http404, match="No such entry"):
                owned_or_404(self.charlie, objects, entry.code)
        with pytest.raises(Http404, match="No such entry"):
            owned_or_404(self.alice, MuscleEvent, uuid.uuid4())
        with pytest.raises(Http404, match="No such experiment"):
            owned_or_404(self.alice, MuscleEvent, "not-a-uuid", "experiment")

    def test_it_keeps_the_callers_filters_so_a_binned_entry_is_missing(self) -> None:
        entry = create_entry(self.alice, RES, RES.sample)
        entry.move_to_bin()
        assert owned_or_404(self.alice, MuscleEvent, entry.code) == entry
        with pytest.raises(Http404):
            owned_or_404(self.alice, entries_for(self.alice, RES), entry.code)
        assert list(owned_by(self.charlie, MuscleEvent)) == []

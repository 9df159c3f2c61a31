"""The diary descriptors (`RESOURCES`) are what the pages, export, insights and checks read."""

from __future__ import annotations

import pytest

from spasmtrack.diary.entries import RESOURCES, EntryError, create_entry, entries_for
from spasmtrack.diary.forms import HistoryFilter
from spasmtrack.diary.views import EDIT_FORMS, HISTORY_KINDS
from spasmtrack.insights.signals import watched_models
from spasmtrack.interop.native import BY_KEY
from spasmtrack.test import BaseTestCase


class DescriptorTestCase(BaseTestCase):
    def test_it_creates_a_valid_entry_from_every_sample(self) -> None:
        for name, res in RESOURCES.items():
            entry = create_entry(self.alice, res, res.sample)
            assert entries_for(self.alice, res).get() == entry, name

    def test_it_reads_the_one_per_day_keys_from_the_models_constraints(self) -> None:
        unique = {name: res.unique_day for name, res in RESOURCES.items() if res.unique_day}
        assert unique == {
            "checkins": ("local_date",),
            "habit-logs": ("habit", "local_date"),
            "symptom-ratings": ("name", "local_date"),
        }
        for name in unique:
            res = RESOURCES[name]
            create_entry(self.alice, res, res.sample)
            with pytest.raises(EntryError, match="already an entry"):
                create_entry(self.alice, res, res.sample)
            create_entry(self.charlie, res, res.sample)  # per person

    def test_it_offers_every_kind_in_the_history_filter_and_finds_its_entries(self) -> None:
        offered = {value for value, _ in HistoryFilter().fields["kind"].choices} - {""}
        assert offered <= set(HISTORY_KINDS)
        for name, res in RESOURCES.items():
            assert res.label, name
            assert (set(dict(res.kinds)) or {name}) <= offered
            for kind in dict(res.kinds) or [None]:  # one entry of each filtered value
                create_entry(self.alice, res, {**res.sample, **({"kind": kind} if kind else {})})
        self.client.force_login(self.alice.user)
        for value in offered:
            r = self.client.get("/history/", {"kind": value, "since": "2000-01-01"})
            assert r.status_code == 200
            shown = set()
            for row in r.context["entries"]:  # dicts: the kind is read back from the entry
                entry = RESOURCES[row["resource"]].model.objects.get(code=row["code"])
                shown.add((row["resource"], getattr(entry, "kind", "")))
            resource, kind = HISTORY_KINDS[value]
            assert {s[0] for s in shown} == {resource}, value
            assert not kind or {s[1] for s in shown} == {kind}, value

    def test_it_edits_on_a_page_exactly_the_kinds_with_a_form(self) -> None:
        assert {n: r.form for n, r in RESOURCES.items() if r.form is not None} == EDIT_FORMS
        assert set(EDIT_FORMS) == {"muscle-events", "pain-drawings", "checkins", "treatment-logs"}
        self.client.force_login(self.alice.user)
        for name, res in RESOURCES.items():
            entry = create_entry(self.alice, res, res.sample)
            r = self.client.get(f"/entries/{name}/{entry.code}/edit/")
            assert r.status_code == (200 if name in EDIT_FORMS else 404), name

    def test_it_exports_and_watches_what_the_descriptors_say(self) -> None:
        assert set(RESOURCES) <= set(BY_KEY)
        watched = set(watched_models())
        for res in RESOURCES.values():
            assert (res.model in watched) == res.insights, res.name

    def test_it_has_a_fhir_kind_for_every_kind(self) -> None:
        # FHIR is not derived from the descriptor yet: a kind without adapters in diary/fhir.py
        # fails here, not in the middle of someone's export.
        from spasmtrack.diary.fhir import ADAPTERS, KINDS
        from spasmtrack.exchange.fhir_kit import collect

        assert set(ADAPTERS) == set(RESOURCES)
        assert [k.tag for k in KINDS] == list(RESOURCES)
        assert set(RESOURCES) <= {k.tag for k in collect()}

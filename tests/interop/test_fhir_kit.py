"""The FHIR protocol: apps' kinds collected in the export order, tags unique, members read
only through the resource they belong to."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from spasmtrack.diary.entries import RESOURCES, create_entry
from spasmtrack.exchange import fhir_kit
from spasmtrack.exchange.fhir_kit import FhirKind, collect, kind_of
from spasmtrack.interop.fhir import FhirImportRefused, export_bundle, import_bundle
from spasmtrack.test import BaseTestCase


def _kind(tag: str, **kw: Any) -> FhirKind:
    return FhirKind(tag, lambda person, subject: [], lambda r, ctx: None, **kw)


def test_it_collects_the_diary_first_then_the_feature_apps() -> None:
    tags = [k.tag for k in collect()]
    assert tags == [
        *RESOURCES,
        "questionnaire-responses",
        "questionnaire-scores",
        "daily-measurements",
        "period-days",
    ]


def test_it_refuses_two_kinds_with_one_tag(monkeypatch: pytest.MonkeyPatch) -> None:
    apps = [SimpleNamespace(KINDS=(_kind("a"),)), SimpleNamespace(KINDS=(_kind("a"),))]
    monkeypatch.setattr(fhir_kit, "app_modules", lambda module, apps_=None: iter(apps))
    with pytest.raises(RuntimeError, match="share a tag"):
        collect()


def test_a_member_tag_counts_as_taken(monkeypatch: pytest.MonkeyPatch) -> None:
    apps = [SimpleNamespace(KINDS=(_kind("a", members={"b": "stray b"}), _kind("b")))]
    monkeypatch.setattr(fhir_kit, "app_modules", lambda module, apps_=None: iter(apps))
    with pytest.raises(RuntimeError, match="share a tag"):
        collect()


class MembersTestCase(BaseTestCase):
    def test_it_refuses_a_member_no_resource_refers_to_and_writes_nothing(self) -> None:
        create_entry(self.alice, RESOURCES["pain-drawings"], {"regions": {"calf_left": 5}})
        create_entry(self.alice, RESOURCES["checkins"], {"local_date": "2024-01-02", "mood": 6})
        bundle = export_bundle(self.alice)
        for res in RESOURCES.values():
            res.model.objects.filter(person=self.alice).delete()
        kept = [e for e in bundle["entry"] if kind_of(e["resource"]) != "pain-drawings"]
        with pytest.raises(FhirImportRefused, match="not referenced by any pain drawing"):
            import_bundle(self.alice, {**bundle, "entry": kept})
        assert not RESOURCES["checkins"].model.objects.filter(person=self.alice).exists()

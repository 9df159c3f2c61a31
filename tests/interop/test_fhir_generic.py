"""A diary kind that diary/fhir.py has no adapter for still reaches FHIR: the generic
Observation derived from its descriptor, with every field of its input schema carried.

The "new" kinds here are descriptors of existing models under a new name (no new table is
needed to prove that nothing but the descriptor is read)."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from fhir.resources.R4B.observation import Observation

from spasmtrack.diary.entries import RESOURCES, Resource, create_entry, entries_for
from spasmtrack.diary.fhir import ADAPTERS, KINDS, fhir_kind
from spasmtrack.diary.models import Entry
from spasmtrack.exchange.fhir_kit import Ctx, ext_url, kind_of, ref, system
from spasmtrack.test import BaseTestCase

SAMPLES = {
    "checkins": {"local_date": "2026-03-29", "overall_pain": 5, "mood": 7, "notes": "ok"},
    "symptom-ratings": {"name": "headache", "local_date": "2026-03-29", "value": 3.5},
    "trigger-points": {
        "muscle": "upper_trapezius",
        "side": "left",
        "tenderness": 7,
        "at": "2026-03-29T22:30:00Z",  # the next day in Berlin
    },
}


def _new_kind(name: str) -> Resource[Entry]:
    return dataclasses.replace(RESOURCES[name], name=f"new-{name}", label=f"New {name}")


def _rows(res: Resource[Entry], person: Any) -> list[dict[str, Any]]:
    return [
        res.schema_out.model_validate(e).model_dump(mode="json", exclude={"created", "updated"})
        for e in entries_for(person, res).order_by("id")
    ]


def test_every_diary_kind_has_a_fhir_kind_hand_made_or_generic() -> None:
    assert [k.tag for k in KINDS] == list(RESOURCES)
    assert set(ADAPTERS) <= set(RESOURCES)


@pytest.mark.parametrize("name", ["muscle-events", "pain-drawings", "treatment-logs"])
def test_a_field_the_generic_observation_cannot_carry_is_refused_by_name(name: str) -> None:
    with pytest.raises(TypeError, match=f"new-{name}.*its field '(regions|treatment)'"):
        fhir_kind(_new_kind(name))


class GenericFhirTestCase(BaseTestCase):
    def _round_trip(self, name: str) -> list[dict[str, Any]]:
        res = _new_kind(name)
        create_entry(self.alice, res, SAMPLES[name])
        before = _rows(res, self.alice)
        kind = fhir_kind(res)
        written = kind.export(self.alice, ref("subject"))
        res.model.objects.filter(person=self.alice).delete()
        ctx = Ctx(self.alice, "import", {})
        for r in written:
            kind.load(r, ctx)
        assert _rows(res, self.alice) == before
        return written

    def test_a_kind_by_day_round_trips_as_a_valid_observation_with_its_fields(self) -> None:
        (obs,) = self._round_trip("checkins")
        Observation.model_validate(obs)
        assert kind_of(obs) == "new-checkins"
        assert obs["code"] == {
            "coding": [
                {"system": system("observation"), "code": "new-checkins", "display": "New checkins"}
            ],
            "text": "New checkins",
        }
        assert obs["effectiveDateTime"] == "2026-03-29"
        assert obs["note"] == [{"text": "ok"}]
        carried = {e["url"]: e for e in obs["extension"]}
        assert carried[ext_url("new-checkins-overall-pain")]["valueInteger"] == 5
        assert carried[ext_url("new-checkins-mood")]["valueInteger"] == 7
        assert ext_url("new-checkins-fatigue") not in carried  # left empty: not written

    def test_a_kind_with_an_instant_keeps_its_local_day_and_text_fields(self) -> None:
        (obs,) = self._round_trip("trigger-points")
        Observation.model_validate(obs)
        assert obs["effectiveDateTime"] == "2026-03-30T00:30:00+02:00"
        urls = {e["url"] for e in obs["extension"]}
        assert ext_url("local-date") not in urls  # the instant's own day: said once
        assert ext_url("new-trigger-points-muscle") in urls
        assert _rows(_new_kind("trigger-points"), self.alice)[0]["local_date"] == "2026-03-30"

    def test_a_decimal_value_round_trips(self) -> None:
        (obs,) = self._round_trip("symptom-ratings")
        values = {e["url"]: e for e in obs["extension"]}
        assert values[ext_url("new-symptom-ratings-value")]["valueDecimal"] == 3.5

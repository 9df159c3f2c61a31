"""Daily measurements in the FHIR bundle: one Observation per value, LOINC where verified."""

from __future__ import annotations

from datetime import date
from typing import Any

from fhir.resources.R4B.bundle import Bundle

from spasmtrack.interop.fhir import FhirImportRefused, export_bundle, import_bundle
from spasmtrack.measures.models import DailyMetric
from spasmtrack.test import BaseTestCase


def _observations(bundle: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The measurement Observations by their own metric code."""
    out = {}
    for e in bundle["entry"]:
        r = e["resource"]
        if r.get("meta", {}).get("tag", [{}])[0].get("code") == "daily-measurements":
            out[r["code"]["coding"][0]["code"]] = r
    return out


class MeasuresFhirTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        day = date(2026, 3, 2)
        for metric, value, unit, source in (
            ("steps", 8421.0, "", "apple-health"),
            ("resting_heart_rate", 61.0, "bpm", "fitbit"),
            ("sleep_hours", 6.5, "h", "manual"),
            ("pressure", 1008.4, "hPa", "weather-csv"),
        ):
            DailyMetric.objects.create(
                person=self.alice, local_date=day, metric=metric, value=value, unit=unit,
                source=source,
            )  # fmt: skip

    def test_steps_and_resting_heart_rate_carry_their_loinc_codes_and_units(self) -> None:
        obs = _observations(export_bundle(self.alice))
        steps, rhr = obs["steps"], obs["resting_heart_rate"]
        assert steps["code"]["coding"][1] == {
            "system": "http://loinc.org",
            "code": "41950-7",
            "display": "Number of steps in 24 hour Measured",
        }
        assert steps["valueQuantity"] == {
            "value": 8421.0, "system": "http://unitsofmeasure.org", "code": "/d",
        }  # fmt: skip
        assert steps["effectiveDateTime"] == "2026-03-02"
        assert steps["category"][0]["coding"][0]["code"] == "activity"
        assert rhr["code"]["coding"][1]["code"] == "40443-4"
        assert rhr["valueQuantity"]["code"] == "/min"

    def test_values_without_a_verified_code_carry_only_our_own(self) -> None:
        obs = _observations(export_bundle(self.alice))
        for metric in ("sleep_hours", "pressure"):
            codings = obs[metric]["code"]["coding"]
            assert [c["system"] for c in codings] == [
                "https://spasmtrack.org/fhir/CodeSystem/observation"
            ]
            assert "category" not in obs[metric]

    def test_the_bundle_is_valid_fhir_r4b(self) -> None:
        Bundle.model_validate(export_bundle(self.alice))

    def test_it_round_trips_into_an_empty_diary_and_refuses_a_second_import(self) -> None:
        bundle = export_bundle(self.alice)
        before = sorted(
            DailyMetric.objects.values_list("metric", "value", "unit", "source", "code")
        )
        DailyMetric.objects.all().delete()
        counts = import_bundle(self.alice, bundle)
        assert counts["daily-measurements"] == 4
        after = sorted(DailyMetric.objects.values_list("metric", "value", "unit", "source", "code"))
        assert after == before
        with self.assertRaises(FhirImportRefused) as caught:
            import_bundle(self.alice, bundle, where="again.json")
        assert "already exists" in str(caught.exception)
        assert DailyMetric.objects.count() == 4

    def test_a_value_out_of_range_is_refused_with_its_entry_and_nothing_is_written(self) -> None:
        bundle = export_bundle(self.alice)
        DailyMetric.objects.all().delete()
        index, steps = next(
            (i, e["resource"])
            for i, e in enumerate(bundle["entry"])
            if e["resource"].get("code", {}).get("coding", [{}])[0].get("code") == "sleep_hours"
        )
        steps["valueQuantity"]["value"] = 30.0
        with self.assertRaises(FhirImportRefused) as caught:
            import_bundle(self.alice, bundle, where="b.json")
        assert f"b.json entry {index}: daily-measurements" in str(caught.exception)
        assert DailyMetric.objects.count() == 0

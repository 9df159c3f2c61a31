"""Period days in the FHIR bundle: one Observation a day, the first day of each period coded
with LOINC 8665-2 "Last menstrual period start date"."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from fhir.resources.R4B.bundle import Bundle

from spasmtrack.cycle.models import PeriodDay
from spasmtrack.interop.fhir import FhirImportRefused, export_bundle, import_bundle
from spasmtrack.test import BaseTestCase

# Two periods: 3-5 March and 31 March-1 April.
DAYS = [date(2026, 3, 3), date(2026, 3, 4), date(2026, 3, 5), date(2026, 3, 31), date(2026, 4, 1)]


def _observations(bundle: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        e["resource"]
        for e in bundle["entry"]
        if e["resource"].get("meta", {}).get("tag", [{}])[0].get("code") == "period-days"
    ]


class CycleFhirTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        for d in DAYS:
            PeriodDay.objects.create(person=self.alice, local_date=d)
        PeriodDay.objects.create(person=self.charlie, local_date=date(2026, 3, 10))

    def test_the_first_day_of_each_period_carries_the_lmp_loinc_code(self) -> None:
        obs = _observations(export_bundle(self.alice))
        assert [o["effectiveDateTime"] for o in obs] == [d.isoformat() for d in DAYS]
        starts = [o for o in obs if len(o["code"]["coding"]) == 2]
        assert [o["valueDateTime"] for o in starts] == ["2026-03-03", "2026-03-31"]
        assert starts[0]["code"]["coding"][1] == {
            "system": "http://loinc.org",
            "code": "8665-2",
            "display": "Last menstrual period start date",
        }
        others = [o for o in obs if len(o["code"]["coding"]) == 1]
        assert [o["code"]["coding"][0]["code"] for o in others] == ["period-day"] * 3
        assert all(o["valueBoolean"] is True for o in others)

    def test_the_bundle_is_valid_fhir_r4b_and_holds_no_one_elses_days(self) -> None:
        bundle = export_bundle(self.alice)
        Bundle.model_validate(bundle)
        assert "2026-03-10" not in {o["effectiveDateTime"] for o in _observations(bundle)}

    def test_it_round_trips_into_an_empty_diary_and_refuses_a_second_import(self) -> None:
        bundle = export_bundle(self.alice)
        before = sorted(
            PeriodDay.objects.filter(person=self.alice).values_list("local_date", "code")
        )
        PeriodDay.objects.filter(person=self.alice).delete()
        counts = import_bundle(self.alice, bundle)
        assert counts["period-days"] == len(DAYS)
        after = sorted(
            PeriodDay.objects.filter(person=self.alice).values_list("local_date", "code")
        )
        assert after == before
        with pytest.raises(FhirImportRefused, match="already exists"):
            import_bundle(self.alice, bundle, where="again.json")

    def test_a_first_day_is_read_from_its_value_as_a_last_menstrual_period_means(self) -> None:
        bundle = export_bundle(self.alice)
        PeriodDay.objects.filter(person=self.alice).delete()
        (first,) = [o for o in _observations(bundle) if o.get("valueDateTime") == "2026-03-31"]
        first["effectiveDateTime"] = "2026-04-20"  # observed at a later visit
        import_bundle(self.alice, bundle)
        assert PeriodDay.objects.filter(person=self.alice, local_date=date(2026, 3, 31)).exists()

    def test_a_bad_day_refuses_the_whole_bundle(self) -> None:
        bundle = export_bundle(self.alice)
        PeriodDay.objects.filter(person=self.alice).delete()
        _observations(bundle)[1]["effectiveDateTime"] = "2026-13-01"
        with pytest.raises(FhirImportRefused, match="effectiveDateTime must be a date"):
            import_bundle(self.alice, bundle)
        assert not PeriodDay.objects.filter(person=self.alice).exists()

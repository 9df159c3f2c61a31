"""A magnesium supplement logged as a treatment counts toward the intake totals and the
supplemental upper-limit warning, once."""

from __future__ import annotations

from datetime import UTC, date, datetime

import time_machine

from spasmtrack.diary import quicklog
from spasmtrack.diary.entries import RESOURCES, create_entry
from spasmtrack.diary.models import TreatmentLog
from spasmtrack.nutrition.intakes import log_intake, totals
from spasmtrack.test import BaseTestCase

NOW = datetime(2026, 5, 6, 10, 0, tzinfo=UTC)
DAY = date(2026, 5, 6)


def magnesium(day_totals: dict) -> float:
    return next(n["amount"] for n in day_totals["nutrients"] if n["nutrient"] == "magnesium")


@time_machine.travel(NOW)
class MagnesiumTreatmentTestCase(BaseTestCase):
    def treatment(self, person=None, **data: object) -> TreatmentLog:
        values = {"treatment": "magnesium", "amount": 200, "unit": "mg", **data}
        return create_entry(person or self.alice, RESOURCES["treatment-logs"], values)

    def test_a_logged_treatment_counts_as_supplemental_magnesium(self) -> None:
        self.treatment()
        (day,) = totals(self.alice, DAY, DAY)["days"]
        assert day["supplemental_magnesium_mg"] == 200.0
        assert magnesium(day) == 200.0
        assert day["magnesium_warning"] is None  # 200 mg: under the 350 mg limit

    def test_treatment_and_intake_add_up_toward_the_limit(self) -> None:
        self.treatment()
        log_intake(self.alice, {"nutrient": "magnesium", "amount": 200, "unit": "mg"})
        (day,) = totals(self.alice, DAY, DAY)["days"]
        assert day["supplemental_magnesium_mg"] == 400.0  # each entry once
        assert "350 mg" in day["magnesium_warning"]

    def test_only_live_own_logs_with_an_amount_count(self) -> None:
        binned = self.treatment(amount=300)
        binned.deleted_at = NOW
        binned.save()
        self.treatment(amount=None, unit="")
        self.treatment(unit="tablet", amount=2)
        self.treatment(person=self.charlie, amount=500)
        self.treatment(treatment="heat", amount=None, unit="", duration_s=600)
        assert totals(self.alice, DAY, DAY)["days"] == []

    def test_grams_are_converted(self) -> None:
        self.treatment(amount=0.4, unit="g")
        (day,) = totals(self.alice, DAY, DAY)["days"]
        assert day["supplemental_magnesium_mg"] == 400.0

    def test_the_quick_log_supplement_shows_the_warning_on_the_nutrition_page(self) -> None:
        reading = quicklog.read(self.alice, "400mg magnesium glycinate")
        saved = quicklog.save_reading(self.alice, reading)
        assert any(isinstance(e, TreatmentLog) for e in saved)
        self.client.force_login(self.alice_user)
        r = self.client.get("/nutrition/")
        self.assertContains(r, "About your magnesium supplements")
        self.assertContains(r, "above the 350 mg supplement limit")

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import time_machine

from spasmtrack.accounts.owned import owned_or_404
from spasmtrack.nutrition.factors import FACTORS, change_events, daily_intake_factors
from spasmtrack.nutrition.intakes import log_intake
from spasmtrack.nutrition.lifestyle import record_change
from spasmtrack.nutrition.models import Intake
from spasmtrack.test import BaseTestCase

NOW = datetime(2026, 5, 6, 10, 0, tzinfo=UTC)
MAY = date(2026, 5, 1)


@time_machine.travel(NOW)
class FactorsTestCase(BaseTestCase):
    def log(self, day: int, **data: object) -> Intake:
        return log_intake(self.alice, {**data, "at": f"2026-05-{day:02}T10:00:00Z"})

    def test_it_gives_numeric_factors_per_logged_day(self) -> None:
        self.log(2, food_id="pumpkin_seeds", amount=100, unit="g")  # 592 mg magnesium
        self.log(2, nutrient="magnesium", amount=250, unit="mg")
        self.log(4, food_id="banana", amount=1, unit="serving")  # 118 g
        f = daily_intake_factors(self.alice, MAY, date(2026, 5, 6))
        assert set(f) == set(FACTORS)
        d2, d4 = date(2026, 5, 2), date(2026, 5, 4)
        assert f["magnesium from food (mg)"] == {d2: 592.0, d4: 31.86}
        assert f["supplemental magnesium (mg)"] == {d2: 250.0, d4: 0.0}
        assert f["magnesium, total (mg)"][d2] == 842.0
        assert f["potassium (mg)"] == {d2: 809.0, d4: 422.44}
        # A day with nothing logged is unknown, not zero.
        assert date(2026, 5, 3) not in f["potassium (mg)"]

    def test_it_leaves_out_binned_and_other_peoples_intakes(self) -> None:
        i = self.log(2, nutrient="magnesium", amount=250, unit="mg")
        log_intake(self.charlie, {"nutrient": "magnesium", "amount": 100, "unit": "mg"})
        owned_or_404(self.alice, Intake.objects.live(), i.code).move_to_bin()
        f = daily_intake_factors(self.alice, MAY, date(2026, 5, 31))
        assert f["supplemental magnesium (mg)"] == {}

    def test_it_refuses_a_reversed_range(self) -> None:
        with pytest.raises(ValueError):
            daily_intake_factors(self.alice, date(2026, 5, 6), MAY)

    def test_it_lists_change_events_oldest_first(self) -> None:
        record_change(self.alice, {"title": "Standing desk", "local_date": "2026-05-03"})
        record_change(self.alice, {"title": "New pillow", "local_date": "2026-04-20"})
        record_change(self.charlie, {"title": "Not mine", "local_date": "2026-04-21"})
        binned = record_change(self.alice, {"title": "Binned", "local_date": "2026-04-22"})
        binned.move_to_bin()
        assert change_events(self.alice) == [
            (date(2026, 4, 20), "New pillow"),
            (date(2026, 5, 3), "Standing desk"),
        ]

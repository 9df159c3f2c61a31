from __future__ import annotations

from datetime import UTC, datetime

import time_machine

from spasmtrack.diary.models import Treatment
from spasmtrack.nutrition.intakes import log_intake
from spasmtrack.nutrition.models import Intake, NutritionProfile
from spasmtrack.test import BaseTestCase

NOW = datetime(2026, 5, 6, 10, 0, tzinfo=UTC)
FOOD = {
    "form": "food",
    "food-food": "banana",
    "food-amount": "2",
    "food-unit": "serving",
}
SUPPLEMENT = {
    "form": "supplement",
    "supplement-nutrient": "magnesium",
    "supplement-amount": "400",
    "supplement-unit": "mg",
}


@time_machine.travel(NOW)
class NutritionPagesTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.client.force_login(self.alice_user)

    def test_it_requires_sign_in(self) -> None:
        self.client.logout()
        for url in ("/treatments/evidence/", "/nutrition/", "/nutrition/foods/?q=dates"):
            r = self.client.get(url)
            assert r.status_code == 302 and "/accounts/login/" in r["Location"], url
        self.client.post("/nutrition/", FOOD)
        assert Intake.objects.count() == 0

    def test_it_shows_the_evidence_with_sources_and_no_prescription(self) -> None:
        r = self.client.get("/treatments/evidence/")
        self.assertContains(r, "Heat")
        self.assertContains(r, "Nutrition and supplements")
        self.assertContains(r, 'href="https://doi.org/10.1097/01.brs.0000214881.10814.64"')
        self.assertContains(r, "Do not sleep on a heating pad.")
        self.assertContains(r, "does not prescribe")
        self.assertContains(r, "Talk to your clinician")

    def test_it_lists_only_the_persons_own_custom_treatments(self) -> None:
        Treatment.add_custom(self.alice, name="Cherry juice", category="nutrition")
        Treatment.add_custom(self.charlie, name="Secret tea", category="home")
        r = self.client.get("/treatments/evidence/")
        self.assertContains(r, "Cherry juice")
        self.assertContains(r, "your own")
        self.assertNotContains(r, "Secret tea")

    def test_it_logs_a_food_from_the_page(self) -> None:
        r = self.client.post("/nutrition/", FOOD)
        assert r.status_code == 302
        i = Intake.objects.get()
        assert (i.person, i.food_id, i.amount, i.unit, i.supplemental) == (
            self.alice,
            "banana",
            2,
            "serving",
            False,
        )
        r = self.client.get("/nutrition/")
        self.assertContains(r, "Banana · 2 servings (236 g)")
        self.assertContains(r, "844.9 of 3400 mg")

    def test_it_shows_the_magnesium_warning_for_supplements_above_the_limit(self) -> None:
        self.client.post("/nutrition/", {**SUPPLEMENT, "supplement-amount": "300"})
        r = self.client.get("/nutrition/")
        self.assertNotContains(r, "About your magnesium supplements")
        self.client.post("/nutrition/", {**SUPPLEMENT, "supplement-amount": "100"})
        r = self.client.get("/nutrition/")
        self.assertContains(r, "About your magnesium supplements")
        self.assertContains(r, "Talk to a clinician or pharmacist")
        self.assertContains(r, "above the 350 mg supplement limit")

    def test_it_does_not_warn_about_magnesium_from_food(self) -> None:
        body = {**FOOD, "food-food": "pumpkin_seeds", "food-amount": "4"}
        self.client.post("/nutrition/", body)
        r = self.client.get("/nutrition/")
        self.assertContains(r, "Pumpkin")
        self.assertNotContains(r, "About your magnesium supplements")

    def test_it_refuses_a_bad_intake_keeping_what_was_typed(self) -> None:
        r = self.client.post("/nutrition/", {**FOOD, "food-amount": "99999", "food-unit": "g"})
        self.assertContains(r, "looks like a typo", status_code=200)
        self.assertContains(r, 'value="99999"')
        r = self.client.post("/nutrition/", {**SUPPLEMENT, "supplement-unit": "IU"})
        self.assertContains(r, "IU is only used here for vitamin D")
        assert Intake.objects.count() == 0

    def test_it_renders_the_panel_alone_for_htmx(self) -> None:
        r = self.client.post("/nutrition/", SUPPLEMENT, HTTP_HX_REQUEST="true")
        self.assertContains(r, 'id="nutrition-panel"')
        self.assertContains(r, "Saved: Magnesium supplement · 400 mg")
        self.assertContains(r, "About your magnesium supplements")
        self.assertNotContains(r, "<html")
        r = self.client.get("/nutrition/")
        self.assertContains(r, "<html")
        self.assertContains(r, 'id="nutrition-panel"')

    def test_it_searches_foods_by_name_and_synonym(self) -> None:
        r = self.client.get("/nutrition/foods/?q=pepitas", HTTP_HX_REQUEST="true")
        self.assertContains(r, 'value="pumpkin_seeds"')
        self.assertNotContains(r, 'value="banana"')
        self.assertNotContains(r, "<html")
        r = self.client.get("/nutrition/foods/?q=zzz", HTTP_HX_REQUEST="true")
        self.assertContains(r, "No food in the list matches")
        # Without htmx the search reloads the page with the filter.
        r = self.client.get("/nutrition/foods/?q=pepitas")
        assert r.status_code == 302 and r["Location"] == "/nutrition/?q=pepitas"
        r = self.client.get("/nutrition/?q=pepitas")
        self.assertContains(r, 'value="pumpkin_seeds"')
        self.assertNotContains(r, 'value="banana"')

    def test_it_saves_age_and_sex_for_the_reference(self) -> None:
        r = self.client.post(
            "/nutrition/", {"form": "profile", "profile-age": "25", "profile-sex": "female"}
        )
        assert r.status_code == 302
        p = NutritionProfile.objects.get(person=self.alice)
        assert (p.age, p.sex) == (25, "female")
        r = self.client.post("/nutrition/", {"form": "profile", "profile-age": "12"})
        self.assertContains(r, "greater than or equal to 19")
        assert NutritionProfile.objects.get(person=self.alice).age == 25

    def test_it_deletes_with_undo_as_fragments_and_as_a_full_page(self) -> None:
        i = log_intake(self.alice, {"food_id": "egg", "amount": 1, "unit": "serving"})
        r = self.client.post(f"/nutrition/intakes/{i.code}/delete/", HTTP_HX_REQUEST="true")
        self.assertContains(r, "Undo")
        self.assertNotContains(r, "<html")
        r = self.client.post(f"/nutrition/intakes/{i.code}/restore/", HTTP_HX_REQUEST="true")
        self.assertContains(r, "Delete")
        r = self.client.post(f"/nutrition/intakes/{i.code}/delete/", follow=True)
        self.assertContains(r, "Deleted: Egg")
        self.assertContains(r, f"/nutrition/intakes/{i.code}/restore/")
        r = self.client.post(f"/nutrition/intakes/{i.code}/restore/", follow=True)
        self.assertContains(r, "Restored: Egg")
        i.refresh_from_db()
        assert i.deleted_at is None

    def test_it_checks_ownership(self) -> None:
        i = log_intake(self.charlie, {"food_id": "egg", "amount": 1, "unit": "serving"})
        for url in (
            f"/nutrition/intakes/{i.code}/delete/",
            f"/nutrition/intakes/{i.code}/restore/",
        ):
            assert self.client.post(url).status_code == 404
        r = self.client.get("/nutrition/")
        self.assertNotContains(r, "Egg · 1 serving")
        i.refresh_from_db()
        assert i.deleted_at is None

    def test_it_shows_the_week_as_bars_and_a_table(self) -> None:
        log_intake(
            self.alice,
            {"food_id": "banana", "amount": 1, "unit": "serving", "at": "2026-05-04T10:00:00Z"},
        )
        log_intake(
            self.alice,
            {"food_id": "banana", "amount": 3, "unit": "serving", "at": "2026-05-06T10:00:00Z"},
        )
        log_intake(
            self.alice,
            {"food_id": "banana", "amount": 5, "unit": "serving", "at": "2026-05-03T10:00:00Z"},
        )
        r = self.client.get("/nutrition/")
        # Monday 4 and Wednesday 6 May (Sunday 3 May is last week): 2 days, 4 bananas.
        self.assertContains(r, "(2 days)")
        self.assertContains(r, "Mon 4 May")
        self.assertNotContains(r, "Sun 3 May")
        # Average 2 bananas = 236 g a day: 844.88 mg potassium, 24.8 % -> "25%".
        self.assertContains(r, "844.9 of 3400 mg · 25%", count=1)
        self.assertContains(r, "1267.3 of 3400 mg · 37%", count=1)  # today: 3 bananas

    def test_it_shows_the_page_in_a_fixed_number_of_queries(self) -> None:
        for n in range(1, 6):
            log_intake(self.alice, {"food_id": "egg", "amount": n, "unit": "serving"})
        self.client.get("/nutrition/")  # warm the first-run check (cached per process)
        # session, user, person; today's intakes, profile (for totals), this week's
        # supplement treatment logs, this week's intakes, profile (for the form)
        with self.assertNumQueries(8):
            self.client.get("/nutrition/")

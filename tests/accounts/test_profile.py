from __future__ import annotations

from datetime import date

from spasmtrack.test import BaseTestCase


class ProfileTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.client.force_login(self.alice_user)

    def test_it_saves_the_name_and_date_of_birth_for_the_report(self) -> None:
        r = self.client.post(
            "/settings/",
            {"form": "profile", "display_name": "  Alice   Example ", "birth_date": "1980-07-04"},
        )
        self.assertRedirects(r, "/settings/")
        self.alice.refresh_from_db()
        self.assertEqual(self.alice.display_name, "Alice Example")
        self.assertEqual(self.alice.birth_date, date(1980, 7, 4))
        self.assertEqual(self.alice.tz, "Europe/Berlin")  # the other form is untouched

    def test_it_refuses_a_date_of_birth_in_the_future_and_saves_nothing(self) -> None:
        r = self.client.post(
            "/settings/", {"form": "profile", "display_name": "X", "birth_date": "2999-01-01"}
        )
        self.assertContains(r, "Choose a day between 1 Jan 1900 and today.")
        self.alice.refresh_from_db()
        self.assertEqual((self.alice.display_name, self.alice.birth_date), ("", None))

    def test_it_still_saves_the_time_zone(self) -> None:
        self.client.post("/settings/", {"tz": "Europe/Paris"})
        self.alice.refresh_from_db()
        self.assertEqual(self.alice.tz, "Europe/Paris")

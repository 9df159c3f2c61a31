"""The tender-point self-pressure exam's pages."""

from __future__ import annotations

from spasmtrack.core.questionnaires import mtps_site_ids
from spasmtrack.questionnaires.models import QuestionnaireResponse
from spasmtrack.test import BaseTestCase

FILL = "/questionnaires/mtps/"


def post_data(value: int = 3, **over: str) -> dict[str, str]:
    data = {f"rating_{s}": str(value) for s in mtps_site_ids()}
    data.update(over)
    return data


class MtpsPagesTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.client.force_login(self.alice_user)

    def test_it_explains_how_hard_to_press_and_shows_the_sites_on_the_body_map(self) -> None:
        r = self.client.get(FILL)
        self.assertContains(r, "How hard to press")
        self.assertContains(r, "until your thumbnail turns white: that is about 4 kg")
        self.assertContains(r, "measures tenderness, not a diagnosis")
        # Forehead is site 1 (front map), the base of the skull site 2 (back map).
        self.assertContains(r, 'aria-label="forehead, intensity 1"')
        self.assertContains(r, 'aria-label="back of the head (left), intensity 2"')
        self.assertContains(r, "1. Forehead")
        self.assertContains(r, "10. Inner knee")
        self.assertContains(r, 'name="algometer_knee_left"')

    def test_it_saves_the_exam_and_shows_the_score_with_per_site_values(self) -> None:
        r = self.client.post(FILL, post_data(3, rating_knee_left="9", algometer_knee_left="3.5"))
        saved = QuestionnaireResponse.objects.get(person=self.alice, kind="mtps")
        assert saved.answers["algometer"] == {"knee_left": 3.5}
        assert saved.answers["ratings"]["knee_left"] == 9
        r = self.client.get(r["Location"])
        self.assertContains(r, "Sensitisation score")
        self.assertContains(r, "3.3 of 10")  # (17 * 3 + 9) / 18 = 3.33
        self.assertContains(r, 'aria-label="inner knee (left), intensity 9"')
        self.assertContains(r, "not a diagnosis")

    def test_it_refuses_a_bad_algometer_reading_and_saves_nothing(self) -> None:
        r = self.client.post(FILL, post_data(3, algometer_knee_left="40"))
        assert r.status_code == 200
        self.assertContains(r, "less than or equal to 15")
        assert not QuestionnaireResponse.objects.exists()

    def test_it_needs_every_site(self) -> None:
        data = post_data(3)
        del data["rating_gluteal_right"]
        r = self.client.post(FILL, data)
        self.assertContains(r, "This field is required")
        assert not QuestionnaireResponse.objects.exists()

    def test_the_index_trends_it_beside_the_fiqr(self) -> None:
        self.client.post(FILL, post_data(4))
        r = self.client.get("/questionnaires/")
        self.assertContains(r, "Tender-point self-pressure exam (sensitisation)")
        self.assertContains(r, "FIQR")

    def test_it_checks_ownership(self) -> None:
        self.client.post(FILL, post_data(4))
        code = QuestionnaireResponse.objects.get().code
        self.client.force_login(self.charlie_user)
        assert self.client.get(f"/questionnaires/r/{code}/").status_code == 404

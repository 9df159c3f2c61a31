from __future__ import annotations

from tests.clinic.base import ClinicTestCase
from tests.trials.helpers import past_trial


class ClinicianTrialResultsTestCase(ClinicTestCase):
    def test_it_shows_a_granted_patients_experiment_report(self) -> None:
        trial = past_trial(self.alice, self.heat, title="Heat vs usual")
        self.grant(level="read")
        self.as_doc()
        r = self.client.get(f"/clinic/{self.alice.code}/trials/")
        self.assertContains(r, f"/clinic/{self.alice.code}/trials/{trial.code}/")
        r = self.client.get(f"/clinic/{self.alice.code}/trials/{trial.code}/")
        self.assertContains(r, "Heat vs usual")
        self.assertContains(r, "How the experiment was run")
        self.assertContains(r, f'href="/clinic/{self.alice.code}/trials/"')

    def test_it_checks_ownership(self) -> None:
        alices = past_trial(self.alice, self.heat)
        charlies = past_trial(self.charlie, self.heat, title="Charlie's")
        self.as_doc()
        # No grant yet: nothing of alice's.
        assert (
            self.client.get(f"/clinic/{self.alice.code}/trials/{alices.code}/").status_code == 404
        )
        self.grant(level="read")
        # A grant from alice does not reach charlie's experiment, even through alice's page.
        r = self.client.get(f"/clinic/{self.alice.code}/trials/{charlies.code}/")
        assert r.status_code == 404

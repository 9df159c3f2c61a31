from __future__ import annotations

from datetime import UTC, date, datetime

import time_machine

from spasmtrack.accounts.models import Grant
from spasmtrack.diary.models import TreatmentLog, TriggerPoint
from tests.clinic.base import ClinicTestCase

CURRENT_TIME = datetime(2020, 1, 15, 12, tzinfo=UTC)
TRP = {"muscle": "upper_trapezius", "side": "left", "status": "active", "tenderness": "7"}


@time_machine.travel(CURRENT_TIME)
class ClinicAccessTestCase(ClinicTestCase):
    def test_it_lists_only_patients_who_granted_access(self) -> None:
        self.grant()
        self.as_doc()
        r = self.client.get("/clinic/")
        self.assertContains(r, "alice")
        self.assertNotContains(r, "charlie")
        r = self.client.get("/api/clinic/patients", **self.bearer(self.other_doc_token))
        self.assertEqual(r.json(), [])
        r = self.client.get("/api/clinic/patients", **self.bearer(self.doc_token))
        self.assertEqual([p["name"] for p in r.json()], ["alice"])

    def test_it_checks_ownership(self) -> None:
        self.grant()
        self.client.force_login(self.other_doc.user)
        self.assertEqual(self.client.get(f"/clinic/{self.alice.code}/").status_code, 404)
        # A patient has no clinic pages, and cannot reach another patient through them.
        self.client.force_login(self.charlie_user)
        self.assertEqual(self.client.get("/clinic/").status_code, 403)
        self.assertEqual(self.client.get(f"/clinic/{self.alice.code}/").status_code, 404)
        r = self.client.get(
            f"/api/clinic/patients/{self.alice.code}/checkins", **self.bearer(self.charlie_token)
        )
        self.assertEqual(r.status_code, 404)

    def test_it_requires_sign_in(self) -> None:
        for url in ("/clinic/", f"/clinic/{self.alice.code}/", "/sharing/", "/sharing/audit/"):
            self.assertRedirects(
                self.client.get(url), f"/accounts/login/?next={url}", fetch_redirect_response=False
            )
        self.assertEqual(self.client.get("/api/clinic/patients").status_code, 401)
        self.assertEqual(self.client.get("/api/sharing/grants").status_code, 401)

    def test_it_revokes_at_once_for_pages_and_api(self) -> None:
        grant = self.grant()
        url = f"/clinic/{self.alice.code}/"
        api = f"/api/clinic/patients/{self.alice.code}/trigger-points"
        self.as_doc()
        self.assertEqual(self.client.get(url).status_code, 200)
        self.assertEqual(self.client.get(api, **self.bearer(self.doc_token)).status_code, 200)
        self.client.force_login(self.alice_user)
        r = self.client.post(f"/sharing/{grant.code}/revoke/")
        self.assertRedirects(r, "/sharing/")
        self.as_doc()  # the same clinician, signed in the whole time
        self.assertEqual(self.client.get(url).status_code, 404)
        self.assertEqual(self.client.get(api, **self.bearer(self.doc_token)).status_code, 404)
        self.assertNotContains(self.client.get("/clinic/"), "alice")

    def test_it_revokes_through_the_api(self) -> None:
        grant = self.grant()
        r = self.client.delete(f"/api/sharing/grants/{grant.code}", **self.bearer(self.alice_token))
        self.assertEqual(r.status_code, 204)
        api = f"/api/clinic/patients/{self.alice.code}/checkins"
        self.assertEqual(self.client.get(api, **self.bearer(self.doc_token)).status_code, 404)

    def test_it_lets_only_the_patient_revoke(self) -> None:
        grant = self.grant()
        self.client.force_login(self.charlie_user)
        self.assertEqual(self.client.post(f"/sharing/{grant.code}/revoke/").status_code, 404)
        r = self.client.delete(
            f"/api/sharing/grants/{grant.code}", **self.bearer(self.charlie_token)
        )
        self.assertEqual(r.status_code, 404)
        grant.refresh_from_db()
        self.assertIsNone(grant.revoked_at)

    def test_it_honours_the_until_day_in_the_patients_zone(self) -> None:
        self.grant(until=date(2020, 1, 20))  # alice lives in Europe/Berlin (UTC+1 in January)
        api = f"/api/clinic/patients/{self.alice.code}/checkins"
        with time_machine.travel(datetime(2020, 1, 20, 22, 59, tzinfo=UTC)):
            self.assertEqual(self.client.get(api, **self.bearer(self.doc_token)).status_code, 200)
        with time_machine.travel(datetime(2020, 1, 20, 23, 1, tzinfo=UTC)):
            self.assertEqual(self.client.get(api, **self.bearer(self.doc_token)).status_code, 404)
            self.client.force_login(self.doc.user)
            self.assertEqual(self.client.get(f"/clinic/{self.alice.code}/").status_code, 404)

    def test_it_refuses_a_grant_to_a_non_clinician(self) -> None:
        self.client.force_login(self.alice_user)
        r = self.client.post("/sharing/", {"clinician": "charlie", "level": "read"})
        self.assertContains(r, "There is no clinician called")
        r = self.client.post(
            "/api/sharing/grants",
            {"clinician": "charlie"},
            "application/json",
            **self.bearer(self.alice_token),
        )
        self.assertEqual(r.status_code, 422)
        self.assertFalse(Grant.objects.exists())

    def test_it_grants_from_the_sharing_page(self) -> None:
        self.client.force_login(self.alice_user)
        r = self.client.post(
            "/sharing/", {"clinician": "doc", "level": "read", "until": "2020-02-01"}
        )
        self.assertRedirects(r, "/sharing/")
        grant = Grant.objects.get()
        self.assertEqual((grant.clinician, grant.level), (self.doc, "read"))
        self.assertEqual(grant.until, date(2020, 2, 1))
        self.assertContains(self.client.get("/sharing/"), "Stop sharing")

    def test_it_records_clinician_entries_attributed_and_visible_to_the_patient(self) -> None:
        self.grant(level="record")
        self.as_doc()
        r = self.client.post(f"/clinic/{self.alice.code}/record/trigger-point/", TRP)
        self.assertRedirects(r, f"/clinic/{self.alice.code}/")
        trp = TriggerPoint.objects.get()
        self.assertEqual(
            (trp.person, trp.recorded_by, trp.found_by), (self.alice, self.doc, "clinician")
        )
        r = self.client.post(
            f"/api/clinic/patients/{self.alice.code}/treatment-logs",
            {"treatment": "trigger_point_injection", "pain_before": 7, "pain_after": 3},
            "application/json",
            **self.bearer(self.doc_token),
        )
        self.assertEqual(r.status_code, 201, r.content)
        self.assertEqual(r.json()["recorded_by"], "doc")
        log = TreatmentLog.objects.get()
        self.assertEqual((log.person, log.recorded_by), (self.alice, self.doc))
        # The patient sees both in their diary and, attributed, on the sharing page.
        r = self.client.get("/api/trigger-points", **self.bearer(self.alice_token))
        self.assertEqual([e["id"] for e in r.json()["items"]], [str(trp.code)])
        self.client.force_login(self.alice_user)
        r = self.client.get("/sharing/")
        self.assertContains(r, "recorded by doc", count=2)

    def test_it_refuses_recording_under_a_read_only_grant(self) -> None:
        self.grant(level="read")
        self.as_doc()
        r = self.client.post(f"/clinic/{self.alice.code}/record/trigger-point/", TRP)
        self.assertEqual(r.status_code, 403)
        r = self.client.post(
            f"/api/clinic/patients/{self.alice.code}/trigger-points",
            {"muscle": "upper_trapezius", "side": "left", "tenderness": 5},
            "application/json",
            **self.bearer(self.doc_token),
        )
        self.assertEqual(r.status_code, 403)
        self.assertFalse(TriggerPoint.objects.exists())

    def test_it_shows_the_dashboard_with_attribution(self) -> None:
        self.grant()
        self.as_doc()
        self.client.post(f"/clinic/{self.alice.code}/record/trigger-point/", TRP)
        r = self.client.get(f"/clinic/{self.alice.code}/")
        self.assertContains(r, "recorded by doc")
        self.assertContains(r, "Record a treatment")

"""An unknown muscle id is refused everywhere a trigger point can be recorded; statuses."""

from __future__ import annotations

import json

import pytest

from spasmtrack.diary.entries import RESOURCES, create_entry
from spasmtrack.diary.models import TriggerPoint
from spasmtrack.interop.native import ImportRefused, export_document, import_document
from spasmtrack.trigger_points.services import personal_prior
from tests.clinic.base import ClinicTestCase

BAD = {"muscle": "nonexistent", "side": "left", "tenderness": 5}


class UnknownMuscleTestCase(ClinicTestCase):
    def test_the_api_answers_422_naming_the_muscle(self) -> None:
        r = self.client.post(
            "/api/trigger-points",
            json.dumps(BAD),
            "application/json",
            **self.bearer(self.alice_token),
        )
        assert r.status_code == 422
        assert "unknown muscle id 'nonexistent'" in r.content.decode()
        assert not TriggerPoint.objects.exists()

    def test_the_clinic_api_and_form_refuse_it(self) -> None:
        self.grant()
        r = self.client.post(
            f"/api/clinic/patients/{self.alice.code}/trigger-points",
            json.dumps(BAD),
            "application/json",
            **self.bearer(self.doc_token),
        )
        assert r.status_code == 422
        self.as_doc()
        r = self.client.post(
            f"/clinic/{self.alice.code}/record/trigger-point/",
            {**BAD, "status": "active", "tenderness": "5"},
        )
        assert r.status_code == 200  # the form again, with its error
        self.assertContains(r, "Select a valid choice")
        assert not TriggerPoint.objects.exists()

    def test_the_tender_spot_form_refuses_it(self) -> None:
        self.client.force_login(self.alice_user)
        r = self.client.post(
            "/trigger-points/record/", {**BAD, "tenderness": "5"}, HTTP_HX_REQUEST="true"
        )
        self.assertContains(r, "Select a valid choice")
        assert not TriggerPoint.objects.exists()

    def test_an_import_with_it_writes_nothing(self) -> None:
        good = {"muscle": "upper_trapezius", "side": "left", "tenderness": 5}
        create_entry(self.alice, RESOURCES["trigger-points"], good)
        doc = export_document(self.alice)
        TriggerPoint.objects.all().delete()
        doc["trigger-points"][0]["muscle"] = "nonexistent"
        with pytest.raises(ImportRefused, match="unknown muscle id 'nonexistent'"):
            import_document(self.alice, doc, where="x.json")
        assert not TriggerPoint.objects.exists()

    def test_a_fhir_import_with_it_writes_nothing(self) -> None:
        from spasmtrack.interop.fhir import FhirImportRefused, export_bundle, import_bundle

        good = {"muscle": "upper_trapezius", "side": "left", "tenderness": 5}
        create_entry(self.alice, RESOURCES["trigger-points"], good)
        bundle = export_bundle(self.alice)
        TriggerPoint.objects.all().delete()
        for entry in bundle["entry"]:
            site = entry["resource"].get("bodySite", {})
            for coding in site.get("coding", []):
                if coding["code"] == "upper_trapezius":
                    coding["code"] = "nonexistent"
        with pytest.raises(FhirImportRefused, match="unknown muscle id 'nonexistent'"):
            import_bundle(self.alice, bundle)
        assert not TriggerPoint.objects.exists()

    def test_tender_again_today_can_mark_it_latent_or_resolved(self) -> None:
        self.client.force_login(self.alice_user)
        spot = {"muscle": "soleus", "side": "left", "tenderness": "4"}
        self.client.post("/trigger-points/record/", spot)
        r = self.client.get("/trigger-points/")
        self.assertContains(r, "Today it is")
        self.assertContains(r, '<option value="resolved">Resolved: I can no longer find it')
        assert personal_prior(self.alice) == [("soleus", "left", "active")]
        self.client.post("/trigger-points/record/", {**spot, "status": "latent"})
        assert personal_prior(self.alice) == [("soleus", "left", "latent")]
        self.client.post(
            "/trigger-points/record/", {**spot, "status": "resolved", "tenderness": "0"}
        )
        statuses = list(TriggerPoint.objects.order_by("at", "id").values_list("status", flat=True))
        assert statuses == ["active", "latent", "resolved"]
        assert personal_prior(self.alice) == []  # resolved: no prior any more

    def test_it_refuses_an_unknown_status(self) -> None:
        self.client.force_login(self.alice_user)
        spot = {"muscle": "soleus", "side": "left", "tenderness": "4", "status": "gone"}
        r = self.client.post("/trigger-points/record/", spot, HTTP_HX_REQUEST="true")
        self.assertContains(r, "Select a valid choice")
        assert not TriggerPoint.objects.exists()

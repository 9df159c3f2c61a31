from __future__ import annotations

import copy
from typing import Any

from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.bundle import Bundle

from spasmtrack.core.questionnaires import mtps_site_ids
from spasmtrack.diary.entries import RESOURCES, create_entry
from spasmtrack.diary.models import Habit, MuscleEvent, PainDrawing, Treatment
from spasmtrack.interop.fhir import FhirImportRefused, export_bundle, import_bundle, pseudonym
from spasmtrack.questionnaires.models import QuestionnaireResponse
from spasmtrack.test import BaseTestCase

ACR = {
    "pain_areas": ["neck", "upper_back", "hip_left", "lower_leg_right", "jaw_left"],
    "fatigue": 2,
    "waking_unrefreshed": 2,
    "cognitive": 1,
    "headaches": 1,
    "lower_abdominal": 0,
    "depression": 0,
    "symptoms_3_months": True,
}
FIQR = {"function": [3, 4, None, 5, 2, 1, 6, 3, 2], "overall": [5, 6], "symptoms": [7] * 10}
PEG = {"pain": 6, "enjoyment": 5, "activity": 4}
MTPS = {
    "ratings": {**dict.fromkeys(mtps_site_ids(), 3), "forehead": 0, "knee_left": 7},
    "algometer": {"trapezius_left": 2.5, "knee_left": 3.25},
}


def _content(bundle: dict[str, Any]) -> dict[str, Any]:
    """The bundle without what changes on every export (its id and timestamps)."""
    out = copy.deepcopy(bundle)
    for key in ("id", "timestamp", "meta"):
        out.pop(key)
    return out


def _resources(bundle: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


class FhirTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        own = Treatment.add_custom(self.alice, name="Cherry juice", category="nutrition", unit="ml")
        self.habit = Habit.add_custom(self.alice, name="Long drive", kind="yes_no")
        rows = [
            (
                "muscle-events",
                {
                    "kind": "spasm",
                    "intensity": 6,
                    "regions": ["calf_left", "shin_left"],
                    "started_at": "2026-03-29T00:30:00Z",
                    "duration_s": 600,
                    "suspected_trigger": "stairs",
                    "trigger_habit": self.habit.key,
                    "notes": "woke me up",
                },
            ),
            (
                "muscle-events",
                {
                    "kind": "twitch",
                    "intensity": 2,
                    "regions": ["teeth_left"],
                    "started_at": "2026-03-29T10:00:00Z",
                },
            ),
            ("pain-drawings", {"regions": {"neck_back_left": 4, "vertex": 6, "ribs_side_left": 2}}),
            ("checkins", {"local_date": "2026-03-29", "overall_pain": 5, "mood": 7}),
            (
                "treatment-logs",
                {"treatment": own.key, "amount": 250, "unit": "ml", "pain_before": 6},
            ),
            (
                "treatment-logs",
                {"treatment": "heat", "duration_s": 1200, "pain_before": 6, "pain_after": 3},
            ),
            ("treatment-logs", {"treatment": "muscle_relaxant", "amount": 1, "unit": "dose"}),
            ("habit-logs", {"habit": "hours_sitting", "local_date": "2026-03-29", "value": 5.5}),
            ("habit-logs", {"habit": self.habit.key, "local_date": "2026-03-28"}),
            (
                "symptom-ratings",
                {"name": "headache", "local_date": "2026-03-29", "value": 3, "scale_max": 4},
            ),
            ("trigger-points", {"muscle": "upper_trapezius", "side": "left", "tenderness": 7}),
        ]
        for kind, data in rows:
            create_entry(self.alice, RESOURCES[kind], data)
        QuestionnaireResponse.record(self.alice, "acr2016", ACR)
        QuestionnaireResponse.record(self.alice, "fiqr", FIQR)
        QuestionnaireResponse.record(self.alice, "peg", PEG)
        QuestionnaireResponse.record(self.alice, "mtps", MTPS)

    def _empty_alice(self) -> None:
        for res in RESOURCES.values():
            res.model.objects.filter(person=self.alice).delete()
        QuestionnaireResponse.objects.filter(person=self.alice).delete()

    def test_it_validates_every_resource_with_fhir_resources(self) -> None:
        bundle = export_bundle(self.alice)
        Bundle.model_validate(bundle)
        kinds = set()
        for entry in bundle["entry"]:
            resource = entry["resource"]
            kinds.add(resource["resourceType"])
            get_fhir_model_class(resource["resourceType"]).model_validate(resource)
        assert kinds == {
            "Patient",
            "Observation",
            "MedicationStatement",
            "Procedure",
            "Questionnaire",
            "QuestionnaireResponse",
        }
        assert bundle["type"] == "collection"

    def test_it_exports_a_pseudonymous_patient(self) -> None:
        (patient,) = _resources(export_bundle(self.alice), "Patient")
        assert "name" not in patient
        assert patient["identifier"][0]["value"] == pseudonym(self.alice)
        assert str(self.alice.code) not in str(patient)
        assert pseudonym(self.alice) != pseudonym(self.charlie)

    def test_it_codes_pain_with_loinc_and_body_sites_with_snomed_where_known(self) -> None:
        obs = _resources(export_bundle(self.alice), "Observation")
        regions = [o for o in obs if o["code"]["coding"][0].get("code") == "72514-3"]
        sites = {o["bodySite"]["coding"][0]["code"]: o["bodySite"]["coding"] for o in regions}
        assert {o["valueInteger"] for o in regions} == {4, 6, 2}
        # vertex is within the head (SNOMED 69536005); ribs_side has no verified code.
        assert sites["vertex"][1] == {
            "system": "http://snomed.info/sct",
            "code": "69536005",
            "display": "Head",
        }
        assert len(sites["ribs_side_left"]) == 1
        assert (
            sites["ribs_side_left"][0]["system"]
            == "https://spasmtrack.org/fhir/CodeSystem/body-region"
        )

    def test_it_sorts_treatments_into_medication_statements_and_procedures(self) -> None:
        bundle = export_bundle(self.alice)
        meds = {
            r["medicationCodeableConcept"]["text"]
            for r in _resources(bundle, "MedicationStatement")
        }
        procs = {r["code"]["text"] for r in _resources(bundle, "Procedure")}
        assert meds == {"Cherry juice", "Muscle relaxant"}
        assert procs == {"Heat"}

    def test_it_exports_the_tender_point_exam_as_a_questionnaire_response(self) -> None:
        bundle = export_bundle(self.alice)
        (q,) = [r for r in _resources(bundle, "Questionnaire") if r["id"] == "spasmtrack-mtps"]
        assert "not a diagnosis" in q["description"]
        (qr,) = [
            r
            for r in _resources(bundle, "QuestionnaireResponse")
            if r["questionnaire"].endswith("mtps")
        ]
        get_fhir_model_class("QuestionnaireResponse").model_validate(qr)
        ratings, algometer = qr["item"]
        knee = next(i for i in ratings["item"] if i["linkId"] == "ratings.knee_left")
        assert knee["answer"] == [{"valueInteger": 7}]
        given = {i["linkId"]: i["answer"] for i in algometer["item"] if "answer" in i}
        assert given == {
            "algometer.trapezius_left": [{"valueDecimal": 2.5}],
            "algometer.knee_left": [{"valueDecimal": 3.25}],
        }
        self._empty_alice()
        import_bundle(self.alice, bundle)
        saved = QuestionnaireResponse.objects.get(person=self.alice, kind="mtps")
        assert saved.answers == MTPS
        assert saved.scores()["tender_sites"] == 18

    def test_it_round_trips_into_an_empty_diary(self) -> None:
        first = export_bundle(self.alice)
        self._empty_alice()
        counts = import_bundle(self.alice, first)
        assert counts["muscle-events"] == 2 and counts["questionnaire-responses"] == 4
        assert _content(export_bundle(self.alice)) == _content(first)

    def test_it_refuses_a_bad_bundle_naming_the_entry_and_writes_nothing(self) -> None:
        bundle = export_bundle(self.alice)
        self._empty_alice()
        events = [
            i
            for i, e in enumerate(bundle["entry"])
            if e["resource"].get("meta", {}).get("tag", [{}])[0].get("code") == "muscle-events"
        ]
        bad = events[-1]
        component = bundle["entry"][bad]["resource"]["component"][0]
        component["valueCodeableConcept"]["coding"][0]["code"] = "wing_left"
        with self.assertRaises(FhirImportRefused) as caught:
            import_bundle(self.alice, bundle, where="b.json")
        assert f"b.json entry {bad}: muscle-events" in str(caught.exception)
        assert "wing_left" in str(caught.exception)
        assert MuscleEvent.objects.count() == 0 and PainDrawing.objects.count() == 0
        assert not QuestionnaireResponse.objects.exists()

    def test_it_refuses_resources_it_cannot_map(self) -> None:
        foreign = {
            "resourceType": "Bundle",
            "type": "collection",
            "entry": [
                {
                    "resource": {
                        "resourceType": "Observation",
                        "status": "final",
                        "code": {"text": "x"},
                    }
                }
            ],
        }
        with self.assertRaises(FhirImportRefused) as caught:
            import_bundle(self.alice, foreign, where="f.json")
        assert "f.json entry 0: Observation has no Spasmtrack entry-kind tag" in str(
            caught.exception
        )
        with self.assertRaises(FhirImportRefused):
            import_bundle(self.alice, {"resourceType": "Patient"})

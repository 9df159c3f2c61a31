"""The native export holds every kind of data a person has, and round-trips all of it."""

from __future__ import annotations

import copy
import io
import json
import zipfile
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from spasmtrack.accounts.models import Person
from spasmtrack.cycle.services import log_period_day, set_enabled
from spasmtrack.diary.entries import RESOURCES, create_entry
from spasmtrack.diary.models import Habit, MuscleEvent, Treatment
from spasmtrack.interop import backup as bk
from spasmtrack.interop.native import (
    SECTIONS,
    ImportRefused,
    delete_person_data,
    export_csv_zip,
    export_document,
    has_data,
    import_document,
    read_csv_zip,
)
from spasmtrack.measures.models import DailyMetric, WeatherSettings
from spasmtrack.nutrition.intakes import log_intake
from spasmtrack.nutrition.lifestyle import record_change
from spasmtrack.nutrition.models import ChecklistStatus, NutritionProfile
from spasmtrack.questionnaires.models import QuestionnaireResponse
from spasmtrack.reminders.models import ReminderSettings
from spasmtrack.reports.models import VisitQuestions
from spasmtrack.test import BaseTestCase
from spasmtrack.trials.days import record_answer
from spasmtrack.trials.design import check_design, create_trial
from spasmtrack.trials.models import Trial, TrialEvent

TODAY = date(2026, 3, 2)
PEG = {"pain": 5, "enjoyment": 6, "activity": 7}
ACR = {
    "pain_areas": ["jaw_left", "upper_arm_left", "shoulder_girdle_left"],
    "fatigue": 2,
    "waking_unrefreshed": 3,
    "cognitive": 1,
    "headaches": 1,
    "lower_abdominal": 0,
    "depression": 0,
    "symptoms_3_months": True,
}


def _strip(doc: dict[str, Any]) -> dict[str, Any]:
    doc = copy.deepcopy(doc)
    doc.pop("exported_at")
    return doc


def _trial(person: Person, b: str, outcome: str = "spasm_burden") -> Trial:
    data = {"treatment_a": "heat", "treatment_b": b, "outcome": outcome, "start": TODAY}
    trial, _ = create_trial(person, check_design(person, data, TODAY), TODAY)
    return trial


# Person-owned models that export, backup, restore and delete_person_data leave out, on
# purpose. Anything else that points at a Person (directly or through its foreign keys) must
# be the model of an export section, or test_it_covers_every_person_owned_model fails.
NOT_EXPORTED = {
    # Credentials: a backup must not carry working API access; restore issues none.
    "accounts.ApiToken",
    # Who may see the diary is between accounts of this install (the clinician's account
    # exists only here); a restore does not grant or revoke anyone's access.
    "accounts.Grant",
    # The audit trail records who saw what: it outlives restore --replace and deletion.
    "accounts.AuditEvent",
    # Stored answers of retried API requests (kept 90 days): transport state, not data.
    "accounts.IdempotentRequest",
    # A counter in the insights cache key, rebuilt from the diary as it changes.
    "insights.DiaryVersion",
    # A browser's push subscription (endpoint and keys of one device): the phone subscribes
    # again after a restore. The delivery outbox is transport state.
    "reminders.PushSubscription",
    "reminders.Delivery",
    # Share links are access, like grants: a restore must not reopen a revoked or expired
    # link (and only the token's hash is stored, so it could not be shown again anyway).
    "sharing.ShareLink",
}


def _owner_path(model: type[Any], seen: frozenset[type[Any]] = frozenset()) -> str | None:
    """The lookup from `model` to the Person it belongs to ("person", "trial__person"), or
    None when no chain of foreign keys leads to a Person. Read from the models alone, not
    from the export sections, so the two are checked against each other."""
    fks = [f for f in model._meta.concrete_fields if f.many_to_one or f.one_to_one]
    for f in fks:
        if f.related_model is Person:
            return str(f.name)
    for f in fks:
        if f.related_model not in seen | {model}:
            sub = _owner_path(f.related_model, seen | {model})
            if sub:
                return f"{f.name}__{sub}"
    return None


def _person_owned() -> dict[str, tuple[type[Any], str]]:
    from django.apps import apps

    out = {}
    for model in apps.get_models():
        path = _owner_path(model)
        if model is not Person and path is not None:
            out[model._meta.label] = (model, path)
    return out


class CompleteExportTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        a = self.alice
        own = Treatment.add_custom(a, name="Cherry juice", category="nutrition")
        walk = Habit.add_custom(a, name="Evening walk", kind="yes_no")
        create_entry(
            a,
            RESOURCES["muscle-events"],
            {"kind": "spasm", "intensity": 6, "regions": ["calf_left"], "notes": 'said "ow",'},
        )
        create_entry(a, RESOURCES["pain-drawings"], {"regions": {"vertex": 6}})
        create_entry(
            a, RESOURCES["checkins"], {"local_date": "2026-03-01", "overall_pain": 5, "activity": 7}
        )
        create_entry(a, RESOURCES["treatment-logs"], {"treatment": own.key, "amount": 250})
        create_entry(
            a, RESOURCES["habit-logs"], {"habit": "hours_sitting", "local_date": TODAY, "value": 5}
        )
        create_entry(
            a, RESOURCES["habit-logs"], {"habit": walk.key, "local_date": TODAY, "value": 1}
        )
        create_entry(
            a,
            RESOURCES["symptom-ratings"],
            {"name": "headache", "local_date": "2026-03-01", "value": 3, "scale_max": 4},
        )
        create_entry(
            a,
            RESOURCES["trigger-points"],
            {"muscle": "upper_trapezius", "side": "left", "tenderness": 7},
        )
        at = datetime(2026, 3, 1, 23, 30, tzinfo=UTC)  # already 2 March in Berlin
        QuestionnaireResponse.record(a, "peg", PEG, answered_at=at)
        QuestionnaireResponse.record(a, "acr2016", ACR, answered_at=at + timedelta(hours=1))
        VisitQuestions.save_for(a, "Could magnesium help?\nWhy, at night, the calf?")
        log_intake(a, {"food_id": self.food(), "unit": "serving", "amount": 1.5, "at": at})
        log_intake(a, {"nutrient": "vitamin_d", "unit": "IU", "amount": 1000, "notes": "drops"})
        NutritionProfile.objects.create(person=a, age=44, sex="female")
        ChecklistStatus.set(a, "monitor_height", "done", TODAY)
        ChecklistStatus.set(a, "feet_supported", "not_relevant", TODAY)
        record_change(a, {"title": "New pillow", "category": "sleep", "local_date": TODAY})
        self.trial = _trial(a, own.key, outcome="symptom:headache")
        record_answer(self.trial, TODAY, True, TODAY + timedelta(days=1))
        record_answer(self.trial, TODAY, False, TODAY + timedelta(days=1))
        self.trial.record(TrialEvent.Kind.PAUSED, TODAY + timedelta(days=2), reason="a cold")
        DailyMetric.objects.create(
            person=a, local_date=TODAY, metric="steps", value=8123.0, source="apple-health"
        )
        DailyMetric.objects.create(
            person=a, local_date=TODAY, metric="own_metric", value=2.5, unit="=cups"
        )  # formula-like cells round-trip in CSV
        ReminderSettings.objects.create(
            person=a, since=TODAY, peg_weeks=2, by_email=True, email="alice@example.org"
        )
        WeatherSettings.objects.create(
            person=a, enabled=True, place="Leeds", latitude=53.8, longitude=-1.5
        )
        set_enabled(a, True)
        log_period_day(a, TODAY - timedelta(days=29))
        log_period_day(a, TODAY - timedelta(days=28))

        c = self.charlie
        QuestionnaireResponse.record(c, "peg", {"pain": 1, "enjoyment": 1, "activity": 1})
        VisitQuestions.save_for(c, "charlie's secret question")
        log_intake(c, {"nutrient": "magnesium", "unit": "mg", "amount": 300})
        record_change(c, {"title": "charlie's desk", "local_date": TODAY})
        self.charlie_trial = _trial(c, self.ice())
        record_answer(self.charlie_trial, TODAY, True, TODAY)
        DailyMetric.objects.create(person=c, local_date=TODAY, metric="steps", value=1.0)
        ReminderSettings.objects.create(person=c, since=TODAY)
        WeatherSettings.objects.create(person=c, place="Boston")
        set_enabled(c, False)
        log_period_day(c, TODAY - timedelta(days=3))

    def food(self) -> str:
        from spasmtrack.core.catalogue import foods

        return next(iter(foods()))

    def ice(self) -> str:
        Treatment.objects.get_or_create(
            key="ice", defaults={"name": "Ice", "category": "home", "unit": "min"}
        )
        return "ice"

    def test_it_has_a_row_in_every_section_for_this_fixture(self) -> None:
        # Guards the round-trip tests below: a section added later without test data fails here.
        doc = export_document(self.alice)
        assert [s.key for s in SECTIONS if not doc[s.key]] == []
        assert json.loads(json.dumps(doc)) == doc  # JSON-ready as it is

    def test_it_keeps_the_trial_seed_and_the_questionnaire_ids(self) -> None:
        doc = export_document(self.alice)
        assert doc["trials"][0]["seed"] == self.trial.seed
        codes = {str(r.code) for r in QuestionnaireResponse.objects.filter(person=self.alice)}
        assert {r["id"] for r in doc["questionnaire-responses"]} == codes
        kinds = [e["kind"] for e in doc["trial-events"]]
        assert kinds == ["created", "past_day_edit", "past_day_edit", "paused"]

    def test_it_never_exports_charlies_data_for_alice(self) -> None:
        text = json.dumps(export_document(self.alice))
        assert "charlie" not in text
        assert str(self.charlie_trial.code) not in text
        for r in QuestionnaireResponse.objects.filter(person=self.charlie):
            assert str(r.code) not in text
        doc = export_document(self.alice)
        assert len(doc["intakes"]) == 2 and len(doc["trials"]) == 1
        assert len(doc["adherence-answers"]) == 2

    def test_it_round_trips_json(self) -> None:
        doc = export_document(self.alice)
        delete_person_data(self.alice)
        assert not has_data(self.alice)
        assert Trial.objects.filter(person=self.charlie).count() == 1  # charlie's untouched
        counts = import_document(self.alice, copy.deepcopy(doc), where="all.json")
        assert counts["trial-events"] == 4 and counts["questionnaire-responses"] == 2
        assert _strip(export_document(self.alice)) == _strip(doc)

    def test_it_round_trips_a_csv_zip_with_one_csv_per_section(self) -> None:
        doc = export_document(self.alice)
        data = export_csv_zip(self.alice)
        names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
        assert names == {"export.json"} | {f"{s.key}.csv" for s in SECTIONS}
        delete_person_data(self.alice)
        import_document(self.alice, read_csv_zip(data))
        assert _strip(export_document(self.alice)) == _strip(doc)

    def test_it_round_trips_through_an_encrypted_backup(self) -> None:
        doc = export_document(self.alice)
        data = bk.backup_bytes(self.alice, "correct horse battery staple")
        delete_person_data(self.alice)
        bk.restore(self.alice, bk.read_backup(data, "correct horse battery staple"))
        assert _strip(export_document(self.alice)) == _strip(doc)

    def test_it_keeps_the_importers_time_zone_and_the_exported_days(self) -> None:
        doc = export_document(self.alice)
        delete_person_data(self.alice)
        self.alice.tz = "America/New_York"
        self.alice.save()
        import_document(self.alice, copy.deepcopy(doc))
        self.alice.refresh_from_db()
        assert self.alice.tz == "America/New_York" and doc["tz"] == "Europe/Berlin"
        # 23:30 UTC on 1 March was 2 March in Berlin, and stays so.
        peg = QuestionnaireResponse.objects.get(person=self.alice, kind="peg")
        assert peg.local_date == date(2026, 3, 2)

    def test_it_refuses_a_bad_row_in_any_section_and_writes_nothing(self) -> None:
        base = export_document(self.alice)
        delete_person_data(self.alice)
        cases: list[tuple[str, Any, str]] = [
            ("questionnaire-responses", ("answers", "pain", 11), r"row 1: pain: "),
            ("questionnaire-responses", ("kind", None, "sf36"), r"row 1: kind: unknown"),
            ("intakes", ("amount", None, 5000), r"row 1: amount: .*typo"),
            ("changes", ("category", None, "cosmic"), r"row 1: category: "),
            ("checklist", ("item", None, "desk_on_the_moon"), r"row 1: .*unknown checklist item"),
            ("nutrition-profile", ("age", None, 12), r"row 1: age: "),
            ("trials", ("seed", None, None), r"row 1: seed: "),
            ("trials", ("treatment_b", None, "nope"), r"row 1: .*unknown treatment 'nope'"),
            ("trials", ("status", None, "exploded"), r"row 1: status: "),
            ("trial-events", ("kind", None, "exploded"), r"row 1: kind: unknown"),
            ("trial-events", ("trial", None, "charlie"), r"row 1: trial: no experiment"),
            ("adherence-answers", ("local_date", None, "2020-01-01"), r"row 1: .*not a day"),
            ("adherence-answers", ("asked_about", None, "flip"), r"row 1: asked_about: "),
            ("visit-questions", ("text", None, "x" * 2001), r"row 1: text: "),
            ("period-days", ("local_date", None, "2999-01-01"), r"row 1: local_date: "),
            ("period-days", ("local_date", None, None), r"row 1: local_date missing"),
            ("cycle-settings", ("enabled", None, "maybe"), r"row 1: enabled: "),
        ]
        for key, (field, sub, value), reason in cases:
            with self.subTest(key=key, field=field):
                doc = copy.deepcopy(base)
                row = doc[key][0]
                if value == "charlie":
                    value = str(self.charlie_trial.code)
                if value == "flip":
                    value = {"A": "B", "B": "A"}[row[field]]
                if sub is not None:
                    row[field][sub] = value
                elif value is None:
                    del row[field]
                else:
                    row[field] = value
                with pytest.raises(ImportRefused, match=rf"^x\.json: {key} {reason}"):
                    import_document(self.alice, doc, where="x.json")
                assert not has_data(self.alice)
                assert MuscleEvent.objects.filter(person=self.alice).count() == 0

    def test_it_refuses_a_second_profile_or_notepad_row(self) -> None:
        doc = export_document(self.alice)
        delete_person_data(self.alice)
        doc["visit-questions"].append(dict(doc["visit-questions"][0]))
        with pytest.raises(ImportRefused, match=r"visit-questions row 2: a person has only one"):
            import_document(self.alice, doc)
        assert not has_data(self.alice)

    def test_it_refuses_records_that_already_exist_and_never_overwrites(self) -> None:
        doc = export_document(self.alice)
        only = {k: doc[k] for k in ("format", "version", "tz")}
        with pytest.raises(ImportRefused, match="questionnaire response .* already exists"):
            import_document(
                self.alice, {**only, "questionnaire-responses": doc["questionnaire-responses"]}
            )
        with pytest.raises(ImportRefused, match="experiment .* already exists"):
            import_document(self.alice, {**only, "trials": doc["trials"]})
        other = [{"text": "something else"}]
        with pytest.raises(ImportRefused, match="already have visit questions that differ"):
            import_document(self.alice, {**only, "visit-questions": other})
        assert VisitQuestions.objects.text_for(self.alice).startswith("Could magnesium")
        # The same value again is no conflict.
        import_document(self.alice, {**only, "visit-questions": doc["visit-questions"]})
        import_document(self.alice, {**only, "checklist": doc["checklist"]})

    def test_it_imports_an_older_document_without_the_new_sections(self) -> None:
        doc = {"format": "spasmtrack-export", "version": 1, "tz": "UTC"}
        doc["checkins"] = [{"local_date": "2026-01-05", "mood": 4}]  # type: ignore[assignment]
        counts = import_document(self.charlie, doc)
        assert counts["checkins"] == 1 and counts["trials"] == 0

    # Every person-owned model is exported (so in every backup), imported (so restored) and
    # deleted by delete_person_data (restore --replace), or on the commented allow-list.

    def test_it_covers_every_person_owned_model(self) -> None:
        owned = _person_owned()
        exported = {s.stored(self.alice).model._meta.label for s in SECTIONS}
        missing = set(owned) - exported - NOT_EXPORTED
        assert missing == set(), f"person-owned models no export section covers: {missing}"
        assert set(owned) >= NOT_EXPORTED, "the allow-list names a model that is not owned"
        assert NOT_EXPORTED.isdisjoint(exported), "an allow-listed model is exported after all"

    def test_it_deletes_every_exported_model_and_only_the_persons(self) -> None:
        owned = _person_owned()
        exported = {s.stored(self.alice).model._meta.label for s in SECTIONS}

        def count(person: Person) -> dict[str, int]:
            return {
                label: owned[label][0]._default_manager.filter(**{owned[label][1]: person}).count()
                for label in sorted(exported)
            }

        before, charlies = count(self.alice), count(self.charlie)
        assert [label for label, n in before.items() if n == 0] == []  # the fixture has each
        delete_person_data(self.alice)
        assert count(self.alice) == dict.fromkeys(before, 0)
        assert count(self.charlie) == charlies
        doc = export_document(self.alice)
        assert all(doc[s.key] == [] for s in SECTIONS if not s.catalogue)

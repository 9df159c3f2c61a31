"""The questionnaire descriptors (`questionnaires.kinds.QUESTIONNAIRES`) are the one list:
the model's choices, the API's `kind`, the forms, the FHIR Questionnaires and the pages all
read it, so none can list a questionnaire the others miss."""

from __future__ import annotations

import dataclasses
from typing import get_args

import pytest

from spasmtrack.core.questionnaires import definitions
from spasmtrack.exchange.fhir_kit import collect
from spasmtrack.questionnaires import api, kinds
from spasmtrack.questionnaires.fhir import LAYOUTS, questionnaire_resources
from spasmtrack.questionnaires.forms import FORMS, ItemsForm, form_for
from spasmtrack.questionnaires.models import QuestionnaireResponse
from spasmtrack.test import BaseTestCase


class QuestionnaireDescriptorsTestCase(BaseTestCase):
    def test_every_door_lists_exactly_the_descriptors(self) -> None:
        keys = [q.key for q in kinds.QUESTIONNAIRES]
        assert len(set(keys)) == len(keys)
        field = QuestionnaireResponse._meta.get_field("kind")
        assert [k for k, _ in field.choices] == keys
        assert all(len(k) <= field.max_length for k in keys)  # else widen it (a migration)
        assert list(get_args(api.Kind)) == keys
        assert list(FORMS) == keys
        assert all(FORMS[k].kind == k for k in keys)
        fhir = [r["id"].removeprefix("spasmtrack-") for r in questionnaire_resources()]
        assert fhir == keys

    def test_each_descriptor_names_what_exists(self) -> None:
        known = definitions()["questionnaires"]
        for q in kinds.QUESTIONNAIRES:
            assert q.key in known, q.key  # its items in knowledge/questionnaires.json
            assert q.layout in LAYOUTS, q.key
            assert q.headline in {line[0] for line in q.lines}, q.key

    def test_the_pages_show_each_one(self) -> None:
        self.client.force_login(self.alice_user)
        r = self.client.get("/questionnaires/")
        for q in kinds.QUESTIONNAIRES:
            self.assertContains(r, q.about)
            assert self.client.get(f"/questionnaires/{q.key}/").status_code == 200, q.key

    def test_fhir_skips_the_definitions_on_import(self) -> None:
        (kind,) = [k for k in collect() if k.tag == "questionnaire-responses"]
        assert kind.definition_type == "Questionnaire"


def test_a_questionnaire_of_0_to_10_items_gets_its_form_from_the_descriptor() -> None:
    peg = kinds.BY_KEY["peg"]
    assert peg.form_name == "" and issubclass(FORMS["peg"], ItemsForm)
    items = definitions()["questionnaires"]["peg"]["items"]
    form = FORMS["peg"]({"pain": "7", "enjoyment": "5", "activity": "11"})
    assert list(form.fields) == [i["id"] for i in items]
    assert (
        form.fields["pain"].label == "Average pain (0 no pain – 10 pain as bad as you can imagine)"
    )
    assert [s.title for s in form.sections()] == ["In the past week"]
    assert not form.is_valid() and list(form.errors) == ["activity"]  # 0-10 only
    ok = FORMS["peg"]({"pain": "7", "enjoyment": "5", "activity": "6"})
    assert ok.is_valid() and ok.to_answers() == {"pain": 7, "enjoyment": 5, "activity": 6}
    # Another layout cannot be derived: it names its own form class.
    with pytest.raises(LookupError, match="needs a form_name"):
        form_for(dataclasses.replace(kinds.BY_KEY["fiqr"], form_name=""))

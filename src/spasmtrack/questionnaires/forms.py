"""Questionnaire forms. They reshape what a person ticked into the core scoring input shape;
the validation that matters happens in core scoring (shared with the API and the CLI), and
its errors are mapped back onto the form's fields."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django import forms

from spasmtrack.core.questionnaires import QuestionnaireError, definitions
from spasmtrack.diary.forms import NrsField
from spasmtrack.questionnaires.kinds import QUESTIONNAIRES, Questionnaire


def _q(name: str) -> dict[str, Any]:
    q: dict[str, Any] = definitions()["questionnaires"][name]
    return q


@dataclass
class Section:
    title: str
    help: str
    fields: list[Any]  # bound fields


class QuestionnaireForm(forms.Form):
    """Common part: sections for the template and core errors mapped onto fields."""

    kind = ""

    def sections(self) -> list[Section]:
        raise NotImplementedError

    def to_answers(self) -> dict[str, Any]:
        raise NotImplementedError

    def field_for_item(self, item: str) -> str | None:
        """The form field for a core item name ("function[3]" -> "function_3"), if any."""
        name = re.sub(r"\[(\d+)\]$", r"_\1", item)
        return name if name in self.fields else None

    def add_questionnaire_error(self, e: QuestionnaireError) -> None:
        field = self.field_for_item(e.item)
        if field:
            self.add_error(field, e.reason)
        else:
            self.add_error(None, f"{e.item.replace('_', ' ').capitalize()}: {e.reason}")


def _scale_choices(anchors: dict[str, str]) -> list[tuple[int, str]]:
    return [(int(k), f"{k}: {v}") for k, v in sorted(anchors.items(), key=lambda kv: int(kv[0]))]


class Acr2016Form(QuestionnaireForm):
    kind = "acr2016"

    def __init__(self, *args: Any, prefilled: bool = False, **kw: Any) -> None:
        super().__init__(*args, **kw)
        q = _q("acr2016")
        help_text = ""
        if prefilled:
            help_text = (
                "Prefilled from your pain drawings of the last 7 days — please confirm: "
                "tick or untick anything that does not match your past week."
            )
        self.fields["pain_areas"] = forms.MultipleChoiceField(
            required=False,
            label=q["wpi"]["question"],
            choices=[(a["id"], a["label"]) for a in q["wpi"]["areas"]],
            widget=forms.CheckboxSelectMultiple(attrs={"class": "areas"}),
            help_text=help_text,
        )
        part_a, part_b = q["sss"]["part_a"], q["sss"]["part_b"]
        for item in part_a["items"]:
            self.fields[item["id"]] = forms.TypedChoiceField(
                label=f"{item['label']}: how much of a problem in the past week?",
                choices=_scale_choices(part_a["anchors"]),
                coerce=int,
                widget=forms.RadioSelect(attrs={"class": "scale"}),
            )
        for item in part_b["items"]:
            self.fields[item["id"]] = forms.TypedChoiceField(
                label=f"{item['label']} in the previous 6 months?",
                choices=[(0, "No"), (1, "Yes")],
                coerce=int,
                widget=forms.RadioSelect(attrs={"class": "choice"}),
            )
        self.fields["symptoms_3_months"] = forms.TypedChoiceField(
            label=f"{q['duration']['label']}?",
            choices=[("yes", "Yes"), ("no", "No")],
            coerce=lambda v: v == "yes",
            widget=forms.RadioSelect(attrs={"class": "choice"}),
        )

    def sections(self) -> list[Section]:
        part_a = [i["id"] for i in _q("acr2016")["sss"]["part_a"]["items"]]
        part_b = [i["id"] for i in _q("acr2016")["sss"]["part_b"]["items"]]
        return [
            Section(
                "Where did you have pain?",
                "Past week. Tick every area that hurt.",
                [self["pain_areas"]],
            ),
            Section(
                "Symptoms in the past week",
                "0 = no problem, 3 = severe.",
                [self[n] for n in part_a],
            ),
            Section("In the previous 6 months", "", [self[n] for n in part_b]),
            Section("How long?", "", [self["symptoms_3_months"]]),
        ]

    def to_answers(self) -> dict[str, Any]:
        d = self.cleaned_data
        answers: dict[str, Any] = {"pain_areas": list(d["pain_areas"])}
        for name in self.fields:
            if name != "pain_areas":
                answers[name] = d[name]
        return answers


def _nrs_label(label: str, anchors: dict[str, str]) -> str:
    return f"{label} (0 {anchors['0']} – 10 {anchors['10']})"


class FiqrForm(QuestionnaireForm):
    kind = "fiqr"

    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        for domain in _q("fiqr")["domains"]:
            for i, item in enumerate(domain["items"], start=1):
                anchors = item.get("anchors") or domain["anchors"]
                # One function item may be left blank: core pro-rates it (FIQR rules).
                self.fields[f"{domain['id']}_{i}"] = NrsField(
                    label=_nrs_label(item["label"], anchors),
                    required=domain["id"] != "function",
                    empty_value=None,
                )

    def sections(self) -> list[Section]:
        q = _q("fiqr")
        helps = {
            "function": "How hard was each activity in the past 7 days? "
            + q["instruction_function"]
            + " You may skip one.",
            "overall": "How often, in the past 7 days?",
            "symptoms": "How bad was each, in the past 7 days?",
        }
        return [
            Section(
                d["label"],
                helps[d["id"]],
                [self[f"{d['id']}_{i}"] for i in range(1, d["n_items"] + 1)],
            )
            for d in q["domains"]
        ]

    def to_answers(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            dom["id"]: [d.get(f"{dom['id']}_{i}") for i in range(1, dom["n_items"] + 1)]
            for dom in _q("fiqr")["domains"]
        }


class ItemsForm(QuestionnaireForm):
    """A questionnaire of 0-10 items (the descriptor's layout "items"), read from its items in
    knowledge/questionnaires.json: one 0-10 field per item, labelled with its anchors, in one
    section for the recall period ("In the past week"). `form_for` makes one per descriptor
    (the PEG's), so such a questionnaire needs no form class of its own."""

    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        for item in _q(self.kind)["items"]:
            self.fields[item["id"]] = NrsField(label=_nrs_label(item["label"], item["anchors"]))

    def sections(self) -> list[Section]:
        recall = _q(self.kind)["recall"]
        return [Section(f"In the {recall}", "", [self[n] for n in self.fields])]

    def to_answers(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.fields}


# --- tender-point self-pressure exam -------------------------------------------------------

ALGOMETER_MAX = 15


def mtps_groups() -> list[tuple[int, str, list[dict[str, Any]]]]:
    """The exam's sites grouped as the person presses them: (number, name, items), the
    forehead control first, then each left/right pair, in the protocol's order."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for item in _q("mtps")["items"]:
        groups.setdefault(item["id"].removesuffix("_left").removesuffix("_right"), []).append(item)
    return [
        (n, items[0]["label"].rsplit(" (", 1)[0], items)
        for n, items in enumerate(groups.values(), start=1)
    ]


class MtpsForm(QuestionnaireForm):
    """0-10 pain of firm pressure at each site, and an optional algometer reading in kg/cm2."""

    kind = "mtps"

    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        anchors = _q("mtps")["item_scale"]["anchors"]
        for _, _, items in mtps_groups():
            for item in items:
                self.fields[f"rating_{item['id']}"] = NrsField(
                    label=_nrs_label(f"Pain when pressing: {item['label']}", anchors)
                )
                self.fields[f"algometer_{item['id']}"] = forms.DecimalField(
                    label=f"Algometer, {item['label']} (kg/cm², optional)",
                    required=False,
                    min_value=0,
                    max_value=ALGOMETER_MAX,
                    decimal_places=2,
                    widget=forms.NumberInput(attrs={"step": "0.1", "inputmode": "decimal"}),
                )

    def sections(self) -> list[Section]:
        out = []
        for n, name, items in mtps_groups():
            fields = [self[f"rating_{i['id']}"] for i in items]
            fields += [self[f"algometer_{i['id']}"] for i in items]
            out.append(Section(f"{n}. {name}", f"Where: {items[0]['where']}.", fields))
        return out

    def field_for_item(self, item: str) -> str | None:
        """Core names items "ratings[knee_left]" / "algometer[knee_left]"."""
        m = re.fullmatch(r"(ratings|algometer)\[(\w+)\]", item)
        if not m:
            return super().field_for_item(item)
        name = f"{'rating' if m.group(1) == 'ratings' else 'algometer'}_{m.group(2)}"
        return name if name in self.fields else None

    def to_answers(self) -> dict[str, Any]:
        d = self.cleaned_data
        ratings, algometer = {}, {}
        for _, _, items in mtps_groups():
            for item in items:
                ratings[item["id"]] = d.get(f"rating_{item['id']}")
                reading = d.get(f"algometer_{item['id']}")
                if reading is not None:
                    algometer[item["id"]] = float(reading)
        return {"ratings": ratings, "algometer": algometer}


def form_for(q: Questionnaire) -> type[QuestionnaireForm]:
    """The descriptor's form: its own class (`form_name`), else derived from its layout."""
    if q.form_name:
        form: type[QuestionnaireForm] = globals()[q.form_name]
        return form
    if q.layout != "items":
        raise LookupError(f"{q.key}: a {q.layout!r} layout needs a form_name")
    return type(f"{q.key.capitalize()}Form", (ItemsForm,), {"kind": q.key})


# Each descriptor's form (questionnaires.kinds.QUESTIONNAIRES).
FORMS: dict[str, type[QuestionnaireForm]] = {q.key: form_for(q) for q in QUESTIONNAIRES}
PegForm = FORMS["peg"]

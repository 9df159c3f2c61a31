"""The questionnaires' FHIR resources (see `spasmtrack.interop.fhir_kit` for the protocol):
one Questionnaire per instrument (ACR 2016, FIQR, PEG, and the tender-point self-pressure exam
"mtps") from knowledge/questionnaires.json, and the person's QuestionnaireResponses (the exam:
an integer 0-10 item per site and an optional decimal kg/cm2 algometer item per site).
Import records the answers through `QuestionnaireResponse.record`, which scores them first.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from spasmtrack.accounts.models import Person
from spasmtrack.core.questionnaires import definitions
from spasmtrack.interop.fhir_kit import (
    Ctx,
    FhirKind,
    FhirResource,
    Reference,
    Refuse,
    base,
    codes,
    day_ext,
    ext_value,
    instant,
    system,
    tag,
)
from spasmtrack.questionnaires.models import QuestionnaireResponse

QUESTIONNAIRES = ("acr2016", "fiqr", "peg", "mtps")


def _answer_items(q: dict[str, Any], name: str) -> list[dict[str, Any]]:
    """Questionnaire items from the knowledge file: one integer question per scored item."""

    def item(link: str, text: str, low: int, high: int) -> dict[str, Any]:
        return {
            "linkId": link,
            "text": text,
            "type": "integer",
            "required": False,
            "extension": [
                {"url": "http://hl7.org/fhir/StructureDefinition/minValue", "valueInteger": low},
                {"url": "http://hl7.org/fhir/StructureDefinition/maxValue", "valueInteger": high},
            ],
        }

    if name == "acr2016":
        wpi = q["wpi"]
        sss = q["sss"]
        groups = [
            {
                "linkId": "wpi",
                "text": wpi["question"],
                "type": "group",
                "item": [
                    {"linkId": f"wpi.{a['id']}", "text": a["label"], "type": "boolean"}
                    for a in wpi["areas"]
                ],
            },
            {
                "linkId": "sss",
                "text": sss["title"],
                "type": "group",
                "item": [
                    item(f"sss.{i['id']}", i["label"], i["min"], i["max"])
                    for part in ("part_a", "part_b")
                    for i in sss[part]["items"]
                ],
            },
            {"linkId": q["duration"]["id"], "text": q["duration"]["label"], "type": "boolean"},
        ]
        return groups
    if name == "mtps":
        scale, unit = q["item_scale"], q["algometer"]["unit"]
        return [
            {
                "linkId": "ratings",
                "text": "Pain of firm pressure (about 4 kg), 0-10",
                "type": "group",
                "item": [
                    item(f"ratings.{i['id']}", i["label"], scale["min"], scale["max"])
                    for i in q["items"]
                ],
            },
            {
                "linkId": "algometer",
                "text": f"Pressure algometer reading ({unit}), optional",
                "type": "group",
                "item": [
                    {"linkId": f"algometer.{i['id']}", "text": i["label"], "type": "decimal"}
                    for i in q["items"]
                ],
            },
        ]
    if name == "fiqr":
        scale = q["item_scale"]
        return [
            {
                "linkId": d["id"],
                "text": d["label"],
                "type": "group",
                "item": [
                    item(f"{d['id']}.{i['id']}", i["label"], scale["min"], scale["max"])
                    for i in d["items"]
                ],
            }
            for d in q["domains"]
        ]
    scale = q["item_scale"]
    return [item(i["id"], i["label"], scale["min"], scale["max"]) for i in q["items"]]


def questionnaire_resources() -> list[dict[str, Any]]:
    """Questionnaire resources for ACR 2016, FIQR, PEG and the tender-point exam (short
    neutral item labels)."""
    defs = definitions()
    out = []
    loinc = codes()["loinc"]
    for name in QUESTIONNAIRES:
        q = defs["questionnaires"][name]
        cites = "; ".join(defs["sources"][s]["citation"] for s in q["sources"])
        coded: dict[str, Any] = {}
        if key := codes().get("questionnaire_loinc", {}).get(name):
            # The instrument's LOINC panel code, where a verified one exists (fhir_codes.json).
            c = loinc[key]
            coded["code"] = [
                {"system": system("loinc"), "code": c["code"], "display": c["display"]}
            ]
        out.append(
            {
                **coded,
                "resourceType": "Questionnaire",
                "id": f"spasmtrack-{name}",
                "url": system("questionnaire") + name,
                "name": name.upper(),
                "title": q["title"],
                "status": "active",
                "description": f"{q.get('use', 'Self-report questionnaire.')} Sources: {cites}",
                "item": _answer_items(q, name),
            }
        )
    return out


def _int_item(link: str, value: Any) -> dict[str, Any]:
    # A skipped item (FIQR allows one missing function item) is an item without an answer.
    return (
        {"linkId": link} if value is None else {"linkId": link, "answer": [{"valueInteger": value}]}
    )


def _bool_item(link: str, value: bool) -> dict[str, Any]:
    return {"linkId": link, "answer": [{"valueBoolean": value}]}


def response_items(kind: str, answers: dict[str, Any]) -> list[dict[str, Any]]:
    """QuestionnaireResponse items for answers in the core scoring input shape."""
    q = definitions()["questionnaires"][kind]
    if kind == "acr2016":
        painful = set(answers["pain_areas"])
        sss_ids = [i["id"] for part in ("part_a", "part_b") for i in q["sss"][part]["items"]]
        return [
            {
                "linkId": "wpi",
                "item": [
                    _bool_item(f"wpi.{a['id']}", a["id"] in painful) for a in q["wpi"]["areas"]
                ],
            },
            {"linkId": "sss", "item": [_int_item(f"sss.{i}", answers[i]) for i in sss_ids]},
            _bool_item(q["duration"]["id"], answers[q["duration"]["id"]]),
        ]
    if kind == "mtps":
        readings = answers["algometer"]
        return [
            {
                "linkId": "ratings",
                "item": [
                    _int_item(f"ratings.{i['id']}", answers["ratings"][i["id"]]) for i in q["items"]
                ],
            },
            {
                "linkId": "algometer",
                "item": [
                    {
                        "linkId": f"algometer.{i['id']}",
                        "answer": [{"valueDecimal": readings[i["id"]]}],
                    }
                    if readings.get(i["id"]) is not None
                    else {"linkId": f"algometer.{i['id']}"}
                    for i in q["items"]
                ],
            },
        ]
    if kind == "fiqr":
        return [
            {
                "linkId": d["id"],
                "item": [
                    _int_item(f"{d['id']}.{item['id']}", value)
                    for item, value in zip(d["items"], answers[d["id"]], strict=True)
                ],
            }
            for d in q["domains"]
        ]
    return [_int_item(i["id"], answers[i["id"]]) for i in q["items"]]


def _answer(item: dict[str, Any], key: str) -> Any:
    answers = item.get("answer") or []
    return answers[0].get(key) if answers else None


def response_answers(kind: str, items: list[dict[str, Any]]) -> dict[str, Any]:
    """The core scoring input shape from QuestionnaireResponse items (inverse of the above)."""
    flat: dict[str, dict[str, Any]] = {}
    for item in items:
        flat[item["linkId"]] = item
        for sub in item.get("item") or []:
            flat[sub["linkId"]] = sub
    q = definitions()["questionnaires"][kind]
    if kind == "acr2016":
        out: dict[str, Any] = {
            "pain_areas": [
                a["id"]
                for a in q["wpi"]["areas"]
                if _answer(flat.get(f"wpi.{a['id']}", {}), "valueBoolean")
            ]
        }
        for part in ("part_a", "part_b"):
            for i in q["sss"][part]["items"]:
                out[i["id"]] = _answer(flat.get(f"sss.{i['id']}", {}), "valueInteger")
        dur = q["duration"]["id"]
        out[dur] = _answer(flat.get(dur, {}), "valueBoolean")
        return out
    if kind == "mtps":
        algometer = {
            i["id"]: _answer(flat.get(f"algometer.{i['id']}", {}), "valueDecimal")
            for i in q["items"]
        }
        return {
            "ratings": {
                i["id"]: _answer(flat.get(f"ratings.{i['id']}", {}), "valueInteger")
                for i in q["items"]
            },
            "algometer": {k: v for k, v in algometer.items() if v is not None},
        }
    if kind == "fiqr":
        return {
            d["id"]: [
                _answer(flat.get(f"{d['id']}.{i['id']}", {}), "valueInteger") for i in d["items"]
            ]
            for d in q["domains"]
        }
    return {i["id"]: _answer(flat.get(i["id"], {}), "valueInteger") for i in q["items"]}


def _export_responses(person: Person, subject: Reference) -> list[FhirResource]:
    """The person's questionnaire responses."""
    out = []
    for r in QuestionnaireResponse.objects.filter(person=person).order_by("answered_at", "id"):
        res: dict[str, Any] = {
            "resourceType": "QuestionnaireResponse",
            "id": str(r.code),
            "meta": tag("questionnaire-responses"),
            "questionnaire": system("questionnaire") + r.kind,
            "status": "completed",
            "subject": subject,
            "authored": instant(person, r.answered_at),
            "item": response_items(r.kind, r.answers),
        }
        if ext := day_ext(person, r, r.answered_at):
            res["extension"] = ext
        out.append(res)
    return out


def _load_response(r: FhirResource, ctx: Ctx) -> None:
    person = ctx.person
    code = base(r)["id"]
    kind = str(r.get("questionnaire", "")).removeprefix(system("questionnaire"))
    if kind not in QUESTIONNAIRES:
        raise Refuse(f"unknown questionnaire {r.get('questionnaire')!r}")
    if QuestionnaireResponse.objects.filter(code=code).exists():
        raise Refuse(f"entry {code} already exists")
    answered_at = datetime.fromisoformat(str(r.get("authored")))
    if answered_at.tzinfo is None:
        raise Refuse("authored needs a time zone offset")
    saved = QuestionnaireResponse.record(
        person, kind, response_answers(kind, r.get("item") or []), answered_at
    )
    saved.code = uuid.UUID(code)
    fields = ["code"]
    if day := ext_value(r, "local-date", "valueDate"):
        saved.local_date = datetime.fromisoformat(day).date()
        fields.append("local_date")
    saved.save(update_fields=fields)


KINDS: tuple[FhirKind, ...] = (
    FhirKind(
        "questionnaire-responses",
        _export_responses,
        _load_response,
        definitions=questionnaire_resources,
        definition_type="Questionnaire",
    ),
)

"""The questionnaires' FHIR resources (see `spasmtrack.exchange.fhir_kit` for the protocol):
one Questionnaire per descriptor (`questionnaires.kinds.QUESTIONNAIRES`: ACR 2016, FIQR, PEG,
and the tender-point self-pressure exam "mtps") from knowledge/questionnaires.json, its items
laid out by the descriptor's `layout` (`LAYOUTS`), and the person's QuestionnaireResponses
(the exam: an integer 0-10 item per site and an optional decimal kg/cm2 algometer item per
site).
Import records the answers through `QuestionnaireResponse.record`, which scores them first.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from spasmtrack.accounts.models import Person
from spasmtrack.core.questionnaires import definitions
from spasmtrack.exchange import fhir_kit as kit
from spasmtrack.questionnaires import kinds
from spasmtrack.questionnaires.models import QuestionnaireResponse

Item = dict[str, Any]
Flat = dict[str, Item]  # a response's items by linkId, groups' items included


def _item(link: str, text: str, low: int, high: int) -> Item:
    """An integer question with its range."""
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


def _int_item(link: str, value: Any) -> Item:
    # A skipped item (FIQR allows one missing function item) is an item without an answer.
    return (
        {"linkId": link} if value is None else {"linkId": link, "answer": [{"valueInteger": value}]}
    )


def _bool_item(link: str, value: bool) -> Item:
    return {"linkId": link, "answer": [{"valueBoolean": value}]}


def _answer(item: Item, key: str) -> Any:
    answers = item.get("answer") or []
    return answers[0].get(key) if answers else None


@dataclass(frozen=True)
class Layout:
    """How a questionnaire's answers (the core scoring input shape) are FHIR items: the
    Questionnaire's items from its knowledge entry `q`, a response's items from answers, and
    the answers back from a response's items."""

    items: Callable[[dict[str, Any]], list[Item]]
    response: Callable[[dict[str, Any], dict[str, Any]], list[Item]]
    answers: Callable[[dict[str, Any], Flat], dict[str, Any]]


# "items": one 0-10 integer question per item (PEG)


def _plain_items(q: dict[str, Any]) -> list[Item]:
    scale = q["item_scale"]
    return [_item(i["id"], i["label"], scale["min"], scale["max"]) for i in q["items"]]


def _plain_response(q: dict[str, Any], answers: dict[str, Any]) -> list[Item]:
    return [_int_item(i["id"], answers[i["id"]]) for i in q["items"]]


def _plain_answers(q: dict[str, Any], flat: Flat) -> dict[str, Any]:
    return {i["id"]: _answer(flat.get(i["id"], {}), "valueInteger") for i in q["items"]}


# "domains": a group per domain, its answers a list in item order (FIQR)


def _domain_items(q: dict[str, Any]) -> list[Item]:
    scale = q["item_scale"]
    return [
        {
            "linkId": d["id"],
            "text": d["label"],
            "type": "group",
            "item": [
                _item(f"{d['id']}.{i['id']}", i["label"], scale["min"], scale["max"])
                for i in d["items"]
            ],
        }
        for d in q["domains"]
    ]


def _domain_response(q: dict[str, Any], answers: dict[str, Any]) -> list[Item]:
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


def _domain_answers(q: dict[str, Any], flat: Flat) -> dict[str, Any]:
    return {
        d["id"]: [_answer(flat.get(f"{d['id']}.{i['id']}", {}), "valueInteger") for i in d["items"]]
        for d in q["domains"]
    }


# "sites": a 0-10 rating per site and an optional decimal reading per site (the exam)


def _site_items(q: dict[str, Any]) -> list[Item]:
    scale, unit = q["item_scale"], q["algometer"]["unit"]
    return [
        {
            "linkId": "ratings",
            "text": "Pain of firm pressure (about 4 kg), 0-10",
            "type": "group",
            "item": [
                _item(f"ratings.{i['id']}", i["label"], scale["min"], scale["max"])
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


def _site_response(q: dict[str, Any], answers: dict[str, Any]) -> list[Item]:
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


def _site_answers(q: dict[str, Any], flat: Flat) -> dict[str, Any]:
    algometer = {
        i["id"]: _answer(flat.get(f"algometer.{i['id']}", {}), "valueDecimal") for i in q["items"]
    }
    return {
        "ratings": {
            i["id"]: _answer(flat.get(f"ratings.{i['id']}", {}), "valueInteger") for i in q["items"]
        },
        "algometer": {k: v for k, v in algometer.items() if v is not None},
    }


# "acr2016": the painful areas as yes/no, the symptom scales, and the 3-month yes/no


def _acr_items(q: dict[str, Any]) -> list[Item]:
    wpi = q["wpi"]
    sss = q["sss"]
    return [
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
                _item(f"sss.{i['id']}", i["label"], i["min"], i["max"])
                for part in ("part_a", "part_b")
                for i in sss[part]["items"]
            ],
        },
        {"linkId": q["duration"]["id"], "text": q["duration"]["label"], "type": "boolean"},
    ]


def _acr_response(q: dict[str, Any], answers: dict[str, Any]) -> list[Item]:
    painful = set(answers["pain_areas"])
    sss_ids = [i["id"] for part in ("part_a", "part_b") for i in q["sss"][part]["items"]]
    return [
        {
            "linkId": "wpi",
            "item": [_bool_item(f"wpi.{a['id']}", a["id"] in painful) for a in q["wpi"]["areas"]],
        },
        {"linkId": "sss", "item": [_int_item(f"sss.{i}", answers[i]) for i in sss_ids]},
        _bool_item(q["duration"]["id"], answers[q["duration"]["id"]]),
    ]


def _acr_answers(q: dict[str, Any], flat: Flat) -> dict[str, Any]:
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


LAYOUTS = {
    "items": Layout(_plain_items, _plain_response, _plain_answers),
    "domains": Layout(_domain_items, _domain_response, _domain_answers),
    "sites": Layout(_site_items, _site_response, _site_answers),
    "acr2016": Layout(_acr_items, _acr_response, _acr_answers),
}


def _layout(kind: str) -> tuple[Layout, dict[str, Any]]:
    q: dict[str, Any] = definitions()["questionnaires"][kind]
    return LAYOUTS[kinds.BY_KEY[kind].layout], q


def questionnaire_resources() -> list[kit.FhirResource]:
    """One Questionnaire resource per descriptor (short neutral item labels)."""
    defs = definitions()
    out = []
    loinc = kit.codes()["loinc"]
    for name in kinds.KINDS:
        layout, q = _layout(name)
        cites = "; ".join(defs["sources"][s]["citation"] for s in q["sources"])
        coded: dict[str, Any] = {}
        if key := kit.codes().get("questionnaire_loinc", {}).get(name):
            # The instrument's LOINC panel code, where a verified one exists (fhir_codes.json).
            c = loinc[key]
            coded["code"] = [
                {"system": kit.system("loinc"), "code": c["code"], "display": c["display"]}
            ]
        out.append(
            {
                **coded,
                "resourceType": "Questionnaire",
                "id": f"spasmtrack-{name}",
                "url": kit.system("questionnaire") + name,
                "name": name.upper(),
                "title": q["title"],
                "status": "active",
                "description": f"{q.get('use', 'Self-report questionnaire.')} Sources: {cites}",
                "item": layout.items(q),
            }
        )
    return out


def response_items(kind: str, answers: dict[str, Any]) -> list[Item]:
    """QuestionnaireResponse items for answers in the core scoring input shape."""
    layout, q = _layout(kind)
    return layout.response(q, answers)


def response_answers(kind: str, items: list[Item]) -> dict[str, Any]:
    """The core scoring input shape from QuestionnaireResponse items (inverse of the above)."""
    flat: Flat = {}
    for item in items:
        flat[item["linkId"]] = item
        for sub in item.get("item") or []:
            flat[sub["linkId"]] = sub
    layout, q = _layout(kind)
    return layout.answers(q, flat)


def _export_responses(person: Person, subject: kit.Reference) -> list[kit.FhirResource]:
    """The person's questionnaire responses."""
    out = []
    for r in QuestionnaireResponse.objects.filter(person=person).order_by("answered_at", "id"):
        res: dict[str, Any] = {
            "resourceType": "QuestionnaireResponse",
            "id": str(r.code),
            "meta": kit.tag("questionnaire-responses"),
            "questionnaire": kit.system("questionnaire") + r.kind,
            "status": "completed",
            "subject": subject,
            "authored": kit.instant(person, r.answered_at),
            "item": response_items(r.kind, r.answers),
        }
        if ext := kit.day_ext(person, r, r.answered_at):
            res["extension"] = ext
        out.append(res)
    return out


def _load_response(r: kit.FhirResource, ctx: kit.Ctx) -> None:
    person = ctx.person
    code = kit.base(r)["id"]
    kind = str(r.get("questionnaire", "")).removeprefix(kit.system("questionnaire"))
    if kind not in kinds.BY_KEY:
        raise kit.Refuse(f"unknown questionnaire {r.get('questionnaire')!r}")
    if QuestionnaireResponse.objects.filter(code=code).exists():
        raise kit.Refuse(f"entry {code} already exists")
    answered_at = datetime.fromisoformat(str(r.get("authored")))
    if answered_at.tzinfo is None:
        raise kit.Refuse("authored needs a time zone offset")
    saved = QuestionnaireResponse.record(
        person, kind, response_answers(kind, r.get("item") or []), answered_at
    )
    saved.code = uuid.UUID(code)
    fields = ["code"]
    if day := kit.ext_value(r, "local-date", "valueDate"):
        saved.local_date = datetime.fromisoformat(day).date()
        fields.append("local_date")
    saved.save(update_fields=fields)


# Scores with a verified LOINC code (knowledge/fhir_codes.json `loinc`): questionnaire kind ->
# (code key, key of the score in `scores()`). FIQR, ACR 2016 and the tender-point exam have
# none that could be verified, so their scores travel only inside their responses.
SCORE_CODES = {"peg": ("peg_score", "score")}


def _score_id(response_code: uuid.UUID) -> str:
    """A stable id for a response's score Observation (the same on every export)."""
    return str(uuid.uuid5(response_code, "score"))


def _export_scores(person: Person, subject: kit.Reference) -> list[kit.FhirResource]:
    """One Observation per response whose score has a standard code (the PEG's mean, LOINC
    91147-9), derived from the response, so a reader that knows LOINC but not our
    Questionnaires still finds the score."""
    out = []
    responses = QuestionnaireResponse.objects.filter(person=person, kind__in=SCORE_CODES)
    for r in responses.order_by("answered_at", "id"):
        key, score_key = SCORE_CODES[r.kind]
        loinc = kit.codes()["loinc"][key]
        score = r.scores().get(score_key)
        if score is None:
            continue
        out.append(
            {
                "resourceType": "Observation",
                "id": _score_id(r.code),
                "meta": kit.tag("questionnaire-scores"),
                "status": "final",
                "category": [
                    {
                        "coding": [
                            {
                                "system": "http://terminology.hl7.org/CodeSystem/observation-category",
                                "code": "survey",
                            }
                        ]
                    }
                ],
                "code": {
                    "coding": [
                        {
                            "system": kit.system("loinc"),
                            "code": loinc["code"],
                            "display": loinc["display"],
                        }
                    ]
                },
                "subject": subject,
                "effectiveDateTime": kit.instant(person, r.answered_at),
                "valueQuantity": {
                    "value": score,
                    "unit": "{score}",
                    "system": "http://unitsofmeasure.org",
                    "code": "{score}",
                },
                "derivedFrom": [kit.ref(str(r.code))],
            }
        )
    return out


def _load_score(r: kit.FhirResource, ctx: kit.Ctx) -> None:
    """A score is derived: import recomputes it from its response's answers, so nothing is
    written here. It must point at a QuestionnaireResponse of the same bundle."""
    sources = [d.get("reference") for d in r.get("derivedFrom") or [] if isinstance(d, dict)]
    found = [ctx.by_url.get(str(s)) for s in sources]
    if not any(f is not None and f.get("resourceType") == "QuestionnaireResponse" for f in found):
        raise kit.Refuse(
            "a questionnaire score must be derivedFrom a QuestionnaireResponse in this bundle"
        )


KINDS: tuple[kit.FhirKind, ...] = (
    kit.FhirKind(
        "questionnaire-responses",
        _export_responses,
        _load_response,
        definitions=questionnaire_resources,
        definition_type="Questionnaire",
    ),
    kit.FhirKind("questionnaire-scores", _export_scores, _load_score),
)

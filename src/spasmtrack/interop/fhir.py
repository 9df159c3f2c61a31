"""FHIR export (a Bundle of type `collection`) and its import, for clinicians' systems.

FHIR version: the resources follow R4 and validate with `fhir.resources.R4B` (4.3.0): the 8.x
package has no pure R4 module, and every element used here is the same in R4 and R4B.

What goes where:
- a pseudonymous Patient (no name; an identifier derived from the person's code),
- pain drawings: one panel Observation whose `hasMember` are one Observation per region,
  coded LOINC 72514-3 (0-10 pain) with the region as bodySite,
- check-ins: one Observation with a component per answered item (overall pain = 72514-3),
- muscle events, symptom ratings, habit logs and trigger points: Observations,
- treatment logs: MedicationStatement (nutrition and medicines) or Procedure (the rest),
- Questionnaires (ACR 2016, FIQR, PEG, and the tender-point self-pressure exam "mtps") from
  knowledge/questionnaires.json, and their QuestionnaireResponses once the questionnaires app
  has a response model (the exam: an integer 0-10 item per site and an optional decimal
  kg/cm2 algometer item per site).

Codes come from knowledge/fhir_codes.json (with sources); where no verified standard code
exists, Spasmtrack's own code systems are used. Every exported diary resource carries a
`meta.tag` naming its entry kind, which is what import reads. Import is all-or-nothing: the
first resource that cannot be mapped aborts with its entry index and the reason.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from django.db import transaction
from django.utils.timezone import now

from spasmtrack.accounts.models import Person
from spasmtrack.core.questionnaires import definitions
from spasmtrack.core.regions import all_regions
from spasmtrack.diary.entries import RESOURCES, entries_for
from spasmtrack.diary.exports import import_catalogue_row, import_entry
from spasmtrack.diary.models import DailyCheckin, Habit, Treatment
from spasmtrack.interop.limits import ImportRefused
from spasmtrack.interop.snapshot import read_snapshot
from spasmtrack.knowledge import data_path

PSEUDONYM_NS = uuid.UUID("6f1b7a52-0c7e-4a8e-9d43-5d1b2f0c9a11")  # fixed: ids stay stable
QUESTIONNAIRES = ("acr2016", "fiqr", "peg", "mtps")


class FhirImportRefused(ImportRefused):
    """A refused FHIR import: names the file, the Bundle entry (0-based) and the reason."""

    def __init__(self, where: str, index: int | None, reason: str) -> None:
        at = f"{where} entry {index}" if index is not None else where
        ValueError.__init__(self, f"{at}: {reason}")
        self.reason = reason


@cache
def codes() -> dict[str, Any]:
    """The parsed knowledge/fhir_codes.json."""
    with data_path("fhir_codes.json").open(encoding="utf-8") as f:
        data: dict[str, Any] = json.load(f)
    return data


def _sys(name: str) -> str:
    system: str = codes()["systems"][name]
    return system


def _ext(name: str) -> str:
    return _sys("extension") + name


def pseudonym(person: Person) -> str:
    """The Patient id/identifier: a stable UUID derived from the person's code, not reversible."""
    digest = hashlib.sha256(f"spasmtrack-patient:{person.code}".encode()).hexdigest()
    return str(uuid.uuid5(PSEUDONYM_NS, digest))


# --- small builders --------------------------------------------------------------------------


def _tag(kind: str) -> dict[str, Any]:
    return {"tag": [{"system": _sys("entry_kind"), "code": kind}]}


def _own(code: str, display: str) -> dict[str, Any]:
    return {"system": _sys("observation"), "code": code, "display": display}


def _pain_coding() -> dict[str, Any]:
    loinc = codes()["loinc"]["pain_severity_nrs"]
    return {"system": _sys("loinc"), "code": loinc["code"], "display": loinc["display"]}


def body_site(region_id: str) -> dict[str, Any]:
    """CodeableConcept of a region: our exact (sided) code first, then SNOMED CT if verified."""
    region = all_regions()[region_id]
    coding = [{"system": _sys("body_region"), "code": region_id, "display": region.label}]
    snomed = codes()["body_sites"].get(region_id)
    if snomed:
        coding.append(
            {"system": _sys("snomed"), "code": snomed["code"], "display": snomed["display"]}
        )
    return {"coding": coding, "text": region.label}


def _instant(person: Person, at: datetime) -> str:
    # Written in the person's zone so a reader sees local time; the offset keeps it exact.
    return at.astimezone(person.zone).isoformat()


def _day_ext(person: Person, entry: Any, at: datetime) -> list[dict[str, Any]]:
    """A local-date extension only when the stored day differs from the instant's day now."""
    if person.local_date(at) == entry.local_date:
        return []
    return [{"url": _ext("local-date"), "valueDate": entry.local_date.isoformat()}]


def _notes(entry: Any) -> dict[str, Any]:
    return {"note": [{"text": entry.notes}]} if entry.notes else {}


def _catalogue_ext(item: Any, fields: tuple[str, ...]) -> list[dict[str, Any]]:
    """A person's own catalogue entry travels with its definition; shared ones by key only."""
    if item.owner_id is None:
        return []
    sub = [{"url": f, "valueString": str(getattr(item, f))} for f in fields if getattr(item, f)]
    return [{"url": _ext("custom-catalogue-entry"), "extension": sub}]


def _ref(rid: str) -> dict[str, str]:
    return {"reference": f"urn:uuid:{rid}"}


# --- export ----------------------------------------------------------------------------------


def _muscle_event(person: Person, e: Any, subject: dict[str, str]) -> list[dict[str, Any]]:
    coding = [_own(e.kind, e.get_kind_display())]
    if e.kind == "spasm":
        sp = codes()["snomed"]["spasm"]
        coding.append({"system": _sys("snomed"), "code": sp["code"], "display": sp["display"]})
    res: dict[str, Any] = {
        "resourceType": "Observation",
        "id": str(e.code),
        "meta": _tag("muscle-events"),
        "status": "final",
        "code": {"coding": coding, "text": f"Muscle {e.kind}"},
        "subject": subject,
        "valueInteger": e.intensity,
        "component": [
            {
                "code": {"coding": [_own("region", "Body region")]},
                "valueCodeableConcept": body_site(r),
            }
            for r in e.regions
        ],
    }
    ext = _day_ext(person, e, e.started_at)
    if e.suspected_trigger:
        ext.append({"url": _ext("suspected-trigger"), "valueString": e.suspected_trigger})
    if e.trigger_habit is not None:
        h = e.trigger_habit
        ext.append(
            {
                "url": _ext("trigger-habit"),
                "valueCoding": {"system": _sys("habit"), "code": h.key, "display": h.name},
            }
        )
        ext += _catalogue_ext(h, ("kind", "unit", "category"))
    if ext:
        res["extension"] = ext
    if e.duration_s is None:
        res["effectiveDateTime"] = _instant(person, e.started_at)
    else:
        end = e.started_at + timedelta(seconds=e.duration_s)
        res["effectivePeriod"] = {
            "start": _instant(person, e.started_at),
            "end": _instant(person, end),
        }
    if len(e.regions) == 1:
        res["bodySite"] = body_site(e.regions[0])
    res.update(_notes(e))
    return [res]


def _pain_drawing(person: Person, d: Any, subject: dict[str, str]) -> list[dict[str, Any]]:
    when = _instant(person, d.at)
    members = []
    for region_id, value in d.regions.items():
        members.append(
            {
                "resourceType": "Observation",
                "id": str(uuid.uuid5(d.code, region_id)),
                "meta": _tag("pain-drawing-region"),
                "status": "final",
                "code": {"coding": [_pain_coding()]},
                "subject": subject,
                "effectiveDateTime": when,
                "bodySite": body_site(region_id),
                "valueInteger": value,
            }
        )
    panel: dict[str, Any] = {
        "resourceType": "Observation",
        "id": str(d.code),
        "meta": _tag("pain-drawings"),
        "status": "final",
        "code": {"coding": [_own("pain-drawing", "Pain drawing")], "text": "Pain drawing"},
        "subject": subject,
        "effectiveDateTime": when,
        "hasMember": [_ref(m["id"]) for m in members],
    }
    if ext := _day_ext(person, d, d.at):
        panel["extension"] = ext
    panel.update(_notes(d))
    return [panel, *members]


CHECKIN_LABELS = {
    "overall_pain": "Overall pain (0-10)",
    "spasm_burden": "Spasm burden (0-10)",
    "sleep_quality": "Sleep quality (0-10)",
    "fatigue": "Tiredness (0-10)",
    "brain_fog": "Brain fog (0-10)",
    "stress": "Stress (0-10)",
    "mood": "Mood (0-10)",
}


def _checkin(person: Person, c: Any, subject: dict[str, str]) -> list[dict[str, Any]]:
    comps = []
    for item in DailyCheckin.ITEMS:
        value = getattr(c, item)
        if value is None:
            continue
        coding = [_own(item, CHECKIN_LABELS[item])]
        if item == "overall_pain":
            coding.insert(0, _pain_coding())
        comps.append({"code": {"coding": coding}, "valueInteger": value})
    res: dict[str, Any] = {
        "resourceType": "Observation",
        "id": str(c.code),
        "meta": _tag("checkins"),
        "status": "final",
        "code": {"coding": [_own("daily-checkin", "Daily check-in")], "text": "Daily check-in"},
        "subject": subject,
        "effectiveDateTime": c.local_date.isoformat(),
    }
    if comps:
        res["component"] = comps
    res.update(_notes(c))
    return [res]


def _symptom(person: Person, s: Any, subject: dict[str, str]) -> list[dict[str, Any]]:
    res: dict[str, Any] = {
        "resourceType": "Observation",
        "id": str(s.code),
        "meta": _tag("symptom-ratings"),
        "extension": [{"url": _ext("scale-max"), "valueDecimal": s.scale_max}],
        "status": "final",
        "code": {"coding": [_own("symptom-rating", "Symptom rating")], "text": s.name},
        "subject": subject,
        "effectiveDateTime": s.local_date.isoformat(),
        "valueQuantity": {"value": s.value},
    }
    res.update(_notes(s))
    return [res]


def _habit_log(person: Person, h: Any, subject: dict[str, str]) -> list[dict[str, Any]]:
    habit = h.habit
    quantity: dict[str, Any] = {"value": h.value}
    if habit.unit:
        quantity["unit"] = habit.unit
    res: dict[str, Any] = {
        "resourceType": "Observation",
        "id": str(h.code),
        "meta": _tag("habit-logs"),
        "status": "final",
        "code": {
            "coding": [{"system": _sys("habit"), "code": habit.key, "display": habit.name}],
            "text": habit.name,
        },
        "subject": subject,
        "effectiveDateTime": h.local_date.isoformat(),
        "valueQuantity": quantity,
    }
    if ext := _catalogue_ext(habit, ("kind", "unit", "category")):
        res["extension"] = ext
    res.update(_notes(h))
    return [res]


def _trigger_point(person: Person, t: Any, subject: dict[str, str]) -> list[dict[str, Any]]:
    muscle = t.muscle.replace("_", " ")
    res: dict[str, Any] = {
        "resourceType": "Observation",
        "id": str(t.code),
        "meta": _tag("trigger-points"),
        "status": "final",
        "code": {"coding": [_own("trigger-point", "Trigger point tenderness (0-10)")]},
        "subject": subject,
        "effectiveDateTime": _instant(person, t.at),
        "bodySite": {"coding": [{"system": _sys("muscle"), "code": t.muscle}], "text": muscle},
        "valueInteger": t.tenderness,
        "component": [
            {"code": {"coding": [_own(k, k.replace("_", " "))]}, "valueString": getattr(t, k)}
            for k in ("side", "status", "found_by")
        ],
    }
    if ext := _day_ext(person, t, t.at):
        res["extension"] = ext
    res.update(_notes(t))
    return [res]


@cache
def _medication_ids() -> frozenset[str]:
    return frozenset(codes()["medication_treatments"]["ids"])


def is_medication(treatment: Any) -> bool:
    """Nutrition items and listed medicines are MedicationStatements; the rest Procedures."""
    return treatment.category == "nutrition" or treatment.key in _medication_ids()


def _treatment_log(person: Person, t: Any, subject: dict[str, str]) -> list[dict[str, Any]]:
    tr = t.treatment
    concept = {
        "coding": [{"system": _sys("treatment"), "code": tr.key, "display": tr.name}],
        "text": tr.name,
    }
    ext = _day_ext(person, t, t.at) + _catalogue_ext(tr, ("category", "unit"))
    for field in ("pain_before", "pain_after"):
        if getattr(t, field) is not None:
            ext.append({"url": _ext(field.replace("_", "-")), "valueInteger": getattr(t, field)})
    start = _instant(person, t.at)
    when: Any = start
    if t.duration_s is not None:
        when = {"start": start, "end": _instant(person, t.at + timedelta(seconds=t.duration_s))}
    quantity: dict[str, Any] = {}
    if t.amount is not None:
        quantity["value"] = t.amount
    if t.unit:
        quantity["unit"] = t.unit
    res: dict[str, Any] = {"id": str(t.code), "meta": _tag("treatment-logs")}
    if is_medication(tr):
        res |= {
            "resourceType": "MedicationStatement",
            "status": "completed",
            "medicationCodeableConcept": concept,
            "subject": subject,
        }
        res["effectivePeriod" if isinstance(when, dict) else "effectiveDateTime"] = when
        if quantity:
            res["dosage"] = [{"doseAndRate": [{"doseQuantity": quantity}]}]
    else:
        res |= {
            "resourceType": "Procedure",
            "status": "completed",
            "code": concept,
            "subject": subject,
        }
        res["performedPeriod" if isinstance(when, dict) else "performedDateTime"] = when
        if quantity:
            ext.append({"url": _ext("amount"), "valueQuantity": quantity})
    if ext:
        res["extension"] = ext
    res.update(_notes(t))
    return [res]


EXPORTERS: dict[str, Callable[[Person, Any, dict[str, str]], list[dict[str, Any]]]] = {
    "muscle-events": _muscle_event,
    "pain-drawings": _pain_drawing,
    "checkins": _checkin,
    "treatment-logs": _treatment_log,
    "habit-logs": _habit_log,
    "symptom-ratings": _symptom,
    "trigger-points": _trigger_point,
}


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
            coded["code"] = [{"system": _sys("loinc"), "code": c["code"], "display": c["display"]}]
        out.append(
            {
                **coded,
                "resourceType": "Questionnaire",
                "id": f"spasmtrack-{name}",
                "url": _sys("questionnaire") + name,
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


def _questionnaire_responses(person: Person, subject: dict[str, str]) -> list[dict[str, Any]]:
    """The person's questionnaire responses."""
    from spasmtrack.questionnaires.models import QuestionnaireResponse

    out = []
    for r in QuestionnaireResponse.objects.filter(person=person).order_by("answered_at", "id"):
        res: dict[str, Any] = {
            "resourceType": "QuestionnaireResponse",
            "id": str(r.code),
            "meta": _tag("questionnaire-responses"),
            "questionnaire": _sys("questionnaire") + r.kind,
            "status": "completed",
            "subject": subject,
            "authored": _instant(person, r.answered_at),
            "item": response_items(r.kind, r.answers),
        }
        if ext := _day_ext(person, r, r.answered_at):
            res["extension"] = ext
        out.append(res)
    return out


def _import_response(person: Person, r: dict[str, Any]) -> None:
    from spasmtrack.questionnaires.models import QuestionnaireResponse

    code = _base(r)["id"]
    kind = str(r.get("questionnaire", "")).removeprefix(_sys("questionnaire"))
    if kind not in QUESTIONNAIRES:
        raise _Refuse(f"unknown questionnaire {r.get('questionnaire')!r}")
    if QuestionnaireResponse.objects.filter(code=code).exists():
        raise _Refuse(f"entry {code} already exists")
    answered_at = datetime.fromisoformat(str(r.get("authored")))
    if answered_at.tzinfo is None:
        raise _Refuse("authored needs a time zone offset")
    saved = QuestionnaireResponse.record(
        person, kind, response_answers(kind, r.get("item") or []), answered_at
    )
    saved.code = uuid.UUID(code)
    fields = ["code"]
    if day := _ext_value(r, "local-date", "valueDate"):
        saved.local_date = datetime.fromisoformat(day).date()
        fields.append("local_date")
    saved.save(update_fields=fields)


def export_bundle(person: Person) -> dict[str, Any]:
    """Everything the person has as a FHIR Bundle (type collection), as a JSON-ready dict."""
    pid = pseudonym(person)
    subject = _ref(pid)
    patient = {
        "resourceType": "Patient",
        "id": pid,
        "identifier": [{"system": _sys("pseudonym"), "value": pid}],
    }
    resources: list[dict[str, Any]] = [patient]
    with read_snapshot():  # one point in time for every resource (see interop/snapshot.py)
        for name, res in RESOURCES.items():
            qs = entries_for(person, res).order_by(res.order.lstrip("-"), "id")
            for entry in qs:
                resources += EXPORTERS[name](person, entry, subject)
        resources += _questionnaire_responses(person, subject)
    entries = [{"fullUrl": f"urn:uuid:{r['id']}", "resource": r} for r in resources]
    entries += [{"fullUrl": q["url"], "resource": q} for q in questionnaire_resources()]
    return {
        "resourceType": "Bundle",
        "id": str(uuid.uuid4()),
        "meta": {"lastUpdated": now().isoformat()},
        "type": "collection",
        "timestamp": now().isoformat(),
        "entry": entries,
    }


# --- import ----------------------------------------------------------------------------------


class _Refuse(ValueError):
    """Raised by a mapper; the caller adds the entry index."""


def _kind(resource: dict[str, Any]) -> str | None:
    for tag in (resource.get("meta") or {}).get("tag") or []:
        if isinstance(tag, dict) and tag.get("system") == _sys("entry_kind"):
            return str(tag.get("code"))
    return None


def _ext_value(resource: dict[str, Any], name: str, key: str) -> Any:
    for e in resource.get("extension") or []:
        if e.get("url") == _ext(name):
            return e.get(key)
    return None


def _custom(resource: dict[str, Any]) -> dict[str, str]:
    for e in resource.get("extension") or []:
        if e.get("url") == _ext("custom-catalogue-entry"):
            return {s["url"]: s["valueString"] for s in e.get("extension") or []}
    return {}


def _coding(concept: Any, system: str) -> dict[str, Any]:
    for c in (concept or {}).get("coding") or []:
        if c.get("system") == _sys(system):
            return dict(c)
    raise _Refuse(f"no {system} coding in {concept!r}")


def _ensure_catalogue(
    person: Person, model: Any, coding: dict[str, Any], custom: dict[str, str], where: str, i: int
) -> str:
    """The catalogue key to log against; a person's own entry is created if it is missing."""
    key = str(coding.get("code") or "")
    if custom:
        fields = ("key", "name", "unit", "category") + (("kind",) if model is Habit else ())
        row = {"key": key, "name": coding.get("display", key), **custom}
        import_catalogue_row(person, model, fields, row, where, i)
    return key


def _when(resource: dict[str, Any], prefix: str) -> tuple[str, int | None]:
    """(start instant, duration in seconds or None) from <prefix>DateTime / <prefix>Period."""
    if f"{prefix}DateTime" in resource:
        return str(resource[f"{prefix}DateTime"]), None
    period = resource.get(f"{prefix}Period")
    if not isinstance(period, dict) or "start" not in period:
        raise _Refuse(f"{prefix}DateTime or {prefix}Period.start is required")
    start = datetime.fromisoformat(period["start"])
    end_text: str = period["end"] if "end" in period else period["start"]
    end = datetime.fromisoformat(end_text)
    return period["start"], int((end - start).total_seconds())


def _region_of(concept: Any) -> str:
    return str(_coding(concept, "body_region")["code"])


def _base(resource: dict[str, Any]) -> dict[str, Any]:
    try:
        code = str(uuid.UUID(str(resource.get("id"))))
    except ValueError:
        raise _Refuse(f"id must be a UUID, got {resource.get('id')!r}") from None
    row: dict[str, Any] = {"id": code}
    notes = resource.get("note") or []
    if notes:
        row["notes"] = "\n".join(n.get("text", "") for n in notes)
    if day := _ext_value(resource, "local-date", "valueDate"):
        row["local_date"] = day
    return row


def _map_muscle_event(r: dict[str, Any], ctx: _Ctx) -> tuple[str, dict[str, Any]]:
    row = _base(r)
    row["kind"] = _coding(r.get("code"), "observation")["code"]
    row["intensity"] = r.get("valueInteger")
    row["started_at"], row["duration_s"] = _when(r, "effective")
    row["regions"] = [_region_of(c.get("valueCodeableConcept")) for c in r.get("component") or []]
    row["suspected_trigger"] = _ext_value(r, "suspected-trigger", "valueString") or ""
    habit = _ext_value(r, "trigger-habit", "valueCoding")
    if habit:
        row["trigger_habit"] = ctx.catalogue(Habit, habit, _custom(r))
    return "muscle-events", row


def _map_pain_drawing(r: dict[str, Any], ctx: _Ctx) -> tuple[str, dict[str, Any]]:
    row = _base(r)
    row["at"] = r.get("effectiveDateTime")
    regions: dict[str, Any] = {}
    for ref in r.get("hasMember") or []:
        member = ctx.by_url.get(str(ref.get("reference")))
        if member is None or _kind(member) != "pain-drawing-region":
            raise _Refuse(f"hasMember {ref.get('reference')!r} is not a region of this bundle")
        ctx.used.add(id(member))
        regions[_region_of(member.get("bodySite"))] = member.get("valueInteger")
    row["regions"] = regions
    return "pain-drawings", row


def _map_checkin(r: dict[str, Any], ctx: _Ctx) -> tuple[str, dict[str, Any]]:
    row = _base(r)
    row["local_date"] = r.get("effectiveDateTime")
    for comp in r.get("component") or []:
        item = _coding(comp.get("code"), "observation")["code"]
        if item not in DailyCheckin.ITEMS:
            raise _Refuse(f"unknown check-in item {item!r}")
        row[item] = comp.get("valueInteger")
    return "checkins", row


def _map_symptom(r: dict[str, Any], ctx: _Ctx) -> tuple[str, dict[str, Any]]:
    row = _base(r)
    row["name"] = (r.get("code") or {}).get("text")
    row["local_date"] = r.get("effectiveDateTime")
    row["value"] = (r.get("valueQuantity") or {}).get("value")
    row["scale_max"] = _ext_value(r, "scale-max", "valueDecimal")
    return "symptom-ratings", row


def _map_habit_log(r: dict[str, Any], ctx: _Ctx) -> tuple[str, dict[str, Any]]:
    row = _base(r)
    row["habit"] = ctx.catalogue(Habit, _coding(r.get("code"), "habit"), _custom(r))
    row["local_date"] = r.get("effectiveDateTime")
    row["value"] = (r.get("valueQuantity") or {}).get("value")
    return "habit-logs", row


def _map_trigger_point(r: dict[str, Any], ctx: _Ctx) -> tuple[str, dict[str, Any]]:
    row = _base(r)
    row["muscle"] = _coding(r.get("bodySite"), "muscle")["code"]
    row["tenderness"] = r.get("valueInteger")
    row["at"] = r.get("effectiveDateTime")
    for comp in r.get("component") or []:
        row[_coding(comp.get("code"), "observation")["code"]] = comp.get("valueString")
    return "trigger-points", row


def _map_treatment_log(r: dict[str, Any], ctx: _Ctx) -> tuple[str, dict[str, Any]]:
    row = _base(r)
    medication = r.get("resourceType") == "MedicationStatement"
    concept = r.get("medicationCodeableConcept") if medication else r.get("code")
    row["treatment"] = ctx.catalogue(Treatment, _coding(concept, "treatment"), _custom(r))
    row["at"], row["duration_s"] = _when(r, "effective" if medication else "performed")
    if medication:
        dosage = (r.get("dosage") or [{}])[0]
        quantity = ((dosage.get("doseAndRate") or [{}])[0]).get("doseQuantity") or {}
    else:
        quantity = _ext_value(r, "amount", "valueQuantity") or {}
    row["amount"] = quantity.get("value")
    row["unit"] = quantity.get("unit", "")
    for field in ("pain_before", "pain_after"):
        row[field] = _ext_value(r, field.replace("_", "-"), "valueInteger")
    return "treatment-logs", row


MAPPERS: dict[str, Callable[[dict[str, Any], _Ctx], tuple[str, dict[str, Any]]]] = {
    "muscle-events": _map_muscle_event,
    "pain-drawings": _map_pain_drawing,
    "checkins": _map_checkin,
    "symptom-ratings": _map_symptom,
    "habit-logs": _map_habit_log,
    "trigger-points": _map_trigger_point,
    "treatment-logs": _map_treatment_log,
}
# Reference data in a bundle: read-only, nothing to import.
SKIPPED_TYPES = frozenset({"Patient", "Questionnaire"})


class _Ctx:
    def __init__(self, person: Person, where: str, by_url: dict[str, dict[str, Any]]) -> None:
        self.person = person
        self.where = where
        self.by_url = by_url
        self.used: set[int] = set()
        self.index = 0

    def catalogue(self, model: Any, coding: dict[str, Any], custom: dict[str, str]) -> str:
        return _ensure_catalogue(self.person, model, coding, custom, self.where, self.index)


def _entries(doc: Any, where: str) -> list[dict[str, Any]]:
    if not isinstance(doc, dict) or doc.get("resourceType") != "Bundle":
        raise FhirImportRefused(where, None, "not a FHIR Bundle (resourceType must be 'Bundle')")
    entries = doc.get("entry") or []
    if not isinstance(entries, list):
        raise FhirImportRefused(where, None, "entry must be a list")
    for i, e in enumerate(entries):
        if not isinstance(e, dict) or not isinstance(e.get("resource"), dict):
            raise FhirImportRefused(where, i, "each entry needs a resource object")
    return entries


def import_bundle(person: Person, doc: Any, where: str = "import") -> dict[str, int]:
    """Add every diary resource of a Spasmtrack FHIR Bundle to the person's diary, or nothing.

    Patient and Questionnaire resources are skipped; any other resource without a Spasmtrack
    entry-kind tag is refused (we never guess what a foreign resource means). Returns counts
    per entry kind. Raises FhirImportRefused naming the 0-based entry index and the reason.
    """
    entries = _entries(doc, where)
    by_url = {str(e.get("fullUrl")): e["resource"] for e in entries if e.get("fullUrl")}
    ctx = _Ctx(person, where, by_url)
    counts: dict[str, int] = {}
    with transaction.atomic():
        # Region members are consumed by their panel, wherever they sit in the bundle.
        for i, e in enumerate(entries):
            r = e["resource"]
            kind = _kind(r)
            if r.get("resourceType") in SKIPPED_TYPES or kind == "pain-drawing-region":
                continue
            if kind == "questionnaire-responses":
                try:
                    _import_response(person, r)
                except (ValueError, TypeError, KeyError, AttributeError) as exc:
                    raise FhirImportRefused(where, i, f"{kind}: {exc}") from None
                counts[kind] = counts.get(kind, 0) + 1
                continue
            if kind not in MAPPERS:
                raise FhirImportRefused(
                    where,
                    i,
                    f"{r.get('resourceType')} has no Spasmtrack entry-kind tag: "
                    "cannot tell what it holds",
                )
            ctx.index = i
            try:
                name, row = MAPPERS[kind](r, ctx)
                row = {k: v for k, v in row.items() if v is not None}
                import_entry(person, RESOURCES[name], row, "", i)
            except ImportRefused as exc:
                # Keep the reason only: the Bundle entry is named here.
                raise FhirImportRefused(where, i, f"{kind}: {exc.reason}") from None
            except (ValueError, TypeError, AttributeError, KeyError) as exc:
                raise FhirImportRefused(where, i, f"{kind}: {exc}") from None
            counts[name] = counts.get(name, 0) + 1
        for i, e in enumerate(entries):
            r = e["resource"]
            if _kind(r) == "pain-drawing-region" and id(r) not in ctx.used:
                raise FhirImportRefused(
                    where, i, "pain-drawing region not referenced by any pain drawing"
                )
    return counts

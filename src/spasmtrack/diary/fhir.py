"""The diary's FHIR resources (see `spasmtrack.exchange.fhir_kit` for the protocol).

- pain drawings: one panel Observation whose `hasMember` are one Observation per region,
  coded LOINC 72514-3 (0-10 pain) with the region as bodySite,
- check-ins: one Observation with a component per answered item (overall pain = 72514-3),
- muscle events, symptom ratings, habit logs and trigger points: Observations,
- treatment logs: MedicationStatement (nutrition and medicines) or Procedure (the rest).

Every resource carries a `meta.tag` naming its entry kind (the descriptor's name), which is
what import reads; a read resource becomes a row that goes through the same `create_entry` as
the native import.

What every kind shares is derived from its descriptor (`diary.entries.RESOURCES`): the export
loop, the tag, the carried fields (`diary.carried`, one extension each) and the import through
`create_entry`. A kind that `ADAPTERS` does not name needs no code here at all: it is written as
a generic Observation (`_generic`), coded in Spasmtrack's own system by its descriptor's name
and label, timed by its model's instant field (or its day), with every other field of its input
schema as an extension; a field that is no plain value (a catalogue key, a list of regions) is
refused when the kinds are built, naming the kind, so that it gets a mapper of its own instead
of being dropped silently. `ADAPTERS` holds the hand-made mappings, for kinds with standard
codes or structure (LOINC pain, body sites, panels, MedicationStatement).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, datetime, timedelta
from functools import cache
from typing import Any

from spasmtrack.accounts.models import Person
from spasmtrack.diary.carried import SHARED, plain_type
from spasmtrack.diary.entries import RESOURCES, Resource, entries_for
from spasmtrack.diary.exports import import_catalogue_row, import_entry
from spasmtrack.diary.models import DailyCheckin, Entry, Habit, Treatment
from spasmtrack.exchange.fhir_kit import (
    Ctx,
    FhirKind,
    FhirResource,
    Reference,
    Refuse,
    base,
    body_site,
    catalogue_ext,
    codes,
    coding,
    custom,
    day_ext,
    ext_url,
    ext_value,
    instant,
    notes,
    own,
    pain_coding,
    ref,
    region_of,
    system,
    tag,
    when,
)

Exporter = Callable[[Person, Any, Reference], list[FhirResource]]
Mapper = Callable[[FhirResource, Ctx], dict[str, Any]]
Fields = tuple[Any, ...]  # model fields (django-stubs' Field is generic in two parameters)

# --- export ----------------------------------------------------------------------------------


def _observation(rid: str, kind: str, code: dict[str, Any], subject: Reference) -> FhirResource:
    """The first elements of every diary Observation, in the order they are written."""
    return {
        "resourceType": "Observation",
        "id": rid,
        "meta": tag(kind),
        "status": "final",
        "code": code,
        "subject": subject,
    }


def _timing(person: Person, entry: Any, prefix: str = "effective") -> dict[str, Any]:
    """`<prefix>DateTime` (the instant, or the day of a kind without one), or `<prefix>Period`
    for an entry with a duration (`duration_s`)."""
    field = entry.instant_field
    if field is None:
        return {f"{prefix}DateTime": entry.local_date.isoformat()}
    start = getattr(entry, field)
    duration = getattr(entry, "duration_s", None)
    if duration is None:
        return {f"{prefix}DateTime": instant(person, start)}
    end = start + timedelta(seconds=duration)
    return {f"{prefix}Period": {"start": instant(person, start), "end": instant(person, end)}}


def _read_timing(r: FhirResource, model: type[Entry], prefix: str = "effective") -> dict[str, Any]:
    """The fields `_timing` wrote: the instant (and duration, if the model has one) or the day."""
    field = model.instant_field
    if field is None:
        return {"local_date": r.get(f"{prefix}DateTime")}
    at, duration = when(r, prefix)
    if any(f.name == "duration_s" for f in model._meta.concrete_fields):
        return {field: at, "duration_s": duration}
    return {field: at}


def _muscle_event(person: Person, e: Any, subject: Reference) -> list[FhirResource]:
    concept = [own(e.kind, e.get_kind_display())]
    if e.kind == "spasm":
        sp = codes()["snomed"]["spasm"]
        concept.append({"system": system("snomed"), "code": sp["code"], "display": sp["display"]})
    res: FhirResource = {
        **_observation(
            str(e.code), "muscle-events", {"coding": concept, "text": f"Muscle {e.kind}"}, subject
        ),
        "valueInteger": e.intensity,
        "component": [
            {
                "code": {"coding": [own("region", "Body region")]},
                "valueCodeableConcept": body_site(r),
            }
            for r in e.regions
        ],
    }
    ext = day_ext(person, e, e.started_at)
    if e.suspected_trigger:
        ext.append({"url": ext_url("suspected-trigger"), "valueString": e.suspected_trigger})
    if e.trigger_habit is not None:
        h = e.trigger_habit
        ext.append(
            {
                "url": ext_url("trigger-habit"),
                "valueCoding": {"system": system("habit"), "code": h.key, "display": h.name},
            }
        )
        ext += catalogue_ext(h, ("kind", "unit", "category"))
    if ext:
        res["extension"] = ext
    res.update(_timing(person, e))
    if len(e.regions) == 1:
        res["bodySite"] = body_site(e.regions[0])
    res.update(notes(e))
    return [res]


def _pain_drawing(person: Person, d: Any, subject: Reference) -> list[FhirResource]:
    at = instant(person, d.at)
    members = []
    for region_id, value in d.regions.items():
        members.append(
            {
                **_observation(
                    str(uuid.uuid5(d.code, region_id)),
                    "pain-drawing-region",
                    {"coding": [pain_coding()]},
                    subject,
                ),
                "effectiveDateTime": at,
                "bodySite": body_site(region_id),
                "valueInteger": value,
            }
        )
    panel: FhirResource = {
        **_observation(
            str(d.code),
            "pain-drawings",
            {"coding": [own("pain-drawing", "Pain drawing")], "text": "Pain drawing"},
            subject,
        ),
        "effectiveDateTime": at,
        "hasMember": [ref(m["id"]) for m in members],
    }
    if ext := day_ext(person, d, d.at):
        panel["extension"] = ext
    panel.update(notes(d))
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


def _checkin(person: Person, c: Any, subject: Reference) -> list[FhirResource]:
    comps = []
    for item in DailyCheckin.ITEMS:
        value = getattr(c, item)
        if value is None:
            continue
        concept = [own(item, CHECKIN_LABELS[item])]
        if item == "overall_pain":
            concept.insert(0, pain_coding())
        comps.append({"code": {"coding": concept}, "valueInteger": value})
    res: FhirResource = {
        **_observation(
            str(c.code),
            "checkins",
            {"coding": [own("daily-checkin", "Daily check-in")], "text": "Daily check-in"},
            subject,
        ),
        **_timing(person, c),
    }
    if comps:
        res["component"] = comps
    res.update(notes(c))
    return [res]


def _symptom(person: Person, s: Any, subject: Reference) -> list[FhirResource]:
    res: FhirResource = {
        "resourceType": "Observation",
        "id": str(s.code),
        "meta": tag("symptom-ratings"),
        "extension": [{"url": ext_url("scale-max"), "valueDecimal": s.scale_max}],
        "status": "final",
        "code": {"coding": [own("symptom-rating", "Symptom rating")], "text": s.name},
        "subject": subject,
        **_timing(person, s),
        "valueQuantity": {"value": s.value},
    }
    res.update(notes(s))
    return [res]


def _habit_log(person: Person, h: Any, subject: Reference) -> list[FhirResource]:
    habit = h.habit
    quantity: dict[str, Any] = {"value": h.value}
    if habit.unit:
        quantity["unit"] = habit.unit
    res: FhirResource = {
        **_observation(
            str(h.code),
            "habit-logs",
            {
                "coding": [{"system": system("habit"), "code": habit.key, "display": habit.name}],
                "text": habit.name,
            },
            subject,
        ),
        **_timing(person, h),
        "valueQuantity": quantity,
    }
    if ext := catalogue_ext(habit, ("kind", "unit", "category")):
        res["extension"] = ext
    res.update(notes(h))
    return [res]


def _trigger_point(person: Person, t: Any, subject: Reference) -> list[FhirResource]:
    muscle = t.muscle.replace("_", " ")
    res: FhirResource = {
        **_observation(
            str(t.code),
            "trigger-points",
            {"coding": [own("trigger-point", "Trigger point tenderness (0-10)")]},
            subject,
        ),
        **_timing(person, t),
        "bodySite": {"coding": [{"system": system("muscle"), "code": t.muscle}], "text": muscle},
        "valueInteger": t.tenderness,
        "component": [
            {"code": {"coding": [own(k, k.replace("_", " "))]}, "valueString": getattr(t, k)}
            for k in ("side", "status", "found_by")
        ],
    }
    if ext := day_ext(person, t, t.at):
        res["extension"] = ext
    res.update(notes(t))
    return [res]


@cache
def _medication_ids() -> frozenset[str]:
    return frozenset(codes()["medication_treatments"]["ids"])


def is_medication(treatment: Any) -> bool:
    """Nutrition items and listed medicines are MedicationStatements; the rest Procedures."""
    return treatment.category == "nutrition" or treatment.key in _medication_ids()


def _treatment_log(person: Person, t: Any, subject: Reference) -> list[FhirResource]:
    tr = t.treatment
    concept = {
        "coding": [{"system": system("treatment"), "code": tr.key, "display": tr.name}],
        "text": tr.name,
    }
    ext = day_ext(person, t, t.at) + catalogue_ext(tr, ("category", "unit"))
    for field in ("pain_before", "pain_after"):
        if getattr(t, field) is not None:
            ext.append({"url": ext_url(field.replace("_", "-")), "valueInteger": getattr(t, field)})
    quantity: dict[str, Any] = {}
    if t.amount is not None:
        quantity["value"] = t.amount
    if t.unit:
        quantity["unit"] = t.unit
    medication = is_medication(tr)
    # (resource type, where the treatment goes, the prefix of its time)
    kind, coded, prefix = (
        ("MedicationStatement", "medicationCodeableConcept", "effective")
        if medication
        else ("Procedure", "code", "performed")
    )
    res: FhirResource = {"id": str(t.code), "meta": tag("treatment-logs")}
    res |= {"resourceType": kind, "status": "completed", coded: concept, "subject": subject}
    res.update(_timing(person, t, prefix))
    if quantity and medication:
        res["dosage"] = [{"doseAndRate": [{"doseQuantity": quantity}]}]
    elif quantity:
        ext.append({"url": ext_url("amount"), "valueQuantity": quantity})
    if ext:
        res["extension"] = ext
    res.update(notes(t))
    return [res]


# --- import ----------------------------------------------------------------------------------


def _catalogue(ctx: Ctx, model: Any, found: dict[str, Any], own_entry: dict[str, str]) -> str:
    """The catalogue key to log against; a person's own entry is created if it is missing."""
    key = str(found.get("code") or "")
    if own_entry:
        fields = ("key", "name", "unit", "category") + (("kind",) if model is Habit else ())
        row = {"key": key, "name": found.get("display", key), **own_entry}
        import_catalogue_row(ctx.person, model, fields, row, ctx.where, ctx.index)
    return key


def _map_muscle_event(r: FhirResource, ctx: Ctx) -> dict[str, Any]:
    row = base(r)
    row["kind"] = coding(r.get("code"), "observation")["code"]
    row["intensity"] = r.get("valueInteger")
    row["started_at"], row["duration_s"] = when(r, "effective")
    row["regions"] = [region_of(c.get("valueCodeableConcept")) for c in r.get("component") or []]
    row["suspected_trigger"] = ext_value(r, "suspected-trigger", "valueString") or ""
    habit = ext_value(r, "trigger-habit", "valueCoding")
    if habit:
        row["trigger_habit"] = _catalogue(ctx, Habit, habit, custom(r))
    return row


def _map_pain_drawing(r: FhirResource, ctx: Ctx) -> dict[str, Any]:
    row = base(r)
    row["at"] = r.get("effectiveDateTime")
    regions: dict[str, Any] = {}
    for member_ref in r.get("hasMember") or []:
        member = ctx.member(member_ref.get("reference"), "pain-drawing-region")
        if member is None:
            raise Refuse(
                f"hasMember {member_ref.get('reference')!r} is not a region of this bundle"
            )
        regions[region_of(member.get("bodySite"))] = member.get("valueInteger")
    row["regions"] = regions
    return row


def _map_checkin(r: FhirResource, ctx: Ctx) -> dict[str, Any]:
    row = base(r)
    row["local_date"] = r.get("effectiveDateTime")
    for comp in r.get("component") or []:
        item = coding(comp.get("code"), "observation")["code"]
        if item not in DailyCheckin.ITEMS:
            raise Refuse(f"unknown check-in item {item!r}")
        row[item] = comp.get("valueInteger")
    return row


def _map_symptom(r: FhirResource, ctx: Ctx) -> dict[str, Any]:
    row = base(r)
    row["name"] = (r.get("code") or {}).get("text")
    row["local_date"] = r.get("effectiveDateTime")
    row["value"] = (r.get("valueQuantity") or {}).get("value")
    row["scale_max"] = ext_value(r, "scale-max", "valueDecimal")
    return row


def _map_habit_log(r: FhirResource, ctx: Ctx) -> dict[str, Any]:
    row = base(r)
    row["habit"] = _catalogue(ctx, Habit, coding(r.get("code"), "habit"), custom(r))
    row["local_date"] = r.get("effectiveDateTime")
    row["value"] = (r.get("valueQuantity") or {}).get("value")
    return row


def _map_trigger_point(r: FhirResource, ctx: Ctx) -> dict[str, Any]:
    row = base(r)
    row["muscle"] = coding(r.get("bodySite"), "muscle")["code"]
    row["tenderness"] = r.get("valueInteger")
    row["at"] = r.get("effectiveDateTime")
    for comp in r.get("component") or []:
        row[coding(comp.get("code"), "observation")["code"]] = comp.get("valueString")
    return row


def _map_treatment_log(r: FhirResource, ctx: Ctx) -> dict[str, Any]:
    row = base(r)
    medication = r.get("resourceType") == "MedicationStatement"
    concept = r.get("medicationCodeableConcept") if medication else r.get("code")
    row["treatment"] = _catalogue(ctx, Treatment, coding(concept, "treatment"), custom(r))
    row["at"], row["duration_s"] = when(r, "effective" if medication else "performed")
    if medication:
        dosage = (r.get("dosage") or [{}])[0]
        quantity = ((dosage.get("doseAndRate") or [{}])[0]).get("doseQuantity") or {}
    else:
        quantity = ext_value(r, "amount", "valueQuantity") or {}
    row["amount"] = quantity.get("value")
    row["unit"] = quantity.get("unit", "")
    for field in ("pain_before", "pain_after"):
        row[field] = ext_value(r, field.replace("_", "-"), "valueInteger")
    return row


# The hand-made adapters, by diary kind (descriptor name = the resources' tag): how it is
# written and read. A kind not named here gets the generic one (`_generic`).
ADAPTERS: dict[str, tuple[Exporter, Mapper]] = {
    "muscle-events": (_muscle_event, _map_muscle_event),
    "pain-drawings": (_pain_drawing, _map_pain_drawing),
    "checkins": (_checkin, _map_checkin),
    "treatment-logs": (_treatment_log, _map_treatment_log),
    "habit-logs": (_habit_log, _map_habit_log),
    "symptom-ratings": (_symptom, _map_symptom),
    "trigger-points": (_trigger_point, _map_trigger_point),
}
# Resources written only as parts of another kind's, with the refusal for a stray one.
MEMBERS = {
    "pain-drawings": {
        "pain-drawing-region": "pain-drawing region not referenced by any pain drawing"
    },
}


# The value[x] of a carried field's extension, by the field's Python type (diary.carried).
_VALUE_KEYS = {
    bool: "valueBoolean",
    int: "valueInteger",
    float: "valueDecimal",
    str: "valueString",
    date: "valueDate",
    datetime: "valueDateTime",
}


def _carried_ext(res: Resource[Entry], name: str) -> str:
    """The extension name of a carried field, e.g. "muscle-events-woke-me"."""
    return f"{res.name}-{name.replace('_', '-')}"


def _carry_out(
    person: Person, res: Resource[Entry], fields: Fields, entry: Any, out: FhirResource
) -> None:
    """One extension per carried field whose value is not its default."""
    for field in fields:
        value = getattr(entry, field.name)
        default = None if callable(field.default) else field.get_default()
        if value is None or (field.has_default() and value == default):
            continue
        if isinstance(value, datetime):
            value = instant(person, value)
        elif isinstance(value, date):
            value = value.isoformat()
        key = _VALUE_KEYS[plain_type(field)]
        out.setdefault("extension", []).append(
            {"url": ext_url(_carried_ext(res, field.name)), key: value}
        )


def _carry_in(res: Resource[Entry], fields: Fields, r: FhirResource, row: dict[str, Any]) -> None:
    for field in fields:
        value = ext_value(r, _carried_ext(res, field.name), _VALUE_KEYS[plain_type(field)])
        if value is not None:
            row[field.name] = value


def _generic_fields(res: Resource[Entry]) -> Fields:
    """The fields of a kind without an adapter that its extensions carry: every field of its
    input schema but the time (`_timing`) and the notes. TypeError for one that is no plain
    model field, since the generic Observation would lose it."""
    timed = {"local_date", "duration_s", res.model.instant_field}
    fields = []
    for name in res.schema_in.model_fields:
        if name in timed or name in SHARED:
            continue
        field = next((f for f in res.model._meta.concrete_fields if f.name == name), None)
        try:
            if field is None or field.is_relation:
                raise TypeError(name)
            plain_type(field)
        except TypeError:
            raise TypeError(
                f"diary kind {res.name!r}: its field {name!r} is no plain value that the "
                "generic FHIR Observation can carry; give the kind an adapter in "
                "diary/fhir.py ADAPTERS"
            ) from None
        fields.append(field)
    return tuple(fields)


def _generic(res: Resource[Entry]) -> tuple[Exporter, Mapper]:
    """The adapter of a kind that `ADAPTERS` does not name: an Observation coded by the kind's
    name and label in Spasmtrack's own system, at the entry's time; its other fields are the
    extensions `fhir_kind` adds (`_generic_fields`)."""
    label = res.label or res.name
    concept = {"coding": [own(res.name, label)], "text": label}
    instant_field = res.model.instant_field

    def exporter(person: Person, entry: Any, subject: Reference) -> list[FhirResource]:
        out = {**_observation(str(entry.code), res.name, concept, subject)}
        out.update(_timing(person, entry))
        if instant_field and (ext := day_ext(person, entry, getattr(entry, instant_field))):
            out["extension"] = ext
        out.update(notes(entry))
        return [out]

    def mapper(r: FhirResource, ctx: Ctx) -> dict[str, Any]:
        return {**base(r), **_read_timing(r, res.model)}

    return exporter, mapper


def fhir_kind(res: Resource[Entry]) -> FhirKind:
    """The FhirKind of a diary kind: its adapter (or the generic one) and its carried fields."""
    if res.name in ADAPTERS:
        exporter, mapper = ADAPTERS[res.name]
        fields: Fields = res.carried
    else:
        exporter, mapper = _generic(res)
        fields = _generic_fields(res)

    def export(person: Person, subject: Reference) -> list[FhirResource]:
        out: list[FhirResource] = []
        for entry in entries_for(person, res).order_by(res.order.lstrip("-"), "id"):
            written = exporter(person, entry, subject)
            _carry_out(person, res, fields, entry, written[0])
            out += written
        return out

    def load(r: FhirResource, ctx: Ctx) -> None:
        row = mapper(r, ctx)
        _carry_in(res, fields, r, row)
        row = {k: v for k, v in row.items() if v is not None}
        import_entry(ctx.person, res, row, "", ctx.index)

    return FhirKind(res.name, export, load, members=MEMBERS.get(res.name, {}))


# Every diary kind, in the descriptors' order (which is the order of the bundle's resources).
KINDS: tuple[FhirKind, ...] = tuple(fhir_kind(res) for res in RESOURCES.values())

"""The daily measurements' FHIR resources (see `spasmtrack.exchange.fhir_kit` for the protocol):
one Observation per stored value (person, day, metric, source).

Every Observation carries Spasmtrack's own code for the metric (what import reads back), and
a LOINC coding beside it where knowledge/fhir_codes.json has a verified one: daily steps
(41950-7, "Number of steps in 24 hour Measured") and resting heart rate (40443-4). Sleep
hours, heart-rate variability and weather have no verified code there, so they carry only
our own. The day is `effectiveDateTime` as a date (a daily value has no instant).
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from spasmtrack.accounts.models import Person
from spasmtrack.core.measures import (
    RESTING_HR,
    STEPS,
    metric_label,
)
from spasmtrack.exchange import fhir_kit as kit
from spasmtrack.insights.signals import bump
from spasmtrack.measures.models import DailyMetric, Source
from spasmtrack.measures.services import MetricError, validated

TAG = "daily-measurements"
# metric -> (LOINC key in fhir_codes.json, UCUM unit of the LOINC-coded value)
LOINC = {STEPS: ("steps_per_day", "/d"), RESTING_HR: ("resting_heart_rate", "/min")}
UCUM = "http://unitsofmeasure.org"
CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"


CATEGORIES = {STEPS: "activity", RESTING_HR: "vital-signs"}  # none fits sleep or weather


def _export(person: Person, subject: kit.Reference) -> list[kit.FhirResource]:
    out = []
    rows = DailyMetric.objects.filter(person=person).order_by("local_date", "metric", "source")
    for m in rows:
        coding = [kit.own(m.metric, metric_label(m.metric))]
        # A unitless count (steps, awakenings) has no `unit`: FHIR strings are never empty.
        quantity: dict[str, Any] = {"value": m.value, **({"unit": m.unit} if m.unit else {})}
        if m.metric in LOINC:
            key, ucum = LOINC[m.metric]
            loinc = kit.codes()["loinc"][key]
            coding.append(
                {"system": kit.system("loinc"), "code": loinc["code"], "display": loinc["display"]}
            )
            quantity.update(system=UCUM, code=ucum)
        out.append(
            {
                "resourceType": "Observation",
                "id": str(m.code),
                "meta": kit.tag(TAG),
                "status": "final",
                **(
                    {"category": [{"coding": [{"system": CATEGORY, "code": CATEGORIES[m.metric]}]}]}
                    if m.metric in CATEGORIES
                    else {}
                ),
                "code": {"coding": coding, "text": metric_label(m.metric)},
                "subject": subject,
                "effectiveDateTime": m.local_date.isoformat(),
                "valueQuantity": quantity,
                "extension": [{"url": kit.ext_url("measurement-source"), "valueCode": m.source}],
            }
        )
    return out


def _load(r: kit.FhirResource, ctx: kit.Ctx) -> None:
    """Writes one value back; refuses what the API would refuse (unknown metric, a value
    out of range, an implausible day, a source we do not know, a value already there)."""
    code = kit.base(r)["id"]
    quantity = r.get("valueQuantity") or {}
    try:
        value = float(quantity["value"])
    except (KeyError, TypeError, ValueError):
        raise kit.Refuse("valueQuantity.value must be a number") from None
    try:
        day = date.fromisoformat(str(r.get("effectiveDateTime")))
    except ValueError:
        raise kit.Refuse("effectiveDateTime must be a date (YYYY-MM-DD)") from None
    row = {
        "metric": kit.coding(r.get("code"), "observation")["code"],
        "value": value,
        "unit": quantity.get("unit"),
        "local_date": day,
    }
    try:
        clean = validated(ctx.person, row)
    except MetricError as e:
        raise kit.Refuse(str(e)) from None
    metric = clean["metric"]
    source = kit.ext_value(r, "measurement-source", "valueCode") or Source.MANUAL
    if source not in Source.values:
        raise kit.Refuse(f"unknown measurement source {source!r}")
    if DailyMetric.objects.filter(code=code).exists():
        raise kit.Refuse(f"entry {code} already exists")
    taken = DailyMetric.objects.filter(
        person=ctx.person, local_date=day, metric=metric, source=source
    )
    if taken.exists():
        raise kit.Refuse(f"there is already {metric} from {source} on {day}")
    DailyMetric.objects.create(person=ctx.person, code=uuid.UUID(code), source=source, **clean)
    bump(ctx.person.pk)


KINDS: tuple[kit.FhirKind, ...] = (kit.FhirKind(TAG, _export, _load),)

"""The period days' FHIR resources (see `spasmtrack.exchange.fhir_kit` for the protocol): one
Observation per logged period day.

The first day of each period (`core.cycle.periods`) is coded with LOINC 8665-2 "Last
menstrual period start date" beside Spasmtrack's own "period-start" code: its value
(`valueDateTime`) is that first day and its `effectiveDateTime` the same day, as the HL7
implementation guides cited in knowledge/fhir_codes.json use it. The other days of a period
have no standard code: they carry only our own "period-day" code and `valueBoolean` true.
Import reads either back as a period day (a first day from its value, as a foreign
"last menstrual period" Observation means it).
"""

from __future__ import annotations

import uuid
from datetime import date

from django.utils.timezone import now

from spasmtrack.accounts.models import Person
from spasmtrack.core.cycle import periods
from spasmtrack.core.plausible import day_problem
from spasmtrack.cycle.models import PeriodDay
from spasmtrack.exchange import fhir_kit as kit
from spasmtrack.insights.signals import bump

TAG = "period-days"
START, DAY = "period-start", "period-day"
LABELS = {START: "First day of a period", DAY: "Period day"}


def _export(person: Person, subject: kit.Reference) -> list[kit.FhirResource]:
    rows = list(PeriodDay.objects.filter(person=person).order_by("local_date", "id"))
    starts = {p.start for p in periods(d.local_date for d in rows)}
    loinc = kit.codes()["loinc"]["last_menstrual_period_start"]
    out = []
    for d in rows:
        day = d.local_date.isoformat()
        own = START if d.local_date in starts else DAY
        coding = [kit.own(own, LABELS[own])]
        if own == START:
            coding.append(
                {"system": kit.system("loinc"), "code": loinc["code"], "display": loinc["display"]}
            )
        out.append(
            {
                "resourceType": "Observation",
                "id": str(d.code),
                "meta": kit.tag(TAG),
                "status": "final",
                "code": {"coding": coding, "text": LABELS[own]},
                "subject": subject,
                "effectiveDateTime": day,
                **({"valueDateTime": day} if own == START else {"valueBoolean": True}),
            }
        )
    return out


def _day(text: object, field: str) -> date:
    try:
        return date.fromisoformat(str(text))
    except ValueError:
        raise kit.Refuse(f"{field} must be a date (YYYY-MM-DD)") from None


def _load(r: kit.FhirResource, ctx: kit.Ctx) -> None:
    """Writes one period day back; refuses what the API would refuse (an implausible day) and
    an entry already there. A day that is already a period day (under another id) is kept as
    it is: a day is a period day or not."""
    code = kit.base(r)["id"]
    own = kit.coding(r.get("code"), "observation")["code"]
    if own == START:
        day = _day(r.get("valueDateTime"), "valueDateTime")
    elif own == DAY:
        if r.get("valueBoolean") is not True:
            raise kit.Refuse("a period day's valueBoolean must be true")
        day = _day(r.get("effectiveDateTime"), "effectiveDateTime")
    else:
        raise kit.Refuse(f"unknown period code {own!r}")
    if problem := day_problem(day, now(), ctx.person.tz):
        raise kit.Refuse(f"{day.isoformat()}: {problem}")
    if PeriodDay.objects.filter(code=code).exists():
        raise kit.Refuse(f"entry {code} already exists")
    if PeriodDay.objects.filter(person=ctx.person, local_date=day).exists():
        return
    PeriodDay.objects.create(person=ctx.person, code=uuid.UUID(code), local_date=day)
    bump(ctx.person.pk)


KINDS: tuple[kit.FhirKind, ...] = (kit.FhirKind(TAG, _export, _load),)

"""The FHIR protocol: what an app declares to take part in the FHIR export and its import, and
the small builders and readers its mappers share.

Each app that writes FHIR resources declares them in `spasmtrack.<app>.fhir`
(`KINDS: tuple[FhirKind, ...]`), next to its models; `collect()` gathers them in the order of
the export sections (the diary first, then `FEATURE_APPS`), which is also the order of the
resources in a bundle. `spasmtrack.interop.fhir` writes the Bundle and runs the all-or-nothing
import over that one list. This module imports no app, so the apps' `fhir` modules may import
it.

Codes come from knowledge/fhir_codes.json (with sources); where no verified standard code
exists, Spasmtrack's own code systems are used.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import Any

from spasmtrack.accounts.models import Person
from spasmtrack.core.body.regions import all_regions
from spasmtrack.exchange.sections import EXPORTING_APPS, app_modules
from spasmtrack.knowledge import data_path

FhirResource = dict[str, Any]
Reference = dict[str, str]

# Apps whose `fhir` module (if it has one) brings kinds; interop.fhir is the bundle itself.
FHIR_APPS = tuple(app for app in EXPORTING_APPS if app != "interop")


class Refuse(ValueError):
    """Raised by a mapper for a resource it cannot read; the loader adds the entry index."""


class Ctx:
    """What a mapper may know of the import under way: the person, the bundle's resources by
    fullUrl, and the entry being read (its 0-based index)."""

    def __init__(self, person: Person, where: str, by_url: dict[str, FhirResource]) -> None:
        self.person = person
        self.where = where
        self.by_url = by_url
        self.used: set[int] = set()
        self.index = 0

    def member(self, reference: Any, tag: str) -> FhirResource | None:
        """The resource of this bundle that `reference` points at, if it carries `tag`; it is
        then read (an unread member of a kind's `members` is refused after the last entry)."""
        found = self.by_url.get(str(reference))
        if found is None or kind_of(found) != tag:
            return None
        self.used.add(id(found))
        return found


@dataclass(frozen=True)
class FhirKind:
    """One kind of resource in the bundle, named by its `meta.tag` code.

    `export(person, subject)` returns the person's resources of this kind (in a stable order);
    `load(resource, ctx)` writes one of them back, raising ValueError (Refuse) or an app's
    ImportRefused for what it cannot read. `members` are the tags of resources written only as
    parts of this kind's resources (read through `Ctx.member`), each with the refusal for one
    that no resource refers to. `definitions()` are read-only resources of type
    `definition_type` the kind's resources point at (the Questionnaires): written once at the
    end of the bundle, skipped on import.
    """

    tag: str
    export: Callable[[Person, Reference], list[FhirResource]]
    load: Callable[[FhirResource, Ctx], None]
    members: Mapping[str, str] = field(default_factory=dict)
    definitions: Callable[[], list[FhirResource]] | None = None
    definition_type: str = ""


def collect() -> tuple[FhirKind, ...]:
    """Every app's FHIR kinds, in `FHIR_APPS` order; refuses two kinds with one tag."""
    out: list[FhirKind] = []
    for m in app_modules("fhir", FHIR_APPS):
        out += m.KINDS
    tags = [k.tag for k in out] + [m for k in out for m in k.members]
    if len(set(tags)) != len(tags):
        raise RuntimeError(f"two FHIR kinds share a tag: {sorted(tags)}")
    return tuple(out)


# ---------------------------------------------------------------- codes


@cache
def codes() -> dict[str, Any]:
    """The parsed knowledge/fhir_codes.json."""
    with data_path("fhir_codes.json").open(encoding="utf-8") as f:
        data: dict[str, Any] = json.load(f)
    return data


def system(name: str) -> str:
    """The URL of a code system named in fhir_codes.json `systems`."""
    url: str = codes()["systems"][name]
    return url


def ext_url(name: str) -> str:
    """The URL of one of Spasmtrack's extensions."""
    return system("extension") + name


# ---------------------------------------------------------------- builders (export)


def tag(kind: str) -> dict[str, Any]:
    """The `meta` naming a resource's entry kind (what import reads)."""
    return {"tag": [{"system": system("entry_kind"), "code": kind}]}


def own(code: str, display: str) -> dict[str, Any]:
    """A coding in Spasmtrack's own observation code system."""
    return {"system": system("observation"), "code": code, "display": display}


def pain_coding() -> dict[str, Any]:
    """LOINC 72514-3, pain severity 0-10."""
    loinc = codes()["loinc"]["pain_severity_nrs"]
    return {"system": system("loinc"), "code": loinc["code"], "display": loinc["display"]}


def body_site(region_id: str) -> dict[str, Any]:
    """CodeableConcept of a region: our exact (sided) code first, then SNOMED CT if verified."""
    region = all_regions()[region_id]
    coding = [{"system": system("body_region"), "code": region_id, "display": region.label}]
    snomed = codes()["body_sites"].get(region_id)
    if snomed:
        coding.append(
            {"system": system("snomed"), "code": snomed["code"], "display": snomed["display"]}
        )
    return {"coding": coding, "text": region.label}


def instant(person: Person, at: datetime) -> str:
    """An instant in the person's zone so a reader sees local time; the offset keeps it exact."""
    return at.astimezone(person.zone).isoformat()


def day_ext(person: Person, entry: Any, at: datetime) -> list[dict[str, Any]]:
    """A local-date extension only when the stored day differs from the instant's day now."""
    if person.local_date(at) == entry.local_date:
        return []
    return [{"url": ext_url("local-date"), "valueDate": entry.local_date.isoformat()}]


def notes(entry: Any) -> dict[str, Any]:
    return {"note": [{"text": entry.notes}]} if entry.notes else {}


def catalogue_ext(item: Any, fields: tuple[str, ...]) -> list[dict[str, Any]]:
    """A person's own catalogue entry travels with its definition; shared ones by key only."""
    if item.owner_id is None:
        return []
    sub = [{"url": f, "valueString": str(getattr(item, f))} for f in fields if getattr(item, f)]
    return [{"url": ext_url("custom-catalogue-entry"), "extension": sub}]


def ref(rid: str) -> Reference:
    return {"reference": f"urn:uuid:{rid}"}


# ---------------------------------------------------------------- readers (import)


def kind_of(resource: FhirResource) -> str | None:
    """The entry-kind tag of a resource, or None when it has none."""
    for t in (resource.get("meta") or {}).get("tag") or []:
        if isinstance(t, dict) and t.get("system") == system("entry_kind"):
            return str(t.get("code"))
    return None


def ext_value(resource: FhirResource, name: str, key: str) -> Any:
    for e in resource.get("extension") or []:
        if e.get("url") == ext_url(name):
            return e.get(key)
    return None


def custom(resource: FhirResource) -> dict[str, str]:
    """The definition of a person's own catalogue entry carried by the resource, if any."""
    for e in resource.get("extension") or []:
        if e.get("url") == ext_url("custom-catalogue-entry"):
            return {s["url"]: s["valueString"] for s in e.get("extension") or []}
    return {}


def coding(concept: Any, system_name: str) -> dict[str, Any]:
    """The concept's coding in one of the systems of fhir_codes.json; Refuse when absent."""
    for c in (concept or {}).get("coding") or []:
        if c.get("system") == system(system_name):
            return dict(c)
    raise Refuse(f"no {system_name} coding in {concept!r}")


def when(resource: FhirResource, prefix: str) -> tuple[str, int | None]:
    """(start instant, duration in seconds or None) from <prefix>DateTime / <prefix>Period."""
    if f"{prefix}DateTime" in resource:
        return str(resource[f"{prefix}DateTime"]), None
    period = resource.get(f"{prefix}Period")
    if not isinstance(period, dict) or "start" not in period:
        raise Refuse(f"{prefix}DateTime or {prefix}Period.start is required")
    start = datetime.fromisoformat(period["start"])
    end_text: str = period["end"] if "end" in period else period["start"]
    end = datetime.fromisoformat(end_text)
    return period["start"], int((end - start).total_seconds())


def region_of(concept: Any) -> str:
    return str(coding(concept, "body_region")["code"])


def base(resource: FhirResource) -> dict[str, Any]:
    """The row every diary kind shares: id (a UUID), notes and the local-date extension."""
    try:
        code = str(uuid.UUID(str(resource.get("id"))))
    except ValueError:
        raise Refuse(f"id must be a UUID, got {resource.get('id')!r}") from None
    row: dict[str, Any] = {"id": code}
    texts = resource.get("note") or []
    if texts:
        row["notes"] = "\n".join(n.get("text", "") for n in texts)
    if day := ext_value(resource, "local-date", "valueDate"):
        row["local_date"] = day
    return row

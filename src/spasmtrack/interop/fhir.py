"""FHIR export (a Bundle of type `collection`) and its all-or-nothing import, for clinicians'
systems.

FHIR version: the resources follow R4 and validate with `fhir.resources.R4B` (4.3.0): the 8.x
package has no pure R4 module, and every element used here is the same in R4 and R4B.

The bundle holds a pseudonymous Patient (no name; an identifier derived from the person's
code), then every app's resources: each app declares its own in `<app>/fhir.py` (the diary's
entries in `spasmtrack.diary.fhir`, the questionnaires' in `spasmtrack.questionnaires.fhir`),
collected by `spasmtrack.exchange.fhir_kit.collect()`, which also holds the protocol and the
builders they share. Every exported resource carries a `meta.tag` naming its kind, which is
what import reads. Import is all-or-nothing: the first resource that cannot be mapped aborts
with its entry index and the reason.
"""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

from django.db import transaction
from django.utils.timezone import now

from spasmtrack.accounts.models import Person
from spasmtrack.exchange.fhir_kit import Ctx, FhirResource, collect, kind_of, ref, system
from spasmtrack.exchange.limits import ImportRefused
from spasmtrack.interop.snapshot import read_snapshot

PSEUDONYM_NS = uuid.UUID("6f1b7a52-0c7e-4a8e-9d43-5d1b2f0c9a11")  # fixed: ids stay stable
# The bundle's own reference data: read-only, nothing to import.
SKIPPED_TYPES = frozenset({"Patient"})


class FhirImportRefused(ImportRefused):
    """A refused FHIR import: names the file, the Bundle entry (0-based) and the reason."""

    def __init__(self, where: str, index: int | None, reason: str) -> None:
        at = f"{where} entry {index}" if index is not None else where
        ValueError.__init__(self, f"{at}: {reason}")
        self.reason = reason


def pseudonym(person: Person) -> str:
    """The Patient id/identifier: a stable UUID derived from the person's code, not reversible."""
    digest = hashlib.sha256(f"spasmtrack-patient:{person.code}".encode()).hexdigest()
    return str(uuid.uuid5(PSEUDONYM_NS, digest))


def export_bundle(person: Person) -> dict[str, Any]:
    """Everything the person has as a FHIR Bundle (type collection), as a JSON-ready dict."""
    kinds = collect()
    pid = pseudonym(person)
    subject = ref(pid)
    patient = {
        "resourceType": "Patient",
        "id": pid,
        "identifier": [{"system": system("pseudonym"), "value": pid}],
    }
    resources: list[FhirResource] = [patient]
    with read_snapshot():  # one point in time for every resource (see interop/snapshot.py)
        for kind in kinds:
            resources += kind.export(person, subject)
    entries = [{"fullUrl": f"urn:uuid:{r['id']}", "resource": r} for r in resources]
    for kind in kinds:
        if kind.definitions is not None:
            entries += [{"fullUrl": d["url"], "resource": d} for d in kind.definitions()]
    return {
        "resourceType": "Bundle",
        "id": str(uuid.uuid4()),
        "meta": {"lastUpdated": now().isoformat()},
        "type": "collection",
        "timestamp": now().isoformat(),
        "entry": entries,
    }


# --- import ----------------------------------------------------------------------------------


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
    """Add every resource of a Spasmtrack FHIR Bundle to the person's data, or nothing.

    Patient resources and the kinds' definitions (Questionnaires) are skipped; any other
    resource without a Spasmtrack entry-kind tag is refused (we never guess what a foreign
    resource means). Returns counts per entry kind. Raises FhirImportRefused naming the 0-based
    entry index and the reason.
    """
    entries = _entries(doc, where)
    kinds = {k.tag: k for k in collect()}
    members = {m: stray for k in kinds.values() for m, stray in k.members.items()}
    skipped = SKIPPED_TYPES | {k.definition_type for k in kinds.values() if k.definition_type}
    by_url = {str(e.get("fullUrl")): e["resource"] for e in entries if e.get("fullUrl")}
    ctx = Ctx(person, where, by_url)
    counts: dict[str, int] = {}
    with transaction.atomic():
        # Members are consumed by the resource they belong to, wherever they sit in the bundle.
        for i, e in enumerate(entries):
            r = e["resource"]
            tag = kind_of(r)
            if r.get("resourceType") in skipped or tag in members:
                continue
            if tag not in kinds:
                raise FhirImportRefused(
                    where,
                    i,
                    f"{r.get('resourceType')} has no Spasmtrack entry-kind tag: "
                    "cannot tell what it holds",
                )
            ctx.index = i
            try:
                kinds[tag].load(r, ctx)
            except ImportRefused as exc:
                # Keep the reason only: the Bundle entry is named here.
                raise FhirImportRefused(where, i, f"{tag}: {exc.reason}") from None
            except (ValueError, TypeError, AttributeError, KeyError) as exc:
                raise FhirImportRefused(where, i, f"{tag}: {exc}") from None
            counts[tag] = counts.get(tag, 0) + 1
        for i, e in enumerate(entries):
            r = e["resource"]
            tag = kind_of(r)
            if tag in members and id(r) not in ctx.used:
                raise FhirImportRefused(where, i, members[tag])
    return counts

"""Spasmtrack's own export format (JSON document, or a zip of CSVs) and its import.

The export holds everything a person has: their time zone, their own catalogue additions and
every live entry, with entry ids and local days kept so that export → import → export gives
the same document. Import is all-or-nothing: every row is validated with the API's input
schemas inside one transaction, and the first bad row aborts it with file, row and reason.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from typing import Any

from django.db import transaction
from django.utils.timezone import now
from pydantic import ValidationError

from spasmtrack.accounts.models import Person
from spasmtrack.diary.entries import RESOURCES, EntryError, create_entry, entries_for
from spasmtrack.diary.models import Habit, Treatment

FORMAT = "spasmtrack-export"
VERSION = 1
CATALOGUES = {
    "treatments": (Treatment, ("key", "name", "unit", "category")),
    "habits": (Habit, ("key", "name", "unit", "kind", "category")),
}
COMPLEX = ("regions",)  # cells holding a list or mapping, JSON-encoded in CSV


class ImportRefused(ValueError):
    """A refused import: names the file, the row (1-based) and the reason."""

    def __init__(self, where: str, row: int | None, reason: str) -> None:
        at = f"{where} row {row}" if row is not None else where
        super().__init__(f"{at}: {reason}")


def export_document(person: Person) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": now().isoformat(),
        "tz": person.tz,
    }
    for name, (model, fields) in CATALOGUES.items():
        rows = model.objects.filter(owner=person).order_by("key").values(*fields)
        doc[f"custom-{name}"] = list(rows)
    for name, res in RESOURCES.items():
        qs = entries_for(person, res).order_by(res.order.lstrip("-"), "id")
        doc[name] = [res.schema_out.model_validate(e).model_dump(mode="json") for e in qs]
    return doc


def export_csv_zip(person: Person) -> bytes:
    doc = export_document(person)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        meta = {k: doc[k] for k in ("format", "version", "exported_at", "tz")}
        z.writestr("export.json", json.dumps(meta, indent=2))
        for key, rows in doc.items():
            if isinstance(rows, list):
                z.writestr(f"{key}.csv", _to_csv(key, rows))
    return buf.getvalue()


def _columns(key: str) -> list[str]:
    if key.startswith("custom-"):
        return list(CATALOGUES[key.removeprefix("custom-")][1])
    return list(RESOURCES[key].schema_out.model_fields)


def _to_csv(key: str, rows: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    w = csv.DictWriter(out, fieldnames=_columns(key), extrasaction="ignore")
    w.writeheader()
    for row in rows:
        w.writerow(
            {k: json.dumps(v) if k in COMPLEX else ("" if v is None else v) for k, v in row.items()}
        )
    return out.getvalue()


def read_csv_zip(data: bytes, filename: str = "export.zip") -> dict[str, Any]:
    """Turn a CSV zip back into an export document (cells are re-validated on import)."""
    try:
        z = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise ImportRefused(filename, None, "not a zip file of CSVs") from None
    with z:
        names = set(z.namelist())
        if "export.json" not in names:
            raise ImportRefused(filename, None, "export.json is missing: not a Spasmtrack export")
        doc: dict[str, Any] = json.loads(z.read("export.json"))
        for key in [f"custom-{c}" for c in CATALOGUES] + list(RESOURCES):
            if f"{key}.csv" not in names:
                doc[key] = []
                continue
            text = z.read(f"{key}.csv").decode("utf-8-sig")
            rows = []
            for i, row in enumerate(csv.DictReader(io.StringIO(text)), start=1):
                clean: dict[str, Any] = {}
                for k, v in row.items():
                    if k is None or v in ("", None):
                        continue
                    if k in COMPLEX:
                        try:
                            v = json.loads(v)
                        except json.JSONDecodeError:
                            raise ImportRefused(f"{key}.csv", i, f"{k}: not valid JSON") from None
                    clean[k] = v
                rows.append(clean)
            doc[key] = rows
    return doc


def import_document(person: Person, doc: Any, where: str = "import") -> dict[str, int]:
    """Add everything in `doc` to the person's diary, or nothing at all. Returns counts."""
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise ImportRefused(where, None, f"not a Spasmtrack export (format must be {FORMAT!r})")
    if doc.get("version") != VERSION:
        raise ImportRefused(where, None, f"unsupported version {doc.get('version')!r}")
    counts: dict[str, int] = {}
    with transaction.atomic():
        for name, (model, fields) in CATALOGUES.items():
            key = f"custom-{name}"
            for i, row in enumerate(_rows(doc, key, where), start=1):
                _import_catalogue_row(person, model, fields, row, f"{where}: {key}", i)
            counts[key] = len(doc.get(key) or [])
        for name, res in RESOURCES.items():
            for i, row in enumerate(_rows(doc, name, where), start=1):
                _import_entry(person, res, row, f"{where}: {name}", i)
            counts[name] = len(doc.get(name) or [])
    return counts


def _rows(doc: dict[str, Any], key: str, where: str) -> list[dict[str, Any]]:
    rows = doc.get(key) or []
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        raise ImportRefused(where, None, f"{key} must be a list of objects")
    return rows


def _import_catalogue_row(
    person: Person, model: Any, fields: tuple[str, ...], row: dict[str, Any], where: str, i: int
) -> None:
    missing = [f for f in ("key", "name") if not row.get(f)]
    if missing:
        raise ImportRefused(where, i, f"{', '.join(missing)} missing")
    existing = model.objects.filter(key=row["key"]).first()
    if existing is not None:
        if existing.owner_id != person.id:
            raise ImportRefused(where, i, f"key {row['key']!r} belongs to another catalogue entry")
        return
    obj = model(owner=person, **{f: row[f] for f in fields if f in row})
    try:
        obj.full_clean(exclude=["owner"])
    except Exception as e:
        raise ImportRefused(where, i, str(e)) from None
    obj.save()


def _import_entry(person: Person, res: Any, row: dict[str, Any], where: str, i: int) -> None:
    fields = res.schema_in.model_fields
    data = {k: v for k, v in row.items() if k in fields}
    extra: dict[str, Any] = {}
    if "id" in row:
        if res.model.objects.filter(code=row["id"]).exists():
            raise ImportRefused(where, i, f"entry {row['id']} already exists")
        extra["code"] = row["id"]
    try:
        if "local_date" in row and "local_date" not in fields:
            # Keep the day it was logged on, even if the time zone changed since.
            from datetime import date

            extra["local_date"] = date.fromisoformat(str(row["local_date"]))
        create_entry(person, res, data, **extra)
    except ValidationError as e:
        err = e.errors(include_url=False)[0]
        loc = ".".join(map(str, err["loc"])) or "row"
        raise ImportRefused(where, i, f"{loc}: {err['msg']}") from None
    except (EntryError, ValueError) as e:
        raise ImportRefused(where, i, str(e)) from None

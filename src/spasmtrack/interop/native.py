"""Spasmtrack's own export format (JSON document, or a zip of CSVs) and its import.

The export holds everything a person has: their time zone (as information: import never
changes the importer's), their own catalogue additions, every live diary entry, questionnaire
responses, the questions for their next visit, nutrition (intakes, profile, ergonomics
checklist, recorded changes) and self-experiments (each trial with its recorded seed, its event
log and adherence answers). Ids, local days and timestamps are kept, so export → import →
export gives the same document (apart from `exported_at`).

The document is built from `SECTIONS`: each app declares its own in `<app>/exports.py` (the
protocol is `spasmtrack.exchange.sections.Section`), collected in the order of
`sections.EXPORTING_APPS`. Each section names its key (the JSON key and CSV file name), how to
export the person's rows (JSON-ready dicts in a stable order) and how to import them. Adding a
kind of data is one section in its app. Sections import in that order, so anything a row refers
to (a custom treatment, a symptom a trial measures, the trial of an adherence answer) is in
place before it is needed.

Import is all-or-nothing: every row is validated by the owning app's own rules (its input
schemas, `QuestionnaireResponse.record`, `check_design`, ...) inside one transaction, and the
first bad row aborts it with file, section, row and reason.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from typing import Any

from django.db import transaction
from django.db.models import ProtectedError
from django.utils.timezone import now

from spasmtrack.accounts.models import Person
from spasmtrack.core.plausible import recorded_in
from spasmtrack.exchange import limits
from spasmtrack.exchange.limits import ImportRefused
from spasmtrack.exchange.sections import Row, Section, collect
from spasmtrack.interop.snapshot import read_snapshot

__all__ = [  # ImportRefused is imported from here by the CLI, pages and tests
    "BY_KEY",
    "SECTIONS",
    "ImportRefused",
    "delete_person_data",
    "export_csv_zip",
    "export_document",
    "has_data",
    "import_document",
    "read_csv_zip",
]

FORMAT = "spasmtrack-export"
VERSION = 1

SECTIONS: tuple[Section, ...] = collect()
BY_KEY = {s.key: s for s in SECTIONS}


# ---------------------------------------------------------------- export


def export_document(person: Person) -> dict[str, Any]:
    """Everything the person has, as one JSON-ready document (see the module docstring).

    Every section is read in one snapshot, so a write during the export is either wholly in
    the document or wholly out of it (a backup taken while you log always restores).
    """
    doc: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": now().isoformat(),
        "tz": person.tz,
        # When the person's diary day starts (core.days); each entry also carries its day.
        "day_start": person.day_start.strftime("%H:%M"),
        # For the report's header (Settings); information like `tz`, applied by a restore.
        "display_name": person.display_name,
        "birth_date": person.birth_date.isoformat() if person.birth_date else None,
    }
    with read_snapshot():
        for section in SECTIONS:
            doc[section.key] = section.export(person)
    return doc


def export_csv_zip(person: Person) -> bytes:
    """The export as a zip: export.json (format, version, time zone) and one CSV per section."""
    doc = export_document(person)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        meta = {k: doc[k] for k in ("format", "version", "exported_at", "tz", "day_start")}
        z.writestr("export.json", json.dumps(meta, indent=2))
        for section in SECTIONS:
            z.writestr(f"{section.key}.csv", _to_csv(section, doc[section.key]))
    return buf.getvalue()


# CSV injection (OWASP): a cell starting with one of these is run as a formula by spreadsheets.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _needs_quote(text: str) -> bool:
    """Starts like a formula, or like an already protected one ("'=...", "''=...")."""
    return text.startswith(FORMULA_START) or (text[:1] == "'" and _needs_quote(text[1:]))


def protect_cell(text: str) -> str:
    """A text cell a spreadsheet shows as text: formula-like cells get a leading "'"."""
    return "'" + text if _needs_quote(text) else text


def unprotect_cell(text: str) -> str:
    """Undo `protect_cell` exactly (a value that really starts with "'" round-trips too)."""
    return text[1:] if text[:1] == "'" and _needs_quote(text[1:]) else text


def _cell(section: Section, key: str, value: Any) -> Any:
    if key in section.complex or isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, str):
        return protect_cell(value)
    return "" if value is None else value


def _to_csv(section: Section, rows: list[Row]) -> str:
    out = io.StringIO()
    w = csv.DictWriter(out, fieldnames=list(section.columns), extrasaction="ignore")
    w.writeheader()
    for row in rows:
        w.writerow({k: _cell(section, k, v) for k, v in row.items()})
    return out.getvalue()


# ---------------------------------------------------------------- import


def read_csv_zip(data: bytes, filename: str = "export.zip") -> dict[str, Any]:
    """Turn a CSV zip back into an export document (cells are re-validated on import).

    A missing CSV is an empty section (exports made before a section existed still import).
    The zip is read within the limits of `exchange/limits.py`: a zip bomb, a broken
    export.json, a cell over the size limit or a CSV in another encoding is one clear error.
    """
    members = limits.read_zip(data, filename)
    if "export.json" not in members:
        raise ImportRefused(filename, None, "export.json is missing: not a Spasmtrack export")
    meta = limits.read_json(members["export.json"], f"{filename}: export.json")
    if not isinstance(meta, dict):
        raise ImportRefused(f"{filename}: export.json", None, "must be a JSON object")
    doc: dict[str, Any] = dict(meta)
    for section in SECTIONS:
        name = f"{section.key}.csv"
        where = f"{filename}: {name}"
        text = limits.decode_text(members[name], where) if name in members else ""
        doc[section.key] = _from_csv(section, text, where)
    limits.check_shape(doc, filename)
    return doc


def _from_csv(section: Section, text: str, name: str) -> list[Row]:
    rows: list[Row] = []
    reader = csv.DictReader(io.StringIO(text))
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return rows
        except csv.Error as e:
            if "field limit" in str(e):
                reason = f"a cell is longer than {limits.MAX_FIELD_CHARS} characters"
            else:
                reason = f"not valid CSV ({e})"
            raise ImportRefused(name, len(rows) + 1, reason) from None
        i = len(rows) + 1
        clean: Row = {}
        for k, v in row.items():
            if k is None or v in ("", None):
                continue
            if k in section.complex:
                try:
                    v = json.loads(v)
                except (json.JSONDecodeError, RecursionError):
                    raise ImportRefused(name, i, f"{k}: not valid JSON") from None
            else:
                v = unprotect_cell(v)
            clean[k] = v
        rows.append(clean)


def import_document(person: Person, doc: Any, where: str = "import") -> dict[str, int]:
    """Add everything in `doc` to the person's data, or nothing at all. Returns row counts
    per section. The document's `tz` is information only: the importer's stays."""
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise ImportRefused(where, None, f"not a Spasmtrack export (format must be {FORMAT!r})")
    if doc.get("version") != VERSION:
        raise ImportRefused(where, None, f"unsupported version {doc.get('version')!r}")
    counts: dict[str, int] = {}
    # Its days are read on the calendar they were recorded on, too (core.plausible).
    with recorded_in(doc.get("tz")), transaction.atomic():
        for section in SECTIONS:
            rows = _rows(doc, section.key, where)
            section.load(person, rows, f"{where}: {section.key}")
            counts[section.key] = len(rows)
    return counts


def _rows(doc: dict[str, Any], key: str, where: str) -> list[Row]:
    rows = doc.get(key) or []
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        raise ImportRefused(where, None, f"{key} must be a list of objects")
    return rows


# ---------------------------------------------------------------- whole-person helpers


def has_data(person: Person) -> bool:
    """Whether the person has anything beyond their own catalogue additions (binned entries
    count: they are still restorable)."""
    return any(s.stored(person).exists() for s in SECTIONS if not s.catalogue)


def delete_person_data(person: Person) -> None:
    """Delete everything a document of this person would hold, binned entries included.

    Sections go in reverse order (experiments before the treatments they use). A catalogue
    addition that something else still points at stays; import reuses it by key.
    """
    with transaction.atomic():
        for section in reversed(SECTIONS):
            if not section.catalogue:
                # QuerySet.delete works below the append-only models' delete() guard: wiping
                # a whole experiment with its log is allowed, editing a row of it is not.
                section.stored(person).delete()
                continue
            for item in section.stored(person):
                try:
                    with transaction.atomic():
                        item.delete()
                except ProtectedError:
                    pass

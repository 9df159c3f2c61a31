"""The import and export formats, in one registry that the CLI (`export`, `import`) and the
pages (Settings' download buttons, the export view) read.

Adding a format is one entry here plus its module: its name, the function that writes or reads
it, and (for an export offered on a page) its button label. The CLI's `--format` help, its
"unknown format" message and the checks of format-only options all come from here.

Kept free of Django and app imports (each format's code is imported when it is used), so the
CLI can build its help without starting Django.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from spasmtrack.accounts.models import Person

Echo = Callable[[str], Any]


@dataclass(frozen=True)
class ExportFormat:
    """A format `export` can write."""

    name: str  # --format value and the page's URL segment (/export/<name>/)
    writer: str  # "module:function", (person) -> bytes
    suffix: str  # file name suffix of a download
    content_type: str
    label: str = ""  # Settings' download button; "" = command line only
    needs_file: str = ""  # e.g. "zip file": not for a terminal, the CLI wants -o FILE

    def write(self, person: Person) -> bytes:
        data: bytes = _resolve(self.writer)(person)
        return data


@dataclass(frozen=True)
class Imported:
    """What an import wrote: `records` in all; `told` when the reader already said so."""

    records: int
    told: bool = False


@dataclass(frozen=True)
class ImportFormat:
    """A format `import` can read, all or nothing (ImportRefused names file, row, reason)."""

    name: str
    # "module:function", (person, file, options, echo) -> Imported, or None when the reader
    # has reported everything itself (a dry run, a summary of its own).
    reader: str
    options: tuple[str, ...] = field(default=())  # the import command's options it takes

    def read(
        self, person: Person, file: Path, options: Mapping[str, Any], echo: Echo
    ) -> Imported | None:
        result: Imported | None = _resolve(self.reader)(person, file, options, echo)
        return result


def _resolve(ref: str) -> Callable[..., Any]:
    module, name = ref.split(":")
    fn: Callable[..., Any] = getattr(import_module(module), name)
    return fn


# ---------------------------------------------------------------- writers and readers


def write_json(person: Person) -> bytes:
    from spasmtrack.interop.native import export_document

    return json.dumps(export_document(person), indent=2).encode()


def write_csv_zip(person: Person) -> bytes:
    from spasmtrack.interop.native import export_csv_zip

    return export_csv_zip(person)


def write_fhir(person: Person) -> bytes:
    from spasmtrack.interop.fhir import export_bundle

    return json.dumps(export_bundle(person), indent=2, ensure_ascii=False).encode()


def _document(file: Path, csv_zip: bool) -> Any:
    from spasmtrack.exchange import limits
    from spasmtrack.interop.native import read_csv_zip

    limits.check_size(file.stat().st_size, str(file))  # before reading it into memory
    if csv_zip:
        return read_csv_zip(file.read_bytes(), str(file))
    return limits.read_json(file.read_bytes(), str(file))


def read_native(person: Person, file: Path, options: Mapping[str, Any], echo: Echo) -> Imported:
    from spasmtrack.interop.native import import_document

    doc = _document(file, csv_zip=False)
    return Imported(sum(import_document(person, doc, where=str(file)).values()))


def read_native_csv(person: Person, file: Path, options: Mapping[str, Any], echo: Echo) -> Imported:
    from spasmtrack.interop.native import import_document

    doc = _document(file, csv_zip=True)
    return Imported(sum(import_document(person, doc, where=str(file)).values()))


def read_fhir(person: Person, file: Path, options: Mapping[str, Any], echo: Echo) -> Imported:
    from spasmtrack.interop.fhir import import_bundle

    doc = _document(file, csv_zip=False)
    return Imported(sum(import_bundle(person, doc, where=str(file)).values()))


def read_flaredown(person: Person, file: Path, options: Mapping[str, Any], echo: Echo) -> Imported:
    from spasmtrack.interop.flaredown import import_flaredown_file

    summary = import_flaredown_file(person, file, options.get("source_user"))
    for line in summary.lines():
        echo(line)
    written = summary.ratings + summary.treatment_logs + summary.habit_logs
    return Imported(written + summary.weather_values, told=True)


def read_flaredown_user(person: Person, file: Path, options: Mapping[str, Any], echo: Echo) -> None:
    from spasmtrack.interop.flaredown_user import flaredown_user_cli

    kinds = options.get("kind") or []
    dry_run = bool(options.get("dry_run"))
    flaredown_user_cli(person, file, options.get("notes"), kinds, dry_run, echo)


# ---------------------------------------------------------------- the registry

_HERE = __name__
EXPORT_FORMATS: dict[str, ExportFormat] = {
    f.name: f
    for f in (
        ExportFormat("json", f"{_HERE}:write_json", ".json", "application/json", "Download JSON"),
        ExportFormat(
            "csv",
            f"{_HERE}:write_csv_zip",
            ".zip",
            "application/zip",
            "Download CSV (zip)",
            needs_file="zip file",
        ),
        ExportFormat("fhir", f"{_HERE}:write_fhir", ".json", "application/fhir+json"),
    )
}
IMPORT_FORMATS: dict[str, ImportFormat] = {
    f.name: f
    for f in (
        ImportFormat("json", f"{_HERE}:read_native"),
        ImportFormat("csv", f"{_HERE}:read_native_csv"),
        ImportFormat("fhir", f"{_HERE}:read_fhir"),
        ImportFormat("flaredown", f"{_HERE}:read_flaredown", ("source_user",)),
        ImportFormat(
            "flaredown-user", f"{_HERE}:read_flaredown_user", ("notes", "kind", "dry_run")
        ),
        # Weather, sleep and activity (the measures app).
        ImportFormat("apple-health", "spasmtrack.measures.cli:read_apple_health"),
        ImportFormat("fitbit", "spasmtrack.measures.cli:read_fitbit"),
        ImportFormat("metrics-csv", "spasmtrack.measures.cli:read_metrics_csv"),
        ImportFormat("weather-csv", "spasmtrack.measures.cli:read_weather_csv"),
    )
}


def choices(names: Any) -> str:
    """ "a, b or c", for help texts and messages."""
    names = list(names)
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"


def page_exports() -> list[ExportFormat]:
    """The exports offered as downloads on the Settings page."""
    return [f for f in EXPORT_FORMATS.values() if f.label]

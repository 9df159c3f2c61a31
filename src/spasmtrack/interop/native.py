"""Spasmtrack's own export format (JSON document, or a zip of CSVs) and its import.

The export holds everything a person has: their time zone (as information: import never
changes the importer's), their own catalogue additions, every live diary entry, questionnaire
responses, the questions for their next visit, nutrition (intakes, profile, ergonomics
checklist, recorded changes) and self-experiments (each trial with its recorded seed, its event
log and adherence answers). Ids, local days and timestamps are kept, so export → import →
export gives the same document (apart from `exported_at`).

The document is built from `SECTIONS`, an ordered registry: each section names its key (the
JSON key and CSV file name), how to export the person's rows (JSON-ready dicts in a stable
order) and how to import them. Adding a kind of data is one entry there. Sections import in
registry order, so anything a row refers to (a custom treatment, a symptom a trial measures, the
trial of an adherence answer) is in place before it is needed.

Import is all-or-nothing: every row is validated by the owning app's own rules (its input
schemas, `QuestionnaireResponse.record`, `check_design`, ...) inside one transaction, and the
first bad row aborts it with file, section, row and reason.
"""

from __future__ import annotations

import csv
import io
import json
import uuid
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Literal

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models, transaction
from django.db.models import ProtectedError
from django.utils.timezone import now
from pydantic import AwareDatetime, BaseModel, Field, ValidationError

from spasmtrack.accounts.models import Person
from spasmtrack.diary.entries import (
    RESOURCES,
    EntryError,
    Resource,
    create_entry,
    entries_for,
    require_plausible,
)
from spasmtrack.diary.models import Habit, Treatment
from spasmtrack.interop import limits
from spasmtrack.interop.limits import ImportRefused
from spasmtrack.interop.snapshot import read_snapshot
from spasmtrack.nutrition.intakes import log_intake
from spasmtrack.nutrition.lifestyle import record_change
from spasmtrack.nutrition.models import ChangeEvent, ChecklistStatus, Intake, NutritionProfile
from spasmtrack.nutrition.schemas import (
    ChangeIn,
    ChangeOut,
    ChecklistIn,
    IntakeIn,
    IntakeOut,
    ProfileIn,
    known_checklist_item,
)
from spasmtrack.questionnaires.models import QuestionnaireResponse
from spasmtrack.reports.models import MAX_QUESTIONS_CHARS, VisitQuestions
from spasmtrack.trials.days import asked_about
from spasmtrack.trials.design import check_design
from spasmtrack.trials.models import AdherenceAnswer, Trial, TrialEvent
from spasmtrack.trials.schemas import EventOut, TrialOut

FORMAT = "spasmtrack-export"
VERSION = 1
PLANNING_HORIZON = timedelta(days=366)  # an experiment may be planned up to a year ahead
CATALOGUES = {
    "treatments": (Treatment, ("key", "name", "unit", "category")),
    "habits": (Habit, ("key", "name", "unit", "kind", "category")),
}
COMPLEX = ("regions",)  # diary cells holding a list or mapping, JSON-encoded in CSV

Row = dict[str, Any]
Exporter = Callable[[Person], list[Row]]
Importer = Callable[[Person, list[Row], str], None]
RowImporter = Callable[[Person, Row], None]


@dataclass(frozen=True)
class Section:
    """One kind of data in the document.

    `export(person)` returns the person's rows as JSON-ready dicts in a stable order (the same
    order after a round trip). `load(person, rows, where)` writes them or raises
    ImportRefused(where, row, reason) at the first bad row (the caller's transaction then
    undoes the rest). `columns` is the CSV header; cells of `complex` columns hold JSON.
    `stored(person)` is every row the person has of this kind, binned ones included (for
    `has_data` and `delete_person_data`). A catalogue section (`catalogue=True`) does not make
    a diary non-empty, and its rows stay when something else still points at them.
    """

    key: str
    columns: tuple[str, ...]
    export: Exporter
    load: Importer
    stored: Callable[[Person], models.QuerySet[Any]]
    complex: frozenset[str] = frozenset()
    catalogue: bool = False


# ---------------------------------------------------------------- row-by-row import


def _reason(e: Exception) -> str:
    if isinstance(e, ValidationError):
        err = e.errors(include_url=False)[0]
        loc = ".".join(map(str, err["loc"])) or "row"
        return f"{loc}: {err['msg']}"
    if isinstance(e, DjangoValidationError):
        return "; ".join(e.messages)
    return str(e)


def _load_rows(
    load_row: RowImporter, person: Person, rows: list[Row], where: str, start: int = 1
) -> None:
    """Load rows one by one; the first one refused raises ImportRefused naming its number."""
    for i, row in enumerate(rows, start=start):
        try:
            load_row(person, row)
        except (ValueError, DjangoValidationError) as e:  # pydantic's is a ValueError too
            raise ImportRefused(where, i, _reason(e)) from None
        except OverflowError:  # a date at the very edge of the calendar, moved by a time zone
            raise ImportRefused(where, i, "a date or time is out of range") from None


def _each_row(load_row: RowImporter) -> Importer:
    """A section importer from a one-row importer that raises ValueError for a bad row."""
    return lambda person, rows, where: _load_rows(load_row, person, rows, where)


def _at_most_one(what: str, load_row: RowImporter) -> Importer:
    """An importer for something a person has once (a profile, a notepad)."""
    each = _each_row(load_row)

    def load(person: Person, rows: list[Row], where: str) -> None:
        if len(rows) > 1:
            raise ImportRefused(where, 2, f"a person has only one {what}")
        each(person, rows, where)

    return load


def _json(model: type[BaseModel], data: Any) -> Row:
    """`data` (an object or a dict) through `model`, as JSON-ready values."""
    return model.model_validate(data, from_attributes=True).model_dump(mode="json")


def _new_code(model: type[models.Model], code: uuid.UUID | None, what: str) -> uuid.UUID:
    """The code to give a new row: the exported one (refused if taken) or a fresh one."""
    if code is None:
        return uuid.uuid4()
    if model.objects.filter(code=code).exists():
        raise ValueError(f"{what} {code} already exists")
    return code


def _pin(obj: models.Model, **fields: Any) -> None:
    """Set fields an app's create function derives (code, local day, timestamps) to the
    exported values, so the round trip keeps them. One filtered update, no re-validation."""
    type(obj).objects.filter(pk=obj.pk).update(**fields)
    for k, v in fields.items():
        setattr(obj, k, v)


def _same_or_refuse(existing: Row, incoming: Row, what: str) -> bool:
    """True when the person already has exactly this (skip it); ValueError when different.

    Import adds and never overwrites, as with entries: a different value already there is
    refused rather than silently replaced.
    """
    if existing == incoming:
        return True
    raise ValueError(f"you already have {what} that differs: change or clear it first")


# ---------------------------------------------------------------- catalogues and diary


def _catalogue_row(person: Person, model: Any, fields: tuple[str, ...], row: Row) -> None:
    """Add one of the person's own catalogue entries; a key they already own is reused."""
    missing = [f for f in ("key", "name") if not row.get(f)]
    if missing:
        raise ValueError(f"{', '.join(missing)} missing")
    existing = model.objects.filter(key=row["key"]).first()
    if existing is not None:
        if existing.owner_id != person.id:
            raise ValueError(f"key {row['key']!r} belongs to another catalogue entry")
        return
    obj = model(owner=person, **{f: row[f] for f in fields if f in row})
    try:
        obj.full_clean(exclude=["owner"])
    except Exception as e:
        raise ValueError(str(e)) from None
    obj.save()


class _Stamps(BaseModel):
    updated: AwareDatetime | None = None
    version: int | None = Field(None, ge=1, le=2**31 - 1)


def _entry_row(person: Person, res: Resource, row: Row) -> None:
    """Add one diary entry through `create_entry`, keeping its id and local day."""
    fields = res.schema_in.model_fields
    data = {k: v for k, v in row.items() if k in fields}
    extra: dict[str, Any] = {}
    if "id" in row:
        if res.model.objects.filter(code=row["id"]).exists():
            raise ValueError(f"entry {row['id']} already exists")
        extra["code"] = row["id"]
    if "local_date" in row and "local_date" not in fields:
        # Keep the day it was logged on, even if the time zone changed since.
        extra["local_date"] = date.fromisoformat(str(row["local_date"]))
    extra |= _Stamps.model_validate(row).model_dump(exclude_none=True)  # kept on round trip
    try:
        create_entry(person, res, data, **extra)
    except EntryError as e:
        raise ValueError(str(e)) from None


def _import_catalogue_row(
    person: Person, model: Any, fields: tuple[str, ...], row: Row, where: str, i: int
) -> None:
    """`_catalogue_row`, refusing with ImportRefused(where, i, reason) (used by fhir.py)."""
    _load_rows(lambda p, r: _catalogue_row(p, model, fields, r), person, [row], where, i)


def _import_entry(person: Person, res: Resource, row: Row, where: str, i: int) -> None:
    """`_entry_row`, refusing with ImportRefused(where, i, reason) (used by fhir.py)."""
    _load_rows(lambda p, r: _entry_row(p, res, r), person, [row], where, i)


def _catalogue_section(name: str, model: Any, fields: tuple[str, ...]) -> Section:
    return Section(
        key=f"custom-{name}",
        columns=fields,
        export=lambda person: list(
            model.objects.filter(owner=person).order_by("key").values(*fields)
        ),
        load=_each_row(lambda person, row: _catalogue_row(person, model, fields, row)),
        stored=lambda person: model.objects.filter(owner=person),
        catalogue=True,
    )


def _resource_section(res: Resource) -> Section:
    def export(person: Person) -> list[Row]:
        qs = entries_for(person, res).order_by(res.order.lstrip("-"), "id")
        return [res.schema_out.model_validate(e).model_dump(mode="json") for e in qs]

    columns = tuple(res.schema_out.model_fields)
    return Section(
        key=res.name,
        columns=columns,
        export=export,
        load=_each_row(lambda person, row: _entry_row(person, res, row)),
        stored=lambda person: res.model.objects.filter(person=person),
        complex=frozenset(COMPLEX) & set(columns),
    )


# ---------------------------------------------------------------- questionnaires, visit


class ResponseRow(BaseModel):
    """What import reads of a questionnaire response (scores are recomputed, never read)."""

    id: uuid.UUID | None = None
    kind: str
    answered_at: AwareDatetime
    local_date: date | None = None
    answers: dict[str, Any]


RESPONSE_COLUMNS = ("id", "kind", "answered_at", "local_date", "answers", "scores")
RESPONSE_COLUMNS += ("interpretation",)


def _export_responses(person: Person) -> list[Row]:
    qs = QuestionnaireResponse.objects.filter(person=person).order_by("answered_at", "code")
    return [dict(r.to_dict()) for r in qs]


def _load_response(person: Person, row: Row) -> None:
    r = ResponseRow.model_validate(row)
    code = _new_code(QuestionnaireResponse, r.id, "questionnaire response")
    require_plausible(person, local_date=r.local_date)
    # record() scores the answers first: anything the form or API would refuse is refused.
    saved = QuestionnaireResponse.record(person, r.kind, r.answers, answered_at=r.answered_at)
    _pin(saved, code=code, local_date=r.local_date or saved.local_date)


class VisitQuestionsRow(BaseModel):
    text: str = Field("", max_length=MAX_QUESTIONS_CHARS)
    updated: AwareDatetime | None = None


def _export_visit_questions(person: Person) -> list[Row]:
    return [_json(VisitQuestionsRow, q) for q in VisitQuestions.objects.filter(person=person)]


def _load_visit_questions(person: Person, row: Row) -> None:
    r = VisitQuestionsRow.model_validate(row)
    text = VisitQuestions.objects.text_for(person)
    if text and _same_or_refuse({"text": text}, {"text": r.text.strip()}, "visit questions"):
        return
    saved = VisitQuestions.save_for(person, r.text)
    if r.updated is not None:
        _pin(saved, updated=r.updated)


# ---------------------------------------------------------------- nutrition


def _export_intakes(person: Person) -> list[Row]:
    qs = Intake.objects.filter(person=person).live().order_by("at", "code")
    return [_json(IntakeOut, i) for i in qs]


class _Entry(BaseModel):
    id: uuid.UUID | None = None
    local_date: date | None = None


def _load_intake(person: Person, row: Row) -> None:
    ident = _Entry.model_validate(row)
    code = _new_code(Intake, ident.id, "intake")
    require_plausible(person, local_date=ident.local_date)
    data = IntakeIn.model_validate({k: v for k, v in row.items() if k in IntakeIn.model_fields})
    saved = log_intake(person, data)
    _pin(saved, code=code, local_date=ident.local_date or saved.local_date)


class ProfileRow(ProfileIn):
    updated: AwareDatetime | None = None


def _export_profile(person: Person) -> list[Row]:
    return [
        _json(ProfileRow, {"age": p.age, "sex": p.sex_or_none, "updated": p.updated})
        for p in NutritionProfile.objects.filter(person=person)
    ]


def _load_profile(person: Person, row: Row) -> None:
    r = ProfileRow.model_validate(row)
    found = NutritionProfile.objects.filter(person=person).first()
    if found is not None:
        have = {"age": found.age, "sex": found.sex_or_none}
        if have == {"age": None, "sex": None}:
            found.delete()  # a blank profile says nothing: the document's replaces it
        elif _same_or_refuse(have, {"age": r.age, "sex": r.sex}, "a nutrition profile"):
            return
    NutritionProfile.objects.create(
        person=person, age=r.age, sex=r.sex or "", updated=r.updated or now()
    )


class ChecklistRow(ChecklistIn):
    item: str
    local_date: date  # type: ignore[assignment]  # required here: the day it was set
    updated: AwareDatetime | None = None


def _export_checklist(person: Person) -> list[Row]:
    qs = ChecklistStatus.objects.filter(person=person).order_by("item")
    return [_json(ChecklistRow, s) for s in qs]


def _load_checklist(person: Person, row: Row) -> None:
    r = ChecklistRow.model_validate(row)
    if not known_checklist_item(r.item):
        raise ValueError(f"item: unknown checklist item {r.item!r}")
    found = ChecklistStatus.objects.filter(person=person, item=r.item).first()
    if found is not None:
        have = {"status": found.status, "local_date": found.local_date}
        incoming = {"status": r.status, "local_date": r.local_date}
        _same_or_refuse(have, incoming, f"a status for checklist item {r.item!r}")
        return
    saved = ChecklistStatus.set(person, r.item, r.status, r.local_date)
    if r.updated is not None:
        _pin(saved, updated=r.updated)


def _export_changes(person: Person) -> list[Row]:
    qs = ChangeEvent.objects.filter(person=person).live().order_by("local_date", "code")
    return [_json(ChangeOut, c) for c in qs]


def _load_change(person: Person, row: Row) -> None:
    code = _new_code(ChangeEvent, _Entry.model_validate(row).id, "change")
    data = ChangeIn.model_validate({k: v for k, v in row.items() if k in ChangeIn.model_fields})
    _pin(record_change(person, data), code=code)


# ---------------------------------------------------------------- self-experiments


class TrialRow(BaseModel):
    """A trial as stored: the design, and the seed that randomised it (never re-drawn)."""

    id: uuid.UUID | None = None
    title: str = Field("", max_length=200)
    treatment_a: str = "usual"
    treatment_b: str
    outcome: str = "spasm_burden"
    mcid: float = 1.0
    period_days: int = 7
    blocks: int = 3
    washout_days: int = 0
    start: date
    seed: int = Field(ge=0, lt=2**63)
    status: Literal["planned", "running", "paused", "stopped", "finished"] = "planned"
    power: float | None = Field(None, ge=0, le=1)
    power_note: str = ""
    created: AwareDatetime | None = None


def _trials_of(person: Person) -> Any:
    return Trial.objects.for_person(person).order_by("created", "code")


def _export_trials(person: Person) -> list[Row]:
    return [_json(TrialOut, t.to_dict()) for t in _trials_of(person)]


def _load_trial(person: Person, row: Row) -> None:
    r = TrialRow.model_validate(row)
    code = _new_code(Trial, r.id, "experiment")
    require_plausible(person, PLANNING_HORIZON, start=r.start, created=r.created)
    # The design rules of the form and API, judged as on the day it started (a start in the
    # past is refused when creating, not when restoring).
    design_keys = ("title", "treatment_a", "treatment_b", "outcome", "mcid", "period_days")
    design_keys += ("blocks", "washout_days", "start")
    design = check_design(person, r.model_dump(include=set(design_keys)), today=r.start)
    Trial.objects.create(
        person=person,
        code=code,
        title=design.title,
        treatment_a=design.treatment_a,
        treatment_b=design.treatment_b,
        outcome=design.outcome,
        mcid=design.mcid,
        period_days=design.period_days,
        blocks=design.blocks,
        washout_days=design.washout_days,
        start=design.start,
        seed=r.seed,
        status=r.status,
        power=r.power,
        power_note=r.power_note,
        created=r.created or now(),
    )


def _own_trial(person: Person, code: uuid.UUID) -> Trial:
    found = Trial.objects.for_person(person).filter(code=code).first()
    if found is None:
        raise ValueError(f"trial: no experiment {code} (it must be in the trials section)")
    return found


class TrialEventRow(EventOut):
    trial: uuid.UUID
    reason: str = ""
    detail: dict[str, object] = Field(default_factory=dict)


def _export_trial_events(person: Person) -> list[Row]:
    qs = TrialEvent.objects.filter(trial__person=person).select_related("trial")
    qs = qs.order_by("trial__created", "trial__code", "at", "id")
    return [_json(TrialEventRow, {**_json(EventOut, e), "trial": e.trial.code}) for e in qs]


def _load_trial_event(person: Person, row: Row) -> None:
    r = TrialEventRow.model_validate(row)
    if r.kind not in TrialEvent.Kind.values:
        raise ValueError(f"kind: unknown experiment event {r.kind!r}")
    require_plausible(person, at=r.at, local_date=r.local_date)
    TrialEvent.objects.create(
        trial=_own_trial(person, r.trial),
        kind=r.kind,
        at=r.at,
        local_date=r.local_date,
        reason=r.reason,
        detail=r.detail,
    )


class AnswerRow(BaseModel):
    trial: uuid.UUID
    local_date: date
    asked_about: Literal["A", "B"]
    used: bool
    answered_at: AwareDatetime


def _export_answers(person: Person) -> list[Row]:
    qs = AdherenceAnswer.objects.filter(trial__person=person).select_related("trial")
    qs = qs.order_by("trial__created", "trial__code", "answered_at", "id")
    return [
        _json(
            AnswerRow,
            {
                "trial": a.trial.code,
                "local_date": a.local_date,
                "asked_about": a.asked_about,
                "used": a.used,
                "answered_at": a.answered_at,
            },
        )
        for a in qs
    ]


def _load_answer(person: Person, row: Row) -> None:
    r = AnswerRow.model_validate(row)
    require_plausible(person, local_date=r.local_date, answered_at=r.answered_at)
    trial = _own_trial(person, r.trial)
    s = trial.schedule
    if not s.start <= r.local_date <= s.end:
        raise ValueError(f"local_date: {r.local_date} is not a day of experiment {r.trial}")
    expected = asked_about(trial, s.days[(r.local_date - s.start).days].condition)
    if r.asked_about != expected:
        raise ValueError(f"asked_about: the question on {r.local_date} was about {expected}")
    AdherenceAnswer.objects.create(
        trial=trial,
        local_date=r.local_date,
        asked_about=r.asked_about,
        used=r.used,
        answered_at=r.answered_at,
    )


# ---------------------------------------------------------------- the registry


def _columns(*models_: type[BaseModel], first: Iterable[str] = ()) -> tuple[str, ...]:
    out = list(first)
    for m in models_:
        out += [f for f in m.model_fields if f not in out]
    return tuple(out)


def feature_sections() -> tuple[Section, ...]:
    """Sections feature apps declare: an AppConfig naming a module in `export_sections`
    whose `sections(Section, each_row)` returns that app's Sections (they go last, so
    anything they refer to is in place first)."""
    from importlib import import_module

    from django.apps import apps

    out: list[Section] = []
    for config in apps.get_app_configs():
        if path := getattr(config, "export_sections", None):
            out += import_module(path).sections(Section, _each_row)
    return tuple(out)


SECTIONS: tuple[Section, ...] = (
    *(_catalogue_section(name, model, fields) for name, (model, fields) in CATALOGUES.items()),
    *(_resource_section(res) for res in RESOURCES.values()),
    Section(
        "questionnaire-responses",
        RESPONSE_COLUMNS,
        _export_responses,
        _each_row(_load_response),
        lambda p: QuestionnaireResponse.objects.filter(person=p),
        frozenset({"answers", "scores"}),
    ),
    Section(
        "visit-questions",
        _columns(VisitQuestionsRow),
        _export_visit_questions,
        _at_most_one("list of visit questions", _load_visit_questions),
        lambda p: VisitQuestions.objects.filter(person=p),
    ),
    Section(
        "nutrition-profile",
        _columns(ProfileRow),
        _export_profile,
        _at_most_one("nutrition profile", _load_profile),
        lambda p: NutritionProfile.objects.filter(person=p),
    ),
    Section(
        "checklist",
        _columns(ChecklistRow, first=("item",)),
        _export_checklist,
        _each_row(_load_checklist),
        lambda p: ChecklistStatus.objects.filter(person=p),
    ),
    Section(
        "intakes",
        _columns(IntakeOut),
        _export_intakes,
        _each_row(_load_intake),
        lambda p: Intake.objects.filter(person=p),
        frozenset({"nutrients"}),
    ),
    Section(
        "changes",
        _columns(ChangeOut),
        _export_changes,
        _each_row(_load_change),
        lambda p: ChangeEvent.objects.filter(person=p),
    ),
    Section(
        "trials",
        _columns(TrialOut),
        _export_trials,
        _each_row(_load_trial),
        lambda p: Trial.objects.filter(person=p),
        frozenset({"orders"}),
    ),
    Section(
        "trial-events",
        _columns(TrialEventRow, first=("trial",)),
        _export_trial_events,
        _each_row(_load_trial_event),
        lambda p: TrialEvent.objects.filter(trial__person=p),
        frozenset({"detail"}),
    ),
    Section(
        "adherence-answers",
        _columns(AnswerRow),
        _export_answers,
        _each_row(_load_answer),
        lambda p: AdherenceAnswer.objects.filter(trial__person=p),
    ),
    *feature_sections(),
)
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
        meta = {k: doc[k] for k in ("format", "version", "exported_at", "tz")}
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
    The zip is read within the limits of `interop/limits.py`: a zip bomb, a broken
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
    with transaction.atomic():
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

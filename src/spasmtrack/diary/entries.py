"""Ownership and writes of diary entries, shared by pages, the API, import and the CLI.

Every lookup by code goes through `accounts.owned.owned_or_404(person, entries_for(person,
res), code)`, which scopes the query to one person and raises Http404 for anyone else's (or a
binned) entry, so another person's id looks exactly like an id that does not exist.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from importlib import import_module
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeVar, cast, overload

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet, UniqueConstraint
from django.http import Http404
from django.utils.timezone import now

from spasmtrack.accounts.models import Person
from spasmtrack.core.plausible import CLOCK_SKEW, day_problem, instant_problem
from spasmtrack.diary.models import (
    DailyCheckin,
    Entry,
    EntryQuerySet,
    Habit,
    HabitLog,
    MuscleEvent,
    PainDrawing,
    SymptomRating,
    Treatment,
    TreatmentLog,
    TriggerPoint,
)

if TYPE_CHECKING:
    from django import forms
    from pydantic import BaseModel as Schema  # the input shapes are plain pydantic


class EntryError(ValueError):
    """A write refused for a reason the person can fix (field, message)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


E_co = TypeVar("E_co", bound=Entry, covariant=True)
E = TypeVar("E", bound=Entry)  # one kind of entry, in and out of a function


@dataclass(frozen=True)
class Resource(Generic[E_co]):
    """One kind of diary entry: the descriptor that the API, pages, export and import, the
    insights cache and the authorization matrix all read.

    Adding a kind is a model, its two schemas (and a form, for pages) plus one entry in
    `RESOURCES`; the API routes, export section, history filter, edit page, per-day check,
    authorization sample and FHIR resources (a generic Observation, `diary.fhir._generic`,
    unless `diary.fhir.ADAPTERS` maps the kind by hand) follow from here.
    """

    name: str  # URL segment and export key, e.g. "muscle-events"
    model: type[E_co]
    schema_in_name: str  # in diary/inputs.py (pydantic) and diary/schemas.py (ninja), imported
    schema_out_name: str  # on first use: both stay out of `django.setup()`, ninja out of `log`
    order: str  # newest first
    select: tuple[str, ...] = ()
    label: str = ""  # plural, as History's filter names the kind
    # History filters by these values of the model's `kind` instead of by the whole kind.
    kinds: tuple[tuple[str, str], ...] = ()
    form_name: str = ""  # edit form in diary/forms.py; "" = edited through the API only
    insights: bool = False  # read by the insights analysis (a change invalidates its cache)
    sample: Mapping[str, Any] = dataclasses.field(default_factory=dict)  # a minimal valid entry

    @property
    def schema_in(self) -> type[Schema]:
        schema: type[Schema] = getattr(
            import_module("spasmtrack.diary.inputs"), self.schema_in_name
        )
        return schema

    @property
    def schema_out(self) -> type[Schema]:
        schema: type[Schema] = getattr(
            import_module("spasmtrack.diary.schemas"), self.schema_out_name
        )
        return schema

    @property
    def form(self) -> type[forms.Form] | None:
        """The page's edit form, or None when the kind is edited through the API only."""
        if not self.form_name:
            return None
        form: type[forms.Form] = getattr(import_module("spasmtrack.diary.forms"), self.form_name)
        return form

    @property
    def carried(self) -> tuple[Any, ...]:
        """The model's plain fields that no door lays out by hand (`diary.carried`): the API,
        export, import, the edit form and FHIR carry each as its model field defines it."""
        from spasmtrack.diary.carried import carried_names

        return tuple(self.model._meta.get_field(n) for n in carried_names(self.schema_in))

    @property
    def unique_day(self) -> tuple[str, ...]:
        """The fields besides the person that make a live entry "one per day", read from the
        model's partial unique constraint (empty when the kind has none)."""
        return _unique_day(self.model)


@functools.cache
def _unique_day(model: type[Entry]) -> tuple[str, ...]:
    for c in model._meta.constraints:
        if isinstance(c, UniqueConstraint) and c.condition == Q(deleted_at__isnull=True):
            return tuple(f for f in c.fields if f != "person")
    return ()


class Resources(dict[str, Resource[Entry]]):
    """RESOURCES: a plain dict at run time; to mypy, a literal name gives its model's type."""

    if TYPE_CHECKING:

        @overload
        def __getitem__(self, key: Literal["muscle-events"]) -> Resource[MuscleEvent]: ...
        @overload
        def __getitem__(self, key: Literal["pain-drawings"]) -> Resource[PainDrawing]: ...
        @overload
        def __getitem__(self, key: Literal["checkins"]) -> Resource[DailyCheckin]: ...
        @overload
        def __getitem__(self, key: Literal["treatment-logs"]) -> Resource[TreatmentLog]: ...
        @overload
        def __getitem__(self, key: Literal["habit-logs"]) -> Resource[HabitLog]: ...
        @overload
        def __getitem__(self, key: Literal["symptom-ratings"]) -> Resource[SymptomRating]: ...
        @overload
        def __getitem__(self, key: Literal["trigger-points"]) -> Resource[TriggerPoint]: ...
        @overload
        def __getitem__(self, key: str) -> Resource[Entry]: ...
        def __getitem__(self, key: str) -> Resource[Entry]:
            return super().__getitem__(key)


RESOURCES = Resources(
    (r.name, r)
    for r in (
        Resource(
            "muscle-events",
            MuscleEvent,
            "MuscleEventIn",
            "MuscleEventOut",
            "-started_at",
            ("trigger_habit",),
            label="Spasms and twitches",
            kinds=(("spasm", "Spasms"), ("twitch", "Twitches")),
            form_name="MuscleEventForm",
            insights=True,
            sample={"kind": "spasm", "intensity": 6, "regions": ["calf_left"]},
        ),
        Resource(
            "pain-drawings",
            PainDrawing,
            "PainDrawingIn",
            "PainDrawingOut",
            "-at",
            label="Pain drawings",
            form_name="PainDrawingForm",
            insights=True,
            sample={"regions": {"calf_left": 5}},
        ),
        Resource(
            "checkins",
            DailyCheckin,
            "CheckinIn",
            "CheckinOut",
            "-local_date",
            label="Check-ins",
            form_name="CheckinForm",
            insights=True,
            sample={"local_date": "2024-01-02", "overall_pain": 5},
        ),
        Resource(
            "treatment-logs",
            TreatmentLog,
            "TreatmentLogIn",
            "TreatmentLogOut",
            "-at",
            ("treatment", "recorded_by__user"),
            label="Treatments",
            form_name="TreatmentLogForm",
            insights=True,
            sample={"treatment": "heat"},
        ),
        Resource(
            "habit-logs",
            HabitLog,
            "HabitLogIn",
            "HabitLogOut",
            "-local_date",
            ("habit",),
            label="Habits",
            insights=True,
            sample={"habit": "hours_sitting", "local_date": "2024-01-02", "value": 3},
        ),
        Resource(
            "symptom-ratings",
            SymptomRating,
            "SymptomRatingIn",
            "SymptomRatingOut",
            "-local_date",
            label="Symptoms",
            insights=True,
            sample={"name": "fog", "local_date": "2024-01-02", "value": 4},
        ),
        Resource(
            "trigger-points",
            TriggerPoint,
            "TriggerPointIn",
            "TriggerPointOut",
            "-at",
            ("recorded_by__user",),
            label="Trigger points",
            sample={"muscle": "upper_trapezius", "side": "left", "tenderness": 6},
        ),
    )
)


def entries_for(person: Person, res: Resource[E]) -> EntryQuerySet[E]:
    # (the plugin types `objects` of a type variable as its bound's manager)
    qs = cast("EntryQuerySet[E]", res.model.objects.filter(person=person).live())
    # (select_related() with no names would follow every foreign key: name them or none)
    return qs.select_related(*res.select) if res.select else qs


def treatments_for(person: Person) -> QuerySet[Treatment]:
    """The shared catalogue plus the person's own treatments."""
    return Treatment.objects.filter(Q(owner__isnull=True) | Q(owner=person))


def habits_for(person: Person) -> QuerySet[Habit]:
    return Habit.objects.filter(Q(owner__isnull=True) | Q(owner=person))


# Instants left out when None, so that the model's default ("now") applies.
_DEFAULTED_INSTANTS = ("at", "started_at")
# Fields holding a catalogue key, and where the person's choices are.
_CATALOGUE_FIELDS = (
    ("treatment", treatments_for),
    ("habit", habits_for),
    ("trigger_habit", habits_for),
)


def _resolve(
    person: Person, data: dict[str, Any], cache: dict[Any, Any] | None = None
) -> dict[str, Any]:
    """Turn catalogue keys into rows the person may use; unknown keys are a field error.

    `cache` ((field, key) -> row), when given, is read and filled, so a bulk import looks
    each key up once instead of once a row."""
    out = dict(data)
    for field, qs in _CATALOGUE_FIELDS:
        if field in out:
            key = out[field]
            if key is None:
                continue
            obj = cache.get((field, key)) if cache is not None else None
            if obj is None:
                obj = qs(person).filter(key=key).first()
            if obj is None:
                raise EntryError(field, f"unknown {field.replace('_', ' ')} {key!r}")
            if cache is not None:
                cache[(field, key)] = obj
            out[field] = obj
    for field in _DEFAULTED_INSTANTS:
        if field in out and out[field] is None:
            del out[field]
    return out


# Fields the model-level check leaves alone: set by the server (person, code, local_date), or
# catalogue rows that _resolve has already checked the person may use.
_NOT_FIELD_CHECKED = frozenset(
    {"person", "code", "local_date", "treatment", "habit", "trigger_habit"}
)


_UNSEEN = object()
_MEMO_TYPES_OR_UNSEEN = frozenset({str, int, float, bool, date, datetime, type(_UNSEEN)})


class RowError(Exception):
    """`validate_entries` refused row `index` of its batch; `error` is what `validate_entry`
    raises for that row alone (EntryError, pydantic or Django ValidationError)."""

    def __init__(self, index: int, error: Exception) -> None:
        super().__init__(f"row {index}: {error}")
        self.index = index
        self.error = error


def validate_entry(
    person: Person,
    res: Resource[Entry],
    data: Schema | Mapping[str, Any],
    cache: dict[Any, Any] | None = None,
) -> dict[str, Any]:
    """create_entry's rules without the write: the field values of a new entry, or an error.

    The input schema (if given a mapping), the catalogue keys the person may use, then the
    model's own field rules (`Field.clean`: lengths, choices, validators, exactly what
    `Model.clean_fields` checks) on the values, with no model instance, then the shared date
    rule. The one-per-day rule (`Resource.unique_day`) is left to the caller: one row checks
    it with a query, a bulk import for a whole batch at once. Raises EntryError, pydantic or
    Django ValidationError.

    `cache`, kept by a bulk import across its rows, remembers catalogue rows by key and the
    import's one "now". A bulk import calls `validate_entries`, the same steps for many rows.
    """
    if not isinstance(data, _schema_base()):
        data = _input_schema(res).model_validate(dict(data))
    rows = [data.model_dump()]
    try:
        _check_values(person, res, rows, cache)
    except RowError as e:
        raise e.error from None
    return rows[0]


def validate_entries(
    person: Person,
    res: Resource[Entry],
    rows: Sequence[Mapping[str, Any]],
    cache: dict[Any, Any] | None = None,
) -> list[dict[str, Any]]:
    """`validate_entry` for a batch of mappings: each row's values, in order, or RowError for
    the first refused row (its index, and the error `validate_entry` gives for it alone).

    The same steps and rules, run a step at a time over the whole batch: the input schema per
    row, then each catalogue key, each distinct value of a field (`Field.clean`) and each
    distinct date (the plausible-date rule) once for the batch, since an import's rows repeat
    names, scores and days. Nothing is written."""
    schema = _input_schema(res)
    # model_validate(row).model_dump() without their per-call Python layers (the schema is
    # built: `_built`)
    validate = schema.__pydantic_validator__.validate_python
    dump = schema.__pydantic_serializer__.to_python
    out: list[dict[str, Any]] = []
    for i, row in enumerate(rows):
        try:
            out.append(dump(validate(row if type(row) is dict else dict(row))))
        except ValueError as e:  # pydantic's ValidationError (a ValueError: no import here)
            raise RowError(i, e) from None
    try:
        _check_values(person, res, out, cache)
    except RowError as e:
        # A step refused row e.index; an earlier row may fail a later step: the first
        # refused row is the one named (found row by row, only on a refusal).
        for i in range(e.index):
            try:
                validate_entry(person, res, rows[i], cache)
            except (ValueError, ValidationError) as earlier:
                raise RowError(i, earlier) from None
        raise
    return out


def _check_values(
    person: Person, res: Resource[Entry], rows: list[dict[str, Any]], cache: dict[Any, Any] | None
) -> None:
    """The steps after the schema, on schema-valid values, in place: catalogue keys, the model
    field rules, the date rule. RowError names the first refused row."""
    _resolve_rows(person, rows, {} if cache is None else cache)
    _clean_fields(res, rows)
    _plausible_rows(person, rows, cache)


def _resolve_rows(person: Person, rows: list[dict[str, Any]], cache: dict[Any, Any]) -> None:
    """`_resolve` for a batch, each distinct key looked up once (and kept in `cache`)."""
    if not rows:
        return
    first = rows[0]
    for field, _ in _CATALOGUE_FIELDS:
        if field not in first:
            continue
        for i, values in enumerate(rows):
            key = values[field]
            if key is None:
                continue
            obj = cache.get((field, key))
            if obj is None:
                try:
                    obj = _resolve(person, {field: key}, cache)[field]
                except EntryError as e:
                    raise RowError(i, e) from None
            values[field] = obj
    for field in _DEFAULTED_INSTANTS:
        if field in first:
            for values in rows:
                if values.get(field, _UNSEEN) is None:
                    del values[field]


def _clean_fields(res: Resource[Entry], rows: list[dict[str, Any]]) -> None:
    """The model's field rules (`Field.clean`, no instance: it depends on the value alone),
    each distinct value of a field once (values of the plain types, told apart by type too:
    1, 1.0 and True are three values). On a refusal, the first refused row gets every field
    error of its own, as `validate_entry` gives them."""
    if not rows:
        return
    fields = _checked_fields(res.model)
    first_bad = len(rows)
    for name in _keys(rows):
        field = fields.get(name)
        if field is None:
            continue
        column = _column(rows[:first_bad], name)
        if set(map(type, column)) <= _MEMO_TYPES_OR_UNSEEN:
            bad = _clean_distinct(field, rows, name, column)
        else:  # a list, a dict: each row's own
            bad = _clean_each(field, rows, name, column)
        if bad is not None:
            first_bad = bad
    if first_bad < len(rows):
        raise RowError(first_bad, _field_errors(fields, rows[first_bad]))


def _clean_distinct(
    field: Any, rows: list[dict[str, Any]], name: str, column: list[Any]
) -> int | None:
    """Field.clean on each distinct value of the column; the first refused row's index."""
    cleaned: dict[tuple[type, Any], Any] = {}
    refused = False
    changed = False
    for key in set(zip(map(type, column), column, strict=True)):
        value = key[1]
        if value is _UNSEEN or (field.blank and value in field.empty_values):
            cleaned[key] = value
            continue
        try:
            clean = cleaned[key] = field.clean(value, None)
        except ValidationError:
            refused = True
            continue
        changed = changed or clean is not value
    if refused:
        return next(i for i, v in enumerate(column) if (type(v), v) not in cleaned)
    if changed:  # (the usual clean gives its value back as it is)
        for values, value in zip(rows, column, strict=False):
            clean = cleaned[(type(value), value)]
            if clean is not value:
                values[name] = clean
    return None


def _clean_each(field: Any, rows: list[dict[str, Any]], name: str, column: list[Any]) -> int | None:
    for i, value in enumerate(column):
        if value is _UNSEEN or (field.blank and value in field.empty_values):
            continue
        try:
            rows[i][name] = field.clean(value, None)
        except ValidationError:
            return i
    return None


def _column(rows: list[dict[str, Any]], name: str, missing: Any = _UNSEEN) -> list[Any]:
    """The rows' values of `name`, `missing` where a row has none."""
    try:
        return [values[name] for values in rows]
    except KeyError:
        return [values.get(name, missing) for values in rows]


def _keys(rows: list[dict[str, Any]]) -> set[str]:
    """The field names among a batch's values (rows of one schema share them, but for an
    instant left out when None)."""
    n = len(rows[0])
    return set(rows[0]).union(*(r.keys() for r in rows if len(r) != n))


def _field_errors(fields: Mapping[str, Any], values: Mapping[str, Any]) -> ValidationError:
    """Every model field error of one row (its values as the schema gave them)."""
    errors: dict[str, list[ValidationError]] = {}
    for name, value in values.items():
        field = fields.get(name)
        if field is None or (field.blank and value in field.empty_values):
            continue
        try:
            field.clean(value, None)
        except ValidationError as e:
            errors[name] = e.error_list
    return ValidationError(errors)


def _input_schema(res: Resource[Any]) -> type[Schema]:
    return _built(res.schema_in)  # cached by schema (a Resource holds dicts)


@functools.cache
def _schema_base() -> type[Schema]:
    """pydantic's BaseModel (every input schema's), imported on first use (not at
    django.setup()) and then kept: an import statement per validated row costs a bulk import
    a few per cent."""
    from pydantic import BaseModel

    return BaseModel


@functools.cache
def _built(schema: type[Schema]) -> type[Schema]:
    """The input schema, built: the input schemas defer building to first use (not at
    django.setup()), and `validate_entries` calls its validator directly."""
    schema.model_rebuild()
    return schema


@functools.cache
def _checked_fields(model: type[Entry]) -> dict[str, Any]:
    return {f.name: f for f in model._meta.concrete_fields if f.name not in _NOT_FIELD_CHECKED}


def require_plausible(
    person: Person, ahead: timedelta = CLOCK_SKEW, **fields: date | datetime | None
) -> None:
    """The shared date rule (core.plausible) for every writer: EntryError naming the field."""
    at_now = now()
    for field, value in fields.items():
        if value is None:
            continue
        if problem := _date_problem(value, at_now, person.tz, ahead):
            raise EntryError(field, problem)


def _date_problem(
    value: date | datetime, at_now: datetime, tz: str, ahead: timedelta
) -> str | None:
    if isinstance(value, datetime):
        return instant_problem(value, at_now, tz, ahead)
    return day_problem(value, at_now, tz, ahead)


_DATED = ("at", "started_at", "local_date")
_NOW = ("plausible", "now")  # cache key: a bulk import judges every row against one "now"


def _plausible_entry(person: Person, values: Mapping[str, Any]) -> None:
    """require_plausible on the entry's dates (those among `values`)."""
    require_plausible(person, CLOCK_SKEW, **{f: values.get(f) for f in _DATED if f in values})


def _plausible_rows(
    person: Person, rows: list[dict[str, Any]], cache: dict[Any, Any] | None
) -> None:
    """The date rule on a batch: each distinct (field, value) once, against one "now" (a bulk
    import's `cache` keeps it for the whole import). RowError names the first refused row."""
    if not rows:
        return
    at_now = cache.get(_NOW) if cache is not None else None
    if at_now is None:
        at_now = now()
        if cache is not None:
            cache[_NOW] = at_now
    tz = person.tz
    keys = _keys(rows)
    first_bad: tuple[int, str, str] | None = None
    for field in _DATED:
        if field not in keys:
            continue
        column = _column(rows, field, None)  # (None: an instant left out when None)
        # (two instants of a DST change's repeated hour compare equal: the fold tells them)
        distinct = set(column)
        distinct.discard(None)
        if all(type(v) is date for v in distinct):  # days: no fold
            dated = {(v, 0) for v in distinct}
        else:
            dated = {(v, getattr(v, "fold", 0)) for v in column if v is not None}
        problems = {key: _date_problem(key[0], at_now, tz, CLOCK_SKEW) for key in dated}
        if any(problems.values()):
            i, problem = next(
                (i, p)
                for i, v in enumerate(column)
                if v is not None and (p := problems[(v, getattr(v, "fold", 0))])
            )
            if first_bad is None or i < first_bad[0]:
                first_bad = (i, field, problem)
    if first_bad is not None:
        i, field, problem = first_bad
        raise RowError(i, EntryError(field, problem))


def _check_unique_day(
    person: Person, res: Resource[Entry], values: Mapping[str, Any], exclude: Entry | None
) -> None:
    """Give a clear error instead of an IntegrityError for 'one per day' entries."""
    keys = res.unique_day
    if not keys:
        return
    qs = entries_for(person, res).filter(**{k: values[k] for k in keys})
    if exclude is not None:
        qs = qs.exclude(pk=exclude.pk)
    if qs.exists():
        raise EntryError("local_date", f"there is already an entry for {values['local_date']}")


def create_entry(
    person: Person, res: Resource[E], data: Schema | Mapping[str, Any], **extra: Any
) -> E:
    """Validate (if given a mapping) and save a new entry. Raises EntryError/ValidationError."""
    values = validate_entry(person, res, data)  # dates among the values checked there
    _plausible_entry(person, extra)
    _check_unique_day(person, res, values, None)
    entry = res.model(person=person, **values, **extra)
    # One INSERT, committed on its own (or with the caller's transaction): saving a new entry
    # writes nothing else, so it needs no transaction of its own on the hot path of logging.
    try:
        if transaction.get_connection().in_atomic_block:
            with transaction.atomic():  # a savepoint: the caller's transaction stays usable
                entry.save()
        else:
            entry.save()
    except IntegrityError:  # a "one per day" entry saved at the same moment by another request
        raise EntryError("local_date", "there is already an entry for that day") from None
    return entry


class StaleEntry(Exception):
    """The entry changed since the version the writer saw (optimistic concurrency)."""

    def __init__(self, saved: Entry, expected: int) -> None:
        super().__init__(f"entry {saved.code} is at version {saved.version}, not {expected}")
        self.saved = saved  # the entry as it is now, to show next to the refused change
        self.expected = expected


def update_entry(
    person: Person,
    res: Resource[E],
    entry: E,
    patch: Mapping[str, Any],
    expected_version: int | None = None,
) -> E:
    """Apply a partial change, re-validating the whole entry as if it were new.

    With `expected_version`, refuse (StaleEntry) when someone saved the entry in between.
    The row is re-read under a write lock (SELECT ... FOR UPDATE on PostgreSQL; SQLite's
    IMMEDIATE transactions already serialise writers), so check and write are one step.
    A "one per day" clash lost to a concurrent request is the same EntryError as on create.
    """
    try:
        with transaction.atomic():
            locked = entries_for(person, res).select_for_update(of=("self",))
            fresh = locked.filter(pk=entry.pk).first()
            if fresh is None:  # binned meanwhile
                raise Http404("No such entry")
            if expected_version is not None and fresh.version != expected_version:
                raise StaleEntry(fresh, expected_version)
            _apply(person, res, fresh, patch)
    except IntegrityError:
        raise EntryError("local_date", "there is already an entry for that day") from None
    # The caller's object shows the saved state too.
    entry.__dict__.update(
        {f.attname: getattr(fresh, f.attname) for f in res.model._meta.concrete_fields}
    )
    return fresh


def _apply(person: Person, res: Resource[Entry], entry: Entry, patch: Mapping[str, Any]) -> None:
    current = res.schema_out.model_validate(entry).model_dump()
    merged = {k: v for k, v in current.items() if k in res.schema_in.model_fields}
    merged.update(patch)
    data = res.schema_in.model_validate(merged)
    values = _resolve(person, data.model_dump())
    _plausible_entry(person, values)
    _check_unique_day(person, res, {**current, **values}, entry)
    for k, v in values.items():
        setattr(entry, k, v)
    if entry.instant_field and entry.instant_field in patch:
        entry.local_date = person.local_date(getattr(entry, entry.instant_field))
    entry.version += 1
    entry.save()

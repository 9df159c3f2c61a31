"""Import of a Flaredown export CSV into a person's diary, all or nothing, in constant memory.

Parsing is `spasmtrack.core.formats.flaredown.iter_flaredown`; this module maps its records:

- Condition and Symptom ratings (0-4) -> SymptomRating with scale_max 4. A symptom called
  "muscle spasms" stays a rating: Flaredown never recorded individual spasm events.
- Treatments -> TreatmentLog, matched to the shared catalogue by name or synonym when exactly
  one catalogue entry matches, else the person's own treatment of that name (created once
  with Treatment.add_custom, category "clinical": most Flaredown treatments are medicines;
  the person can change it). Flaredown keeps only the day, so the log is placed at 12:00 on
  that day in the person's time zone (its local day is the Flaredown day). A dose like
  "20 mg" becomes amount 20 and unit "mg"; any other dose text is kept in the notes.
- Tags -> HabitLog value 1 for a yes/no habit of the same name (shared or the person's
  own), created with Habit.add_custom when missing.
- Foods are counted and skipped: Flaredown records no amount, and an intake needs one, so
  importing them would invent quantities. HBI rows are counted and skipped.
- Weather rows (temperature min/max, pressure, humidity, precipitation) become the person's
  daily weather (`measures.imports.store_flaredown_weather`, in the same transaction) when
  the measures app is installed; otherwise they are counted and skipped.

Duplicates: the same symptom on the same day twice in the file -> the last row wins (its
value is kept and the summary says how many were replaced). The same tag twice on a day is
one habit log. A rating or habit log that already exists in the diary (not from this file)
aborts the import: we never overwrite what the person logged.

Every row is checked with the rules of a single write (`diary.entries.validate_entries`:
validate_entry's steps over a batch of rows) and written as a plain tuple with the driver's
bulk path (`interop.bulk`: COPY on PostgreSQL, executemany on SQLite) in batches inside one
transaction, so a bad row anywhere (even the last) leaves the diary untouched, and the
refusal names the file's first bad line. Memory holds one batch plus the catalogue names
seen, never the whole file.
"""

from __future__ import annotations

import codecs
import csv
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.timezone import now
from pydantic import ValidationError as PydanticValidationError

from spasmtrack.accounts.models import Person
from spasmtrack.core.catalogue import habits as habit_catalogue
from spasmtrack.core.catalogue import treatments as treatment_catalogue
from spasmtrack.core.formats.flaredown import FlaredownError, FlaredownRecord, iter_flaredown
from spasmtrack.core.plausible import day_problem
from spasmtrack.diary.entries import (
    RESOURCES,
    EntryError,
    RowError,
    habits_for,
    treatments_for,
    validate_entries,
)
from spasmtrack.diary.models import Habit, HabitLog, SymptomRating, Treatment, TreatmentLog
from spasmtrack.interop.bulk import EntryRows, new_objects_collected_only
from spasmtrack.interop.native import ImportRefused

BATCH_SIZE = 5000
SCALE_MAX = 4.0
# The diary's own limits, read from its models (a catalogue entry's name and unit).
NAME_MAX = SymptomRating._meta.get_field("name").max_length or 0
CATALOGUE_NAME_MAX = Treatment._meta.get_field("name").max_length or 0
UNIT_MAX = Treatment._meta.get_field("unit").max_length or 0
DOSE = re.compile(r"^\s*(\d+(?:[.,]\d+)?)\s*([^\d\s][^\s]*)?\s*$")
NOON = time(12, 0)
WEATHER_DAYS = 365  # days of weather rows held before they are stored (memory stays flat;
# a store per year of rows, not per few weeks: each store is a few queries and a savepoint)


class FlaredownImportRefused(ImportRefused):
    """A refused Flaredown import: "<file> line <n>: <reason>" (header = line 1)."""

    def __init__(self, where: str, line: int | None, reason: str) -> None:
        at = f"{where} line {line}" if line is not None else where
        ValueError.__init__(self, f"{at}: {reason}")
        self.line = line
        self.reason = reason


@dataclass
class DiaryCounts:
    """What a Flaredown import (this one or `flaredown_user`'s) wrote into the diary."""

    where: str
    ratings: int = 0
    treatment_logs: int = 0
    habit_logs: int = 0
    new_treatments: list[str] = field(default_factory=list)
    new_habits: list[str] = field(default_factory=list)

    def new_entry_lines(self) -> list[str]:
        """The lines naming the treatments and habits the import created."""
        out = []
        if self.new_treatments:
            out.append(f"New treatments of your own: {', '.join(self.new_treatments)}.")
        if self.new_habits:
            out.append(f"New habits of your own: {', '.join(self.new_habits)}.")
        return out


@dataclass
class FlaredownSummary(DiaryCounts):
    """What an import wrote and what it skipped (counts of rows)."""

    duplicate_ratings: int = 0
    foods: int = 0
    weather: int = 0
    weather_values: int = 0
    hbi: int = 0

    def lines(self) -> list[str]:
        """Plain-language lines for the CLI, always naming what was skipped."""
        out = [
            f"Imported from {self.where}: {self.ratings} symptom ratings (0-4 scale), "
            f"{self.treatment_logs} treatment logs, {self.habit_logs} habit logs."
        ]
        if self.duplicate_ratings:
            out.append(
                f"{self.duplicate_ratings} repeated symptom rows (same symptom, same day): "
                "the last one in the file was kept."
            )
        out += self.new_entry_lines()
        if self.foods:
            out.append(
                f"{self.foods} food rows not imported yet (Flaredown records no amount, "
                "and an intake needs one)."
            )
        if self.weather_values:
            out.append(
                f"{self.weather} weather rows read: {self.weather_values} daily weather "
                "values imported (the weather icon rows are left out)."
            )
        if (self.weather and not self.weather_values) or self.hbi:
            skipped = self.weather if not self.weather_values else 0
            out.append(
                f"{skipped} weather rows and {self.hbi} HBI rows skipped "
                "(Spasmtrack does not track them)."
            )
        return out


class _LineCounter:
    """Counts the lines csv.reader has pulled; equals the current row's last line."""

    def __init__(self, lines: Iterable[str]) -> None:
        self._it = iter(lines)
        self.line = 0

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        text = next(self._it)
        self.line += 1
        return text


def _norm(name: str) -> str:
    return " ".join(name.casefold().split())


def _catalogue_index(entries: Iterable[Any]) -> dict[str, set[str]]:
    """Normalised name or synonym -> catalogue ids having it (several = ambiguous)."""
    index: dict[str, set[str]] = {}
    for e in entries:
        for word in (e.name, *e.synonyms):
            index.setdefault(_norm(word), set()).add(e.id)
    return index


def parse_dose(text: str | None) -> tuple[float | None, str, str]:
    """(amount, unit, notes) from Flaredown dose text; unparsed text goes to the notes."""
    if not text:
        return None, "", ""
    m = DOSE.match(text)
    if m and len(m.group(2) or "") <= UNIT_MAX:
        return float(m.group(1).replace(",", ".")), m.group(2) or "", ""
    return None, "", f"Dose: {text}"


class _Importer:
    def __init__(self, person: Person, where: str, batch_size: int) -> None:
        self.now = now()
        self.person = person
        self.where = where
        self.batch_size = batch_size
        self.stamp = now()  # marks rows written by this import (duplicates vs. diary)
        self.summary = FlaredownSummary(where)
        self.treatment_index = _catalogue_index(treatment_catalogue().values())
        self.habit_index = _catalogue_index(
            h for h in habit_catalogue().values() if h.kind == "yes_no"
        )
        # Catalogue rows by name, as written and normalised (`_norm`)
        self.treatments: dict[str, Treatment] = {}
        self.habits: dict[str, Habit] = {}
        # Catalogue rows by key for validate_entries, so each key is looked up once.
        self.resolved: dict[tuple[str, str], Any] = {}
        # Pending rows of the current batch, (line, data) as read: validated a batch at a
        # time (`validate_entries`), then written. Every rating row is validated, even one
        # a later row of its day replaces (the last one wins); one habit log per tag and day.
        self.ratings: list[tuple[int, dict[str, Any]]] = []
        self.rating_keys: set[tuple[str, date]] = set()
        self.habit_logs: dict[tuple[int, date], tuple[int, dict[str, Any]]] = {}
        self.treatment_logs: list[tuple[int, dict[str, Any]]] = []
        self.day_ok: date | None = None  # the last day that passed the date rule
        self.rating_rows = EntryRows(SymptomRating, person, self.stamp, batch_size)
        self.habit_rows = EntryRows(HabitLog, person, self.stamp, batch_size)
        self.treatment_rows = EntryRows(TreatmentLog, person, self.stamp, batch_size)
        # {day: {weather name: (line, value)}}: stored every WEATHER_DAYS days.
        self.weather: dict[date, dict[str, tuple[int, float]]] = {}

    def fail(self, line: int, reason: str) -> FlaredownImportRefused:
        return FlaredownImportRefused(self.where, line, reason)

    def validated(
        self, resource: str, pending: list[tuple[int, dict[str, Any]]]
    ) -> list[dict[str, Any]]:
        """The rows' values under create_entry's rules (`validate_entries`, the batch at once),
        or a refusal naming the line of the first refused row."""
        try:
            return validate_entries(
                self.person, RESOURCES[resource], [data for _, data in pending], self.resolved
            )
        except RowError as e:
            raise self.fail(pending[e.index][0], _reason(e.error)) from None

    # -- catalogue ------------------------------------------------------------------------

    def treatment(self, name: str, line: int) -> Treatment:
        known = self.treatments.get(name)  # by the name as written, then normalised
        if known is not None:
            return known
        key = _norm(name)
        if key in self.treatments:
            self.treatments[name] = self.treatments[key]
            return self.treatments[key]
        if len(name) > CATALOGUE_NAME_MAX:
            raise self.fail(line, f"treatment name longer than {CATALOGUE_NAME_MAX} characters")
        ids = self.treatment_index.get(key, set())
        found = None
        if len(ids) == 1:
            found = treatments_for(self.person).filter(key=next(iter(ids))).first()
        if found is None:
            found = self._own(treatments_for(self.person), name)
        if found is None:
            found = Treatment.add_custom(self.person, name=name, category="clinical")
            self.summary.new_treatments.append(name)
        self.treatments[key] = self.treatments[name] = found
        self.resolved[("treatment", found.key)] = found
        return found

    def habit(self, name: str, line: int) -> Habit:
        known = self.habits.get(name)  # by the name as written, then normalised
        if known is not None:
            return known
        key = _norm(name)
        if key in self.habits:
            self.habits[name] = self.habits[key]
            return self.habits[key]
        if len(name) > CATALOGUE_NAME_MAX:
            raise self.fail(line, f"tag longer than {CATALOGUE_NAME_MAX} characters")
        ids = self.habit_index.get(key, set())
        found = None
        if len(ids) == 1:
            found = habits_for(self.person).filter(key=next(iter(ids))).first()
        if found is None:
            found = self._own(habits_for(self.person).filter(kind="yes_no"), name)
        if found is None:
            found = Habit.add_custom(self.person, name=name, kind="yes_no")
            self.summary.new_habits.append(name)
        self.habits[key] = self.habits[name] = found
        self.resolved[("habit", found.key)] = found
        return found

    def _own(self, qs: Any, name: str) -> Any:
        """The person's own entry with this name (case-insensitive), if exactly one."""
        rows = list(qs.filter(owner=self.person, name__iexact=name.strip())[:2])
        return rows[0] if len(rows) == 1 else None

    # -- rows -----------------------------------------------------------------------------

    def add(self, rec: FlaredownRecord, line: int) -> None:
        if rec.date != self.day_ok:  # a file's rows come a day at a time
            if problem := day_problem(rec.date, self.now, self.person.tz):
                raise self.fail(line, f"date {rec.date.isoformat()}: {problem}")
            self.day_ok = rec.date
        if rec.kind in ("symptom", "condition"):
            if len(rec.name) > NAME_MAX:
                raise self.fail(line, f"symptom name longer than {NAME_MAX} characters")
            key = (rec.name, rec.date)
            if key in self.rating_keys:
                self.summary.duplicate_ratings += 1
            self.rating_keys.add(key)
            assert rec.value is not None  # the parser gives every rating a value
            data = {"name": rec.name, "local_date": rec.date, "value": rec.value}
            data["scale_max"] = SCALE_MAX
            self.ratings.append((line, data))
        elif rec.kind == "treatment":
            self._treatment_log(rec, line)
        elif rec.kind == "tag":
            habit = self.habit(rec.name, line)
            if (habit.pk, rec.date) not in self.habit_logs:
                data = {"habit": habit.key, "local_date": rec.date, "value": 1}
                self.habit_logs[(habit.pk, rec.date)] = (line, data)
        else:  # no diary row (the batch is as it was)
            self._not_a_diary_row(rec, line)
            return
        if len(self.ratings) + len(self.habit_logs) + len(self.treatment_logs) >= self.batch_size:
            self.flush()

    def _not_a_diary_row(self, rec: FlaredownRecord, line: int) -> None:
        if rec.kind == "weather":
            self.summary.weather += 1
            if rec.value is not None:
                if rec.date not in self.weather and len(self.weather) >= WEATHER_DAYS:
                    self.flush_weather()
                self.weather.setdefault(rec.date, {})[rec.name] = (line, rec.value)
        elif rec.kind == "food":
            self.summary.foods += 1
        else:
            self.summary.hbi += 1

    def _treatment_log(self, rec: FlaredownRecord, line: int) -> None:
        amount, unit, notes = parse_dose(rec.dose_text)
        treatment = self.treatment(rec.name, line)
        data = {
            "treatment": treatment.key,
            "at": datetime.combine(rec.date, NOON, tzinfo=self.person.zone),
            "amount": amount,
            "unit": unit,
            "notes": notes,
        }
        self.treatment_logs.append((line, data))

    # -- writes ---------------------------------------------------------------------------

    def flush(self) -> None:
        """Validate the pending rows, a kind at a time (the earliest refused line of the
        batch is the one named), then write them."""
        valid = self.validate_pending()
        self._flush_ratings(valid["symptom-ratings"])
        self._flush_habit_logs(valid["habit-logs"])
        for (_, data), values in zip(self.treatment_logs, valid["treatment-logs"], strict=True):
            values["local_date"] = data["at"].date()  # noon in the person's zone: its day
        self.treatment_rows.extend(valid["treatment-logs"])
        self.treatment_rows.flush()
        self.summary.treatment_logs = self.treatment_rows.written
        self.treatment_logs = []

    def first_refusal(self, refusal: FlaredownImportRefused) -> FlaredownImportRefused:
        """`refusal` of a row, or the refusal of a pending (not yet validated) row before it:
        a file's first bad line is the one named."""
        try:
            self.validate_pending()
        except FlaredownImportRefused as earlier:
            if (earlier.line or 0) < (refusal.line or 0):
                return earlier
        return refusal

    def validate_pending(self) -> dict[str, list[dict[str, Any]]]:
        """The pending rows' values by kind, or the refusal of the earliest bad line."""
        valid: dict[str, list[dict[str, Any]]] = {}
        refused: list[FlaredownImportRefused] = []
        for resource, pending in (
            ("symptom-ratings", self.ratings),
            ("habit-logs", list(self.habit_logs.values())),
            ("treatment-logs", self.treatment_logs),
        ):
            try:
                valid[resource] = self.validated(resource, pending) if pending else []
            except FlaredownImportRefused as e:
                refused.append(e)
        if refused:
            raise min(refused, key=lambda e: e.line or 0)
        return valid

    def flush_weather(self) -> None:
        self.summary.weather_values += _store_weather(self.person, self.weather, self.where)
        self.weather = {}

    def _existing(self, model: Any, names: set[Any], days: set[date], field: str) -> Any:
        return model.objects.filter(
            Q(**{f"{field}__in": names}),
            person=self.person,
            deleted_at__isnull=True,
            local_date__in=days,
        )

    def _flush_ratings(self, valid: list[dict[str, Any]]) -> None:
        if not self.ratings:
            return
        # The last row of a symptom and day wins.
        ratings = {
            (values["name"], values["local_date"]): (line, values)
            for (line, _), values in zip(self.ratings, valid, strict=True)
        }
        self.ratings, self.rating_keys = [], set()
        names = {n for n, _ in ratings}
        days = {d for _, d in ratings}
        rows = self._existing(SymptomRating, names, days, "name")
        for pk, name, day, created in rows.values_list("pk", "name", "local_date", "created"):
            pending = ratings.pop((name, day), None)
            if pending is None:
                continue
            if created != self.stamp:
                raise self.fail(pending[0], f"your diary already has a rating of {name!r} on {day}")
            # An earlier batch of this file had it: the last row wins (rare, so one UPDATE).
            self.summary.duplicate_ratings += 1
            SymptomRating.objects.filter(pk=pk).update(value=pending[1]["value"])
        self.rating_rows.extend([values for _, values in ratings.values()])
        self.rating_rows.flush()
        self.summary.ratings = self.rating_rows.written

    def _flush_habit_logs(self, valid: list[dict[str, Any]]) -> None:
        if not self.habit_logs:
            return
        habit_logs = {
            key: (line, values)
            for (key, (line, _)), values in zip(self.habit_logs.items(), valid, strict=True)
        }
        self.habit_logs = {}
        ids = {h for h, _ in habit_logs}
        days = {d for _, d in habit_logs}
        rows = self._existing(HabitLog, ids, days, "habit_id")
        for habit_id, name, day, created in rows.values_list(
            "habit_id", "habit__name", "local_date", "created"
        ):
            pending = habit_logs.pop((habit_id, day), None)
            if pending is not None and created != self.stamp:
                raise self.fail(pending[0], f"your diary already has {name!r} on {day}")
        self.habit_rows.extend([values for _, values in habit_logs.values()])
        self.habit_rows.flush()
        self.summary.habit_logs = self.habit_rows.written


def _reason(error: Exception) -> str:
    """A refused row's reason, as `validate_entry` phrased it: "<field>: <message>"."""
    if isinstance(error, EntryError):
        return error.message
    if isinstance(error, PydanticValidationError):
        first = error.errors(include_url=False)[0]
        where = ".".join(map(str, first["loc"]))
        return f"{where}: {first['msg']}" if where else first["msg"]
    if isinstance(error, DjangoValidationError):
        field, messages = next(iter(error.message_dict.items()))
        return f"{field}: {messages[0]}"
    return str(error)


def import_flaredown(
    person: Person,
    lines: Iterable[str],
    source_user: str | None = None,
    where: str = "flaredown.csv",
    batch_size: int = BATCH_SIZE,
) -> FlaredownSummary:
    """Import a Flaredown CSV (an iterable of text lines) into the person's diary, or nothing.

    Raises FlaredownImportRefused ("<where> line <n>: <reason>") on the first bad row; the
    transaction is then rolled back, so nothing is written.
    """
    counter = _LineCounter(lines)
    imp = _Importer(person, where, batch_size)
    try:
        with new_objects_collected_only(), transaction.atomic():
            for rec in iter_flaredown(counter, source_user):
                imp.add(rec, counter.line)
            imp.flush()
            imp.flush_weather()
    except FlaredownImportRefused as e:
        raise imp.first_refusal(e) from None
    except FlaredownError as e:
        raise imp.first_refusal(FlaredownImportRefused(where, e.line, e.reason)) from None
    except csv.Error as e:
        from spasmtrack.exchange.limits import MAX_FIELD_CHARS

        reason = f"not valid CSV ({e})"
        if "field limit" in str(e):
            reason = f"a cell is longer than {MAX_FIELD_CHARS} characters"
        raise FlaredownImportRefused(where, counter.line, reason) from None
    return imp.summary


def _store_weather(
    person: Person, rows: dict[date, dict[str, tuple[int, float]]], where: str
) -> int:
    """The weather rows as daily values (the measures app stores them)."""
    from spasmtrack.measures.imports import store_flaredown_weather

    return store_flaredown_weather(person, rows, where)


def import_flaredown_file(
    person: Person, path: Path, source_user: str | None = None
) -> FlaredownSummary:
    """Open `path` as UTF-8 (a BOM is fine) and import it with `import_flaredown`; a file in
    another encoding is refused naming the encoding it looks like."""
    from spasmtrack.exchange.limits import encoding_problem

    with path.open("rb") as f:
        head = f.read(4096)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\0" in head:
        raise FlaredownImportRefused(str(path), None, encoding_problem(head) or "not UTF-8 text")
    try:
        with path.open(encoding="utf-8-sig", newline="") as f:
            return import_flaredown(person, f, source_user, where=str(path))
    except UnicodeDecodeError as e:
        reason = encoding_problem(e.object[max(0, e.start - 64) : e.end + 64])
        raise FlaredownImportRefused(str(path), None, reason or "not UTF-8 text") from None

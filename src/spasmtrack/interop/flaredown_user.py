"""Import of the export Flaredown e-mails to its users (wide CSV + notes), all or nothing.

Parsing and column-kind inference are `spasmtrack.core.formats.flaredown_user`; this module maps a
check-in row to diary entries:

- Rating columns (conditions and symptoms) -> SymptomRating on a 0-4 scale, named as the
  column (as the long research format does).
- Treatment columns -> TreatmentLog at 12:00 on that day in the person's time zone (Flaredown
  keeps only the day), matched to the shared catalogue by name or synonym when exactly one
  entry matches, else the person's own treatment of that name (created once, category
  "clinical"). A dose like "20 mg" also becomes amount 20, unit "mg"; the notes always keep
  the original column name and the dose text as typed.
- Tags -> HabitLog value 1 of a yes/no habit: the catalogue's where the name matches, else
  the person's own (created once).
- Foods -> an Intake of one serving of the foods catalogue entry whose name, synonym or USDA
  description (the one its citation quotes) matches; Flaredown records no amount, so the
  intake's notes say the serving is assumed. Foods that match nothing are kept as a line in
  that day's check-in notes.
- Notes (the separate notes export) -> appended to that day's check-in notes (a check-in
  with no ratings is created when the day has none).

Re-importing the same files stores nothing twice: an entry that is already in the diary with
the same content is counted and skipped. A rating already in the diary with another value,
or a habit the person logged as "no" that the file says was done, refuses the import: we
never overwrite what the person logged.

Everything runs in one transaction, written in batches of days, so a bad cell anywhere (even
in the last row, or in the notes file) leaves the diary untouched. The CSV is read twice:
once to infer the column kinds (and check every row), once to write.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import IO, Any

from django.db import transaction

from spasmtrack.accounts.models import Person
from spasmtrack.core.catalogue import foods as food_catalogue
from spasmtrack.core.catalogue import habits as habit_catalogue
from spasmtrack.core.catalogue import treatments as treatment_catalogue
from spasmtrack.core.formats import flaredown_user as fu
from spasmtrack.diary.entries import habits_for, treatments_for
from spasmtrack.diary.models import (
    DailyCheckin,
    Habit,
    HabitLog,
    SymptomRating,
    Treatment,
    TreatmentLog,
)
from spasmtrack.interop.flaredown import DiaryCounts, parse_dose
from spasmtrack.interop.native import ImportRefused
from spasmtrack.measures.services import batches
from spasmtrack.nutrition.models import Intake

SCALE_MAX = 4.0
BATCH_DAYS = 500
MAX_FILE_BYTES = 50 * 1024 * 1024  # a daily export over decades stays far below this
MAX_NOTES_BYTES = 10 * 1024 * 1024
NOON = time(12, 0)
USDA_DESCRIPTION = re.compile(r"NDB \d+ '([^']+)'")
OTHER_BOMS = {
    codecs.BOM_UTF32_LE: "UTF-32",
    codecs.BOM_UTF32_BE: "UTF-32",
    codecs.BOM_UTF16_LE: "UTF-16",
    codecs.BOM_UTF16_BE: "UTF-16",
}

Opener = Callable[[], AbstractContextManager[Iterable[str]]]


class FlaredownUserRefused(ImportRefused):
    """A refused import: "<file> row <n>, column '<name>': <reason>"."""

    def __init__(self, where: str, reason: str) -> None:
        ValueError.__init__(self, f"{where}: {reason}" if where else reason)
        self.reason = reason


@dataclass
class UserSummary(DiaryCounts):
    """What an import wrote, what was already there, and what it left out."""

    intakes: int = 0
    notes: int = 0
    food_notes: int = 0
    already: int = 0
    skipped_columns: list[str] = field(default_factory=list)
    empty_columns: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [
            f"Imported from {self.where}: {self.ratings} symptom ratings (0-4 scale), "
            f"{self.treatment_logs} treatment logs, {self.habit_logs} habit logs, "
            f"{self.intakes} foods, {self.notes} notes."
        ]
        if self.already:
            out.append(f"{self.already} entries were already in your diary and were skipped.")
        if self.intakes:
            out.append("Flaredown records no food amounts: each food was logged as one serving.")
        if self.food_notes:
            out.append(
                f"Foods not in the foods catalogue ({self.food_notes}) were kept in that "
                "day's check-in notes."
            )
        out += self.new_entry_lines()
        if self.skipped_columns:
            out.append(f"Columns not imported: {', '.join(self.skipped_columns)}.")
        if self.empty_columns:
            out.append(f"Columns without any value: {', '.join(self.empty_columns)}.")
        return out


def describe(columns: Iterable[fu.Column]) -> list[str]:
    """One line per column: its name, the kind it is taken to be, and why."""
    out = []
    for c in columns:
        examples = ", ".join(repr(v) for v in c.samples)
        seen = f"{c.values} values" + (f", e.g. {examples}" if c.samples else "")
        out.append(f"  {c.name}: {c.label} ({c.reason}; {seen})")
    return out


# -- files ----------------------------------------------------------------------------------


def check_file(path: Path, limit: int) -> None:
    """Refuse a file that is too big or not UTF-8 before reading it as text."""
    if not path.is_file():
        raise FlaredownUserRefused(str(path), "no such file")
    size = path.stat().st_size
    if size > limit:
        raise FlaredownUserRefused(
            str(path), f"the file is {size:,} bytes; the limit is {limit:,} bytes"
        )
    with path.open("rb") as f:
        start = f.read(4)
    for bom, name in OTHER_BOMS.items():
        if start.startswith(bom) and not start.startswith(codecs.BOM_UTF8):
            raise FlaredownUserRefused(
                str(path), f"the file is {name} text; save it as UTF-8 and import it again"
            )


def path_opener(path: Path) -> Opener:
    """Open `path` as UTF-8 text (a BOM is fine), each call from the start."""

    def open_it() -> IO[str]:
        return path.open(encoding="utf-8-sig", newline="")

    return open_it


def _decoding(where: str, lines: Iterable[str]) -> Iterator[str]:
    try:
        yield from lines
    except UnicodeDecodeError as e:
        raise FlaredownUserRefused(where, f"not UTF-8 text ({e.reason})") from None


# -- catalogue matching ---------------------------------------------------------------------


def _index(pairs: Iterable[tuple[str, Iterable[str]]]) -> dict[str, set[str]]:
    """Normalised word -> catalogue ids having it (several ids = ambiguous)."""
    index: dict[str, set[str]] = {}
    for key, words in pairs:
        for word in words:
            index.setdefault(fu.norm(word), set()).add(key)
    return index


def treatment_index() -> dict[str, set[str]]:
    return _index((t.id, (t.name, *t.synonyms)) for t in treatment_catalogue().values())


def food_index() -> dict[str, set[str]]:
    def words(f: Any) -> list[str]:
        usda = USDA_DESCRIPTION.findall(f.source.citation)
        return [f.name, *f.synonyms, *usda]

    return _index((f.id, words(f)) for f in food_catalogue().values())


def preview(opener: Opener, where: str, kinds: Mapping[str, str] | None = None) -> list[fu.Column]:
    """The columns of the file with the kind each is taken to be; reads (and checks) every row."""
    try:
        with opener() as lines:
            return fu.infer_columns(_decoding(where, lines), treatment_index(), kinds)
    except fu.FlaredownUserError as e:
        raise FlaredownUserRefused(where, str(e)) from None


# -- the import -----------------------------------------------------------------------------


class _Writer:
    def __init__(self, person: Person, summary: UserSummary) -> None:
        self.person = person
        self.summary = summary
        self.treatment_ids = treatment_index()
        self.habit_ids = _index(
            (h.id, (h.name, *h.synonyms)) for h in habit_catalogue().values() if h.kind == "yes_no"
        )
        self.food_ids = food_index()
        self.treatments: dict[str, Treatment] = {}
        self.habits: dict[str, Habit] = {}

    # catalogue rows, created once per name

    def treatment(self, name: str) -> Treatment:
        key = fu.norm(name)
        if key not in self.treatments:
            self.treatments[key] = self._find(
                treatments_for(self.person), self.treatment_ids.get(key, set()), name
            ) or self._new_treatment(name)
        return self.treatments[key]

    def _new_treatment(self, name: str) -> Treatment:
        self.summary.new_treatments.append(name)
        return Treatment.add_custom(self.person, name=name, category="clinical")

    def habit(self, name: str) -> Habit:
        key = fu.norm(name)
        if key not in self.habits:
            qs = habits_for(self.person).filter(kind="yes_no")
            found = self._find(qs, self.habit_ids.get(key, set()), name)
            if found is None:
                self.summary.new_habits.append(name)
                found = Habit.add_custom(self.person, name=name, kind="yes_no")
            self.habits[key] = found
        return self.habits[key]

    def _find(self, qs: Any, ids: set[str], name: str) -> Any:
        if len(ids) == 1:
            found = qs.filter(key=next(iter(ids))).first()
            if found is not None:
                return found
        own = list(qs.filter(owner=self.person, name__iexact=name.strip())[:2])
        return own[0] if len(own) == 1 else None

    def food(self, name: str) -> str | None:
        ids = self.food_ids.get(fu.norm(name), set())
        return next(iter(ids)) if len(ids) == 1 else None

    # writes

    def noon(self, day: date) -> datetime:
        return datetime.combine(day, NOON, tzinfo=self.person.zone)

    def write_days(self, where: str, rows: list[fu.DayRow]) -> None:
        days = {r.date for r in rows}
        self._ratings(where, rows, days)
        self._treatments(rows, days)
        self._habits(where, rows, days)
        self._foods(rows, days)

    def _ratings(self, where: str, rows: list[fu.DayRow], days: set[date]) -> None:
        names = {n for r in rows for n, _ in r.ratings}
        existing = {
            (s.name, s.local_date): s.value
            for s in SymptomRating.objects.filter(
                person=self.person, deleted_at__isnull=True, local_date__in=days, name__in=names
            )
        }
        new = []
        for r in rows:
            for name, value in r.ratings:
                old = existing.get((name, r.date))
                if old is None:
                    new.append(
                        SymptomRating(
                            person=self.person,
                            name=name,
                            value=value,
                            scale_max=SCALE_MAX,
                            local_date=r.date,
                        )
                    )
                elif old == value:
                    self.summary.already += 1
                else:
                    raise FlaredownUserRefused(
                        where,
                        f"row {r.row}, column {name!r}: your diary already has {name!r} "
                        f"{old:g} on {r.date}; the file says {value:g}",
                    )
        SymptomRating.objects.bulk_create(new)
        self.summary.ratings += len(new)

    def _treatments(self, rows: list[fu.DayRow], days: set[date]) -> None:
        wanted = []
        for r in rows:
            for name, dose in r.treatments:
                wanted.append((self.treatment(name).pk, r.date, name, dose))
        existing = set(
            TreatmentLog.objects.filter(
                person=self.person,
                deleted_at__isnull=True,
                local_date__in=days,
                treatment_id__in={w[0] for w in wanted},
            ).values_list("treatment_id", "local_date", "notes")
        )
        new = []
        for treatment_id, day, name, dose in wanted:
            notes = f'From Flaredown: "{name}", dose "{dose}"'
            if (treatment_id, day, notes) in existing:
                self.summary.already += 1
                continue
            amount, unit, _ = parse_dose(dose)
            new.append(
                TreatmentLog(
                    person=self.person,
                    treatment_id=treatment_id,
                    at=self.noon(day),
                    local_date=day,
                    amount=amount,
                    unit=unit,
                    notes=notes,
                )
            )
        TreatmentLog.objects.bulk_create(new)
        self.summary.treatment_logs += len(new)

    def _habits(self, where: str, rows: list[fu.DayRow], days: set[date]) -> None:
        wanted = {(self.habit(t).pk, r.date): (r.row, t) for r in rows for t in r.tags}
        existing = {
            (h.habit_id, h.local_date): h.value
            for h in HabitLog.objects.filter(
                person=self.person,
                deleted_at__isnull=True,
                local_date__in=days,
                habit_id__in={h for h, _ in wanted},
            )
        }
        new = []
        for (habit_id, day), (row, tag) in wanted.items():
            old = existing.get((habit_id, day))
            if old is None:
                note = f'From Flaredown: tag "{tag}"'
                new.append(
                    HabitLog(
                        person=self.person, habit_id=habit_id, local_date=day, value=1, notes=note
                    )
                )
            elif old:
                self.summary.already += 1
            else:
                raise FlaredownUserRefused(
                    where,
                    f"row {row}, column 'Tags': your diary says 'no' to {tag!r} on {day}; "
                    "the file has the tag",
                )
        HabitLog.objects.bulk_create(new)
        self.summary.habit_logs += len(new)

    def _foods(self, rows: list[fu.DayRow], days: set[date]) -> None:
        wanted: dict[tuple[str, date], str] = {}
        unmatched: dict[date, list[str]] = {}
        for r in rows:
            for name in r.foods:
                food_id = self.food(name)
                if food_id is None:
                    unmatched.setdefault(r.date, []).append(name)
                else:
                    wanted.setdefault((food_id, r.date), name)
        existing = set(
            Intake.objects.filter(
                person=self.person,
                deleted_at__isnull=True,
                local_date__in=days,
                food_id__in={f for f, _ in wanted},
            ).values_list("food_id", "local_date", "notes")
        )
        new = []
        for (food_id, day), name in wanted.items():
            notes = f'From Flaredown: "{name}" (no amount recorded; one serving assumed)'
            if (food_id, day, notes) in existing:
                self.summary.already += 1
                continue
            new.append(
                Intake(
                    person=self.person,
                    food_id=food_id,
                    at=self.noon(day),
                    local_date=day,
                    amount=1,
                    unit=Intake.Unit.SERVING,
                    notes=notes,
                )
            )
        Intake.objects.bulk_create(new)
        self.summary.intakes += len(new)
        lines = {
            day: "Foods (from Flaredown, not in the foods catalogue): " + "; ".join(names)
            for day, names in unmatched.items()
        }
        added = self.add_notes(lines)
        self.summary.food_notes += sum(len(unmatched[d]) for d in added)

    def add_notes(self, texts: Mapping[date, str]) -> dict[date, int]:
        """Append each day's lines to its check-in notes, leaving out lines already there.

        Creates a check-in (no ratings) for a day without one; returns day -> lines added.
        """
        checkins = {
            c.local_date: c
            for c in DailyCheckin.objects.filter(
                person=self.person, deleted_at__isnull=True, local_date__in=set(texts)
            )
        }
        new, changed, added = [], [], {}
        for day, text in texts.items():
            c = checkins.get(day)
            if c is None:
                new.append(DailyCheckin(person=self.person, local_date=day, notes=text))
                added[day] = text.count("\n") + 1
                continue
            have = set(c.notes.split("\n"))
            missing = [line for line in text.split("\n") if line not in have]
            self.summary.already += text.count("\n") + 1 - len(missing)
            if missing:
                c.notes = "\n".join([c.notes, *missing] if c.notes else missing)
                changed.append(c)
                added[day] = len(missing)
        DailyCheckin.objects.bulk_create(new)
        DailyCheckin.objects.bulk_update(changed, ["notes"])
        return added


def _note_batches(notes: Iterable[fu.Note], size: int) -> Iterator[dict[date, str]]:
    """Notes grouped by day (several notes of one day joined by new lines), `size` days a batch.

    The notes export is newest first, so a day's notes are adjacent; a day seen again later
    in the file still lands on its day (it is merged with what that day already has).
    """
    batch: dict[date, list[str]] = {}
    for n in notes:
        if n.date not in batch and len(batch) >= size:
            yield {d: "\n".join(t) for d, t in batch.items()}
            batch = {}
        batch.setdefault(n.date, []).append(n.text)
    if batch:
        yield {d: "\n".join(t) for d, t in batch.items()}


def import_flaredown_user(
    person: Person,
    opener: Opener,
    where: str = "flaredown.csv",
    kinds: Mapping[str, str] | None = None,
    notes_opener: Opener | None = None,
    notes_where: str = "notes.txt",
    batch_days: int = BATCH_DAYS,
    columns: list[fu.Column] | None = None,
) -> tuple[list[fu.Column], UserSummary]:
    """Infer the columns (with the person's `kinds`), then import the file and notes, or nothing.

    `columns` from an earlier `preview` of the same file with the same `kinds` saves reading
    the file once more.

    Raises FlaredownUserRefused naming the file, row and column of the first problem;
    nothing is then written.
    """
    if columns is None:
        columns = preview(opener, where, kinds)
    summary = UserSummary(where)
    summary.skipped_columns = [c.name for c in columns if c.kind == "skip" and c.values]
    summary.empty_columns = [c.name for c in columns if not c.values]
    writer = _Writer(person, summary)
    current = where
    try:
        with transaction.atomic():
            with opener() as lines:
                rows = fu.iter_days(_decoding(where, lines), columns)
                for batch in batches(rows, batch_days):
                    writer.write_days(where, batch)
            if notes_opener is not None:
                current = notes_where
                with notes_opener() as lines:
                    notes = fu.iter_notes(_decoding(notes_where, lines))
                    for texts in _note_batches(notes, batch_days):
                        summary.notes += sum(writer.add_notes(texts).values())
    except fu.FlaredownUserError as e:
        raise FlaredownUserRefused(current, str(e)) from None
    return columns, summary


def import_flaredown_user_files(
    person: Person,
    path: Path,
    kinds: Mapping[str, str] | None = None,
    notes: Path | None = None,
    columns: list[fu.Column] | None = None,
) -> tuple[list[fu.Column], UserSummary]:
    """`import_flaredown_user` on files, after the size and encoding checks."""
    check_file(path, MAX_FILE_BYTES)
    if notes is not None:
        check_file(notes, MAX_NOTES_BYTES)
    return import_flaredown_user(
        person,
        path_opener(path),
        str(path),
        kinds,
        path_opener(notes) if notes is not None else None,
        str(notes) if notes is not None else "notes.txt",
        columns=columns,
    )


def parse_kind_options(options: Iterable[str]) -> dict[str, str]:
    """`["Heat=treatment"]` -> {"Heat": "treatment"}; the last "=" splits (names may hold one)."""
    out = {}
    for opt in options:
        name, eq, kind = opt.rpartition("=")
        if not eq or not name.strip():
            raise FlaredownUserRefused("--kind", f"expected COLUMN=KIND, got {opt!r}")
        out[name.strip()] = kind.strip()
    return out


def flaredown_user_cli(
    person: Person,
    path: Path,
    notes: Path | None,
    kind_options: list[str],
    dry_run: bool,
    echo: Callable[[str], Any],
) -> None:
    """What `spasmtrack import --format flaredown-user` does: show the kinds, then import."""
    kinds = parse_kind_options(kind_options)
    check_file(path, MAX_FILE_BYTES)
    if notes is not None:
        check_file(notes, MAX_NOTES_BYTES)
    columns = preview(path_opener(path), str(path), kinds)
    echo(f'Columns of {path} (change one with --kind "NAME=rating|treatment|skip"):')
    for line in describe(columns):
        echo(line)
    if dry_run:
        echo("Dry run: nothing was imported.")
        return
    _, summary = import_flaredown_user_files(person, path, kinds, notes, columns)
    for line in summary.lines():
        echo(line)

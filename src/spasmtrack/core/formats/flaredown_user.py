"""Streaming parser for the data export Flaredown e-mails to its users (the "wide" format).

Format (Flaredown's own data-export code): a header `Date`, then one column per condition
name, one per symptom name, one per treatment name (in the user's language), then `Tags` and
`Foods`. One row per check-in date, ascending, `YYYY-MM-DD`. Condition and symptom cells hold
a 0-4 rating or are empty; treatment cells hold the dose text as typed (`20 mg`, `1 tablet`,
possibly quoted with commas) or are empty; `Tags` and `Foods` hold names joined with `; `
(foods are USDA long descriptions such as `Bananas, raw`). The header does not say which
column is which kind, so `infer_columns` guesses from the cells, the order of the columns and
catalogue names, and the person can correct any guess.

The notes export is a separate file of plain lines `DATE,NOTE`, newest first; the note is not
quoted and may contain commas, so a line splits at its first comma only.

Memory stays constant in the number of rows: rows are read one at a time; inference keeps a
few counters per column and the set of dates seen (one per check-in day).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

ColumnKind = Literal["rating", "treatment", "skip", "unknown"]

# What a person may say a column is (`--kind NAME=KIND`, the select on the import page).
# "symptom" and "condition" are accepted as names for "rating": both become 0-4 ratings.
KIND_CHOICES: dict[str, ColumnKind] = {
    "rating": "rating",
    "symptom": "rating",
    "condition": "rating",
    "treatment": "treatment",
    "skip": "skip",
}
KIND_LABELS: dict[ColumnKind, str] = {
    "rating": "symptom or condition (0-4 rating)",
    "treatment": "treatment (dose text)",
    "skip": "do not import",
    "unknown": "unknown",
}
FIXED_COLUMNS = ("Date", "Tags", "Foods")
LIST_SEPARATOR = ";"
MAX_COLUMNS = 1000  # tracked items in one export; far above what a person tracks
MAX_NAME = 100  # a column, tag or food name (a symptom rating's name holds 100)
MAX_CELL = 10_000  # characters in one cell (csv's own field limit is 128 KiB)
SAMPLE_VALUES = 3
DATE_SHAPE = re.compile(r"\d{4}-\d\d-\d\d$")


class FlaredownUserError(ValueError):
    """A cell, row or file that cannot be imported.

    `str()` reads "row <n>, column '<name>': <reason>" (the header is row 1; row numbers
    are lines of the file) or "row <n>: <reason>" when no single column is at fault.
    """

    def __init__(self, row: int | None, reason: str, column: str | None = None) -> None:
        where = [] if row is None else [f"row {row}"]
        if column is not None:
            where.append(f"column {column!r}")
        super().__init__(f"{', '.join(where)}: {reason}" if where else reason)
        self.row = row
        self.column = column
        self.reason = reason


@dataclass
class Column:
    """One tracked-item column: what the cells look like and what kind it is taken to be.

    `reason` says in plain words why the kind was chosen (shown before anything is written).
    """

    index: int
    name: str
    kind: ColumnKind = "unknown"
    reason: str = ""
    values: int = 0  # non-empty cells
    ratings: int = 0  # non-empty cells that are whole numbers 0-4
    samples: list[str] = field(default_factory=list)
    text_sample: str = ""  # the first cell that is not a 0-4 rating
    catalogue_match: bool = False
    set_by_person: bool = False

    @property
    def label(self) -> str:
        return KIND_LABELS[self.kind]


@dataclass(frozen=True, slots=True)
class DayRow:
    """One check-in: what each column says on `date` (empty cells left out)."""

    row: int
    date: date
    ratings: tuple[tuple[str, float], ...]  # (column name, 0-4 value)
    treatments: tuple[tuple[str, str], ...]  # (column name, dose text as typed)
    tags: tuple[str, ...]
    foods: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Note:
    line: int
    date: date
    text: str


def norm(name: str) -> str:
    """Names compare case-insensitively with runs of spaces folded."""
    return " ".join(name.casefold().split())


def parse_date(text: str, row: int, column: str | None = "Date") -> date:
    # date.fromisoformat also takes "20150101"; Flaredown writes YYYY-MM-DD only.
    text = text.strip()
    if DATE_SHAPE.match(text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise FlaredownUserError(row, f"{text!r} is not a real date", column) from None
    raise FlaredownUserError(row, f"a date must be YYYY-MM-DD, got {text!r}", column)


def rating_or_none(text: str) -> float | None:
    """The 0-4 rating a cell holds, or None when it is not a whole number 0-4."""
    try:
        value = float(text)
    except ValueError:
        return None
    return value if value.is_integer() and 0 <= value <= 4 else None


def split_list(text: str) -> tuple[str, ...]:
    """`a; b; c` -> ("a", "b", "c"); empty parts dropped."""
    return tuple(p.strip() for p in text.split(LIST_SEPARATOR) if p.strip())


@dataclass
class Header:
    names: list[str]
    columns: list[Column]  # the tracked-item columns, in file order
    i_tags: int
    i_foods: int


def read_header(row: list[str] | None) -> Header:
    """Check the header row (BOM and spaces tolerated) and list its tracked-item columns."""
    if row is None:
        raise FlaredownUserError(1, "the file is empty; expected a header row starting with Date")
    names = [h.strip().lstrip("\ufeff").strip() for h in row]
    if len(names) > MAX_COLUMNS + len(FIXED_COLUMNS):
        raise FlaredownUserError(1, f"more than {MAX_COLUMNS} columns")
    if not names or norm(names[0]) != "date":
        raise FlaredownUserError(
            1,
            f"the first column must be Date, got {names[0] if names else ''!r}; "
            "is this the Flaredown data export (or the research format: --format flaredown)?",
        )
    if len(names) < 3 or [norm(n) for n in names[-2:]] != ["tags", "foods"]:
        raise FlaredownUserError(
            1, f"the last two columns must be Tags and Foods, got {', '.join(names[-2:])!r}"
        )
    # Flaredown names columns after the items in the person's language: a condition and a
    # symptom may share a name, and a name may be missing. Each column still needs its own.
    seen: set[str] = {"date", "tags", "foods"}
    columns = []
    for i, name in enumerate(names[1:-2], start=1):
        if len(name) > MAX_NAME:
            raise FlaredownUserError(1, f"a column name is longer than {MAX_NAME} characters")
        unique, n = name or f"Column {i + 1}", 1
        while norm(unique) in seen:
            n += 1
            unique = f"{name or f'Column {i + 1}'} ({n})"
        seen.add(norm(unique))
        columns.append(Column(i, unique))
    i_tags, i_foods = len(names) - 2, len(names) - 1
    return Header(names, columns, i_tags, i_foods)


def _rows(reader: Any, n_fields: int) -> Iterator[tuple[int, list[str]]]:
    """(row number, cells) of every non-empty row; blank lines and all-empty rows skipped."""
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as e:
            raise FlaredownUserError(reader.line_num, f"not readable as CSV ({e})") from None
        line: int = reader.line_num
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != n_fields:
            raise FlaredownUserError(line, f"expected {n_fields} cells, got {len(cells)}")
        for i, c in enumerate(cells):
            if len(c) > MAX_CELL:
                raise FlaredownUserError(
                    line, f"a cell longer than {MAX_CELL} characters", f"#{i + 1}"
                )
        yield line, cells


def infer_columns(
    lines: Iterable[str],
    treatment_names: Collection[str] = (),
    kinds: Mapping[str, str] | None = None,
) -> list[Column]:
    """Read the whole file once and say what each tracked-item column is taken to be.

    Rules, in order: a kind the person set (`kinds`, column name -> a KIND_CHOICES key,
    names compared case-insensitively) wins; a name in `treatment_names` (normalised
    catalogue names and synonyms) is a treatment; a column with any cell that is not a
    whole number 0-4 is a treatment (dose text such as "20 mg", "1 tablet" or "20");
    Flaredown writes treatments after conditions and symptoms, so a column of whole
    numbers after the first such dose column is a treatment too (doses like `2`), and one
    before it is a rating.
    Every column with values gets a kind this way. A column with no values takes the kind
    of its neighbours when they agree, otherwise its kind cannot be told and it stays
    "unknown" (it has nothing to import either way). Raises FlaredownUserError on a bad
    header, a row of the wrong length, a bad or repeated date, or an unknown column or
    kind in `kinds`.
    """
    reader = csv.reader(lines)
    header = read_header(next(reader, None))
    by_name = {norm(c.name): c for c in header.columns}
    wanted: dict[str, ColumnKind] = {}
    for name, kind in (kinds or {}).items():
        if norm(name) not in by_name:
            choices = ", ".join(repr(c.name) for c in header.columns[:20])
            raise FlaredownUserError(None, f"no column named {name!r}; columns: {choices}")
        if kind.strip().lower() not in KIND_CHOICES:
            raise FlaredownUserError(
                None,
                f"unknown kind {kind!r} for column {name!r}; "
                f"choose one of {', '.join(KIND_CHOICES)}",
            )
        wanted[norm(name)] = KIND_CHOICES[kind.strip().lower()]

    dates: set[date] = set()
    for line, cells in _rows(reader, len(header.names)):
        day = parse_date(cells[0], line)
        if day in dates:
            raise FlaredownUserError(line, f"{day} appears in two rows", "Date")
        dates.add(day)
        for c in header.columns:
            text = cells[c.index].strip()
            if not text:
                continue
            c.values += 1
            if rating_or_none(text) is not None:
                c.ratings += 1
            elif not c.text_sample:
                c.text_sample = text
            if len(c.samples) < SAMPLE_VALUES and text not in c.samples:
                c.samples.append(text)

    _decide(header.columns, {norm(n) for n in treatment_names}, wanted)
    return header.columns


def _decide(
    columns: list[Column], treatment_names: set[str], wanted: Mapping[str, ColumnKind]
) -> None:
    free_text = [c.index for c in columns if c.values > c.ratings]
    boundary = free_text[0] if free_text else None
    for c in columns:
        if norm(c.name) in treatment_names:
            c.kind, c.reason = "treatment", "its name is in the treatment catalogue"
            c.catalogue_match = True
        elif c.values > c.ratings:
            c.kind = "treatment"
            c.reason = f"values that are not 0-4 ratings, such as {c.text_sample!r}: doses"
        elif c.values and boundary is not None and c.index > boundary:
            c.kind = "treatment"
            c.reason = "whole numbers, but after the treatment columns (Flaredown lists them last)"
        elif c.values:
            c.kind, c.reason = "rating", "every value is a whole number 0-4"
    # Empty columns: the kind of both neighbours when they agree (nothing to import either way).
    for i, c in enumerate(columns):
        if c.values:
            continue
        before = next((d.kind for d in reversed(columns[:i]) if d.values), None)
        after = next((d.kind for d in columns[i + 1 :] if d.values), None)
        if before is not None and before == after:
            c.kind, c.reason = before, "no values; between columns of that kind"
        else:
            c.kind, c.reason = "unknown", "no values, so its kind cannot be told"
    for c in columns:
        if norm(c.name) in wanted:
            c.kind, c.reason, c.set_by_person = wanted[norm(c.name)], "set by you", True


def iter_days(lines: Iterable[str], columns: list[Column]) -> Iterator[DayRow]:
    """Yield one DayRow per non-empty row, typed by `columns` (from `infer_columns`).

    The header must match the one `columns` came from. A cell of a rating column that is
    not a whole number 0-4 raises FlaredownUserError naming its row and column.
    """
    reader = csv.reader(lines)
    header = read_header(next(reader, None))
    if [c.name for c in header.columns] != [c.name for c in columns]:
        raise FlaredownUserError(1, "the header changed since the columns were read")
    ratings = [c for c in columns if c.kind == "rating"]
    treatments = [c for c in columns if c.kind == "treatment"]
    for line, cells in _rows(reader, len(header.names)):
        day = parse_date(cells[0], line)
        rated = []
        for c in ratings:
            text = cells[c.index].strip()
            if not text:
                continue
            value = rating_or_none(text)
            if value is None:
                raise FlaredownUserError(
                    line, f"a rating must be a whole number 0-4, got {text!r}", c.name
                )
            rated.append((c.name, value))
        doses = tuple(
            (c.name, cells[c.index].strip()) for c in treatments if cells[c.index].strip()
        )
        tags = split_list(cells[header.i_tags])
        foods = split_list(cells[header.i_foods])
        for name, col in [(t, "Tags") for t in tags] + [(f, "Foods") for f in foods]:
            if len(name) > MAX_NAME:
                raise FlaredownUserError(line, f"a name longer than {MAX_NAME} characters", col)
        yield DayRow(line, day, tuple(rated), doses, tags, foods)


def iter_notes(lines: Iterable[str]) -> Iterator[Note]:
    """Yield the notes of a Flaredown notes export: lines `DATE,NOTE`, split at the first comma.

    A line that does not start with `YYYY-MM-DD,` continues the note before it (a note may
    span lines). Blank lines, empty notes and a `Date,Note` header line are skipped. The
    first line with text must start with a date, else FlaredownUserError names it.
    """
    current: Note | None = None
    for n, raw in enumerate(lines, start=1):
        text = raw.rstrip("\r\n").lstrip("\ufeff") if n == 1 else raw.rstrip("\r\n")
        if not text.strip():
            continue
        day_text, comma, note = text.partition(",")
        if current is None and norm(day_text) == "date":
            continue
        # A real date or one that only looks like one (2024-02-30) starts a note; an
        # impossible date is an error rather than text glued to the note before.
        day = parse_date(day_text, n, None) if comma and DATE_SHAPE.match(day_text) else None
        if day is None:
            if current is None:
                raise FlaredownUserError(
                    n, f"expected DATE,NOTE with the date as YYYY-MM-DD, got {text[:40]!r}"
                )
            joined = f"{current.text}\n{text.strip()}" if current.text else text.strip()
            current = Note(current.line, current.date, joined)
        else:
            if current is not None and current.text:
                yield current
            current = Note(n, day, note.strip())
        if len(current.text) > MAX_CELL:
            raise FlaredownUserError(n, f"a note longer than {MAX_CELL} characters", None)
    if current is not None and current.text:
        yield current

"""Reading an n-of-1 trial kept outside the app, from CSV.

Format: a header row with the columns `date,condition,outcome` and optionally `block` (any
order, any case); dates as YYYY-MM-DD; condition A or B; outcome a number, or empty for a day
without a score. Row numbers in errors count lines as a spreadsheet does: the header is row 1.
"""

from __future__ import annotations

import csv
import io
import math
from datetime import date
from typing import TextIO

from spasmtrack.core.nof1.model import TrialDay, infer_blocks

REQUIRED = ("date", "condition", "outcome")


class TrialCsvError(ValueError):
    """A CSV problem; `row_number` is the 1-based line (header = 1), None for the whole file."""

    def __init__(self, row_number: int | None, reason: str) -> None:
        self.row_number = row_number
        self.reason = reason
        if row_number is None:
            super().__init__(reason[:1].upper() + reason[1:])
        else:
            super().__init__(f"Row {row_number}: {reason}")


def _parse_date(text: str, row: int) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise TrialCsvError(row, f"date {text!r} is not a valid date (use YYYY-MM-DD).") from None


def _parse_condition(text: str, row: int) -> str:
    cond = text.upper()
    if cond not in ("A", "B"):
        raise TrialCsvError(row, f"condition {text!r} is unknown (use A or B).")
    return cond


def _parse_outcome(text: str, row: int) -> float | None:
    if text == "":
        return None  # a day without a score is allowed; the analysis skips it
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise TrialCsvError(row, f"outcome {text!r} is not a number.")
    return value


def _parse_block(text: str, row: int) -> int | None:
    if text == "":
        return None
    try:
        return int(text)
    except ValueError:
        raise TrialCsvError(row, f"block {text!r} is not a whole number.") from None


def parse_trial_csv(source: str | TextIO) -> list[TrialDay]:
    """Rows (date, condition, outcome or None, block), sorted by date.

    If the file has no `block` column, or any block is empty, every row's block is inferred
    from the runs of A and B (`infer_blocks`). Raises TrialCsvError for a missing column, a bad
    date, an unknown condition, a non-numeric outcome or block, a repeated date, no data rows,
    or only one condition present.
    """
    text = source if isinstance(source, str) else source.read()
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip().lower() for h in next(reader, [])]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        names = ", ".join(missing)
        raise TrialCsvError(1, f"missing column(s): {names} (need date, condition, outcome).")
    col = {name: header.index(name) for name in (*REQUIRED, "block") if name in header}
    rows: list[TrialDay] = []
    seen: dict[date, int] = {}
    for line_no, fields in enumerate(reader, start=2):
        if not any(f.strip() for f in fields):
            continue  # blank lines carry nothing
        fields = [f.strip() for f in fields] + [""] * (len(header) - len(fields))
        day = _parse_date(fields[col["date"]], line_no)
        if day in seen:
            raise TrialCsvError(line_no, f"date {day} already appears in row {seen[day]}.")
        seen[day] = line_no
        cond = _parse_condition(fields[col["condition"]], line_no)
        outcome = _parse_outcome(fields[col["outcome"]], line_no)
        block = _parse_block(fields[col["block"]], line_no) if "block" in col else None
        rows.append((day, cond, outcome, block))
    if not rows:
        raise TrialCsvError(None, "the file has no data rows.")
    present = sorted({r[1] for r in rows})
    if len(present) < 2:
        raise TrialCsvError(
            None, f"only condition {present[0]} is present; a trial compares A and B."
        )
    rows.sort(key=lambda r: r[0])
    if any(r[3] is None for r in rows):
        blocks = infer_blocks([r[0] for r in rows], [r[1] for r in rows])
        rows = [(d, c, y, b) for (d, c, y, _), b in zip(rows, blocks, strict=True)]
    return rows

from __future__ import annotations

import io
from datetime import date

import pytest

from spasmtrack.core.nof1 import TrialCsvError, analyse, parse_trial_csv


def _csv(rows: list[str], header: str = "date,condition,outcome") -> str:
    return "\n".join([header, *rows]) + "\n"


def test_it_reads_rows_sorted_by_date_with_their_blocks() -> None:
    text = _csv(
        ["2024-01-03,B,4.5,1", "2024-01-01,a,6,1", "2024-01-02,A,,1", "2024-01-04,b,4,1"],
        header="Date, Condition ,OUTCOME,block",
    )
    assert parse_trial_csv(text) == [
        (date(2024, 1, 1), "A", 6.0, 1),
        (date(2024, 1, 2), "A", None, 1),
        (date(2024, 1, 3), "B", 4.5, 1),
        (date(2024, 1, 4), "B", 4.0, 1),
    ]


def test_it_accepts_a_file_with_a_byte_order_mark_and_blank_lines() -> None:
    text = "\ufeff" + _csv(["2024-01-01,A,6", "", "2024-01-02,B,4"])
    rows = parse_trial_csv(io.StringIO(text))
    assert [r[:3] for r in rows] == [(date(2024, 1, 1), "A", 6.0), (date(2024, 1, 2), "B", 4.0)]


def test_it_infers_blocks_from_consecutive_periods_when_the_column_is_missing() -> None:
    # Periods of 3 days: AB | BA | AB, so B and A each run twice in a row at the joins.
    pattern = "AAABBBBBBAAAAAABBB"
    rows = [f"2024-02-{i + 1:02d},{c},{5 if c == 'A' else 3}" for i, c in enumerate(pattern)]
    parsed = parse_trial_csv(_csv(rows))
    assert [r[3] for r in parsed] == [1] * 6 + [2] * 6 + [3] * 6
    assert analyse(parsed).frequentist["n_blocks"] == 3


@pytest.mark.parametrize(
    ("text", "row", "message"),
    [
        (_csv(["2024-01-01,A,5"], header="date,outcome"), 1, "missing column(s): condition"),
        (_csv([], header="day,condition,score"), 1, "missing column(s): date, outcome"),
        ("", 1, "missing column(s): date, condition, outcome"),
        (_csv(["2024-01-01,A,5", "2024-01-02,B,bad"]), 3, "outcome 'bad' is not a number"),
        (_csv(["2024-01-01,A,5", "2024-01-02,B,nan"]), 3, "outcome 'nan' is not a number"),
        (_csv(["2024-01-01,A,5", "2024-13-02,B,4"]), 3, "date '2024-13-02' is not a valid"),
        (_csv(["01/02/2024,A,5"]), 2, "(use YYYY-MM-DD)"),
        (_csv(["2024-01-01,A,5", "2024-01-02,C,4"]), 3, "condition 'C' is unknown"),
        (_csv(["2024-01-01,A,5", "2024-01-01,B,4"]), 3, "already appears in row 2"),
        (_csv(["2024-01-01,A,5,x"], header="date,condition,outcome,block"), 2, "block 'x'"),
        (_csv(["2024-01-01,B,5", "2024-01-02,B,4"]), None, "only condition B is present"),
        (_csv([]), None, "no data rows"),
    ],
)
def test_it_explains_what_is_wrong_and_where(text: str, row: int | None, message: str) -> None:
    with pytest.raises(TrialCsvError) as caught:
        parse_trial_csv(text)
    assert caught.value.row_number == row
    assert message in caught.value.reason
    reason = caught.value.reason
    assert str(caught.value) == (f"Row {row}: {reason}" if row else reason[:1].upper() + reason[1:])

from __future__ import annotations

import io
import tracemalloc
from collections.abc import Iterator
from datetime import date
from itertools import islice

import pytest

from spasmtrack.core.formats.flaredown import FlaredownError, FlaredownRecord, iter_flaredown

HEADER = (
    "user_id,age,sex,country,checkin_date,trackable_id,trackable_type,trackable_name,"
    "trackable_value"
)


def csv_file(*rows: str, header: str = HEADER) -> io.StringIO:
    """A synthetic export: header plus rows (made-up ids, no real person's data)."""
    return io.StringIO("\n".join([header, *rows]) + "\n")


def row(kind: str, name: str, value: str = "", user: str = "u1", day: str = "2017-03-05") -> str:
    return f"{user},35,female,GB,{day},42,{kind},{name},{value}"


def test_it_yields_typed_records_for_every_trackable_type() -> None:
    f = csv_file(
        row("Condition", "Fibromyalgia", "3"),
        row("Symptom", "Muscle spasm", "4"),
        row("Symptom", "Fatigue", "0"),
        row("Treatment", "Magnesium", "400 mg"),
        row("Treatment", "Stretching", ""),
        row("Tag", "stress"),
        row("Food", '"Coffee, brewed"'),
        row("HBI", "HBI", "7"),
        row("Weather", "temperature_min", "3.5"),
        row("Weather", "icon", "partly-cloudy-day"),
    )
    d = date(2017, 3, 5)
    assert list(iter_flaredown(f)) == [
        FlaredownRecord(d, "condition", "Fibromyalgia", 3.0, None),
        FlaredownRecord(d, "symptom", "Muscle spasm", 4.0, None),
        FlaredownRecord(d, "symptom", "Fatigue", 0.0, None),
        FlaredownRecord(d, "treatment", "Magnesium", None, "400 mg"),
        FlaredownRecord(d, "treatment", "Stretching", None, None),
        FlaredownRecord(d, "tag", "stress", None, None),
        FlaredownRecord(d, "food", "Coffee, brewed", None, None),
        FlaredownRecord(d, "hbi", "HBI", 7.0, None),
        FlaredownRecord(d, "weather", "temperature_min", 3.5, None),
        FlaredownRecord(d, "weather", "icon", None, None),
    ]


def test_it_skips_unrated_symptoms_and_conditions() -> None:
    f = csv_file(row("Symptom", "Fatigue", ""), row("Condition", "Fibromyalgia", " "))
    assert list(iter_flaredown(f)) == []


def test_it_accepts_ratings_written_as_floats_and_a_bom_and_extra_columns() -> None:
    header = "\ufeff" + HEADER + ",extra"
    f = csv_file("u1,,,,2017-03-05,1,Symptom,Pain,2.0,x", header=header)
    assert [r.value for r in iter_flaredown(f)] == [2.0]


def test_it_keeps_only_the_chosen_user_and_skips_other_users_rows_unchecked() -> None:
    f = csv_file(
        row("Symptom", "Pain", "2", user="u1"),
        row("Symptom", "Pain", "99", user="u2", day="not-a-date"),  # another person's bad row
        row("Symptom", "Pain", "3", user="u1", day="2017-03-06"),
    )
    records = list(iter_flaredown(f, source_user="u1"))
    assert [(r.date.day, r.value) for r in records] == [(5, 2.0), (6, 3.0)]


def test_it_stops_at_the_first_second_user_without_source_user() -> None:
    f = csv_file(
        row("Symptom", "Pain", "2", user="alpha"),
        row("Symptom", "Pain", "2", user="beta"),
        row("Symptom", "Pain", "2", user="gamma"),
    )
    records = iter_flaredown(f)
    assert next(records).value == 2.0  # streaming: the first row comes before the error
    with pytest.raises(FlaredownError) as err:
        next(records)
    assert err.value.line == 3
    assert "'alpha', 'beta'" in str(err.value)
    assert "--source-user" in str(err.value)
    assert "gamma" not in str(err.value)


def test_it_reports_a_source_user_that_never_appears() -> None:
    f = csv_file(row("Symptom", "Pain", "2", user="u1"), row("Tag", "rain", user="u2"))
    with pytest.raises(FlaredownError) as err:
        list(iter_flaredown(f, source_user="u9"))
    assert str(err.value) == "line 3: user_id 'u9' not found; user_ids in this file: 'u1', 'u2'"


@pytest.mark.parametrize(
    ("bad_row", "message"),
    [
        (row("Symptom", "Pain", "5"), "line 3: rating must be a whole number 0-4, got '5'"),
        (row("Symptom", "Pain", "-1"), "line 3: rating must be a whole number 0-4, got '-1'"),
        (row("Condition", "FM", "2.5"), "line 3: rating must be a whole number 0-4, got '2.5'"),
        (row("Condition", "FM", "bad"), "line 3: rating must be a whole number 0-4, got 'bad'"),
        (row("Symptom", "Pain", "nan"), "line 3: rating must be a whole number 0-4, got 'nan'"),
        (
            row("Symptom", "Pain", "2", day="2017-02-30"),
            "line 3: checkin_date must be YYYY-MM-DD, got '2017-02-30'",
        ),
        (
            row("Symptom", "Pain", "2", day="20170301"),
            "line 3: checkin_date must be YYYY-MM-DD, got '20170301'",
        ),
        (
            row("Mood", "happy", "2"),
            "line 3: unknown trackable_type 'Mood'; expected one of Condition, Symptom, "
            "Treatment, Tag, Food, Weather, HBI",
        ),
        (row("Symptom", "", "2"), "line 3: trackable_name is empty"),
        ("u1,35,female,GB,2017-03-05", "line 3: expected 9 fields, got 5"),
    ],
)
def test_it_rejects_a_bad_row_with_its_line_number(bad_row: str, message: str) -> None:
    f = csv_file(row("Symptom", "Pain", "1"), bad_row)
    with pytest.raises(FlaredownError) as err:
        list(iter_flaredown(f))
    assert str(err.value) == message
    assert err.value.line == 3


def test_it_counts_physical_lines_across_quoted_newlines_and_blank_lines() -> None:
    f = csv_file(
        row("Treatment", '"Dose\nwith newline"', "1 tab"),
        "",
        row("Symptom", "Pain", "9"),
    )
    with pytest.raises(FlaredownError) as err:
        list(iter_flaredown(f))
    assert err.value.line == 5


def test_it_rejects_a_header_without_required_columns() -> None:
    f = csv_file(row("Symptom", "Pain", "1"), header="user_id,date,type,name,value")
    with pytest.raises(FlaredownError) as err:
        list(iter_flaredown(f))
    assert str(err.value) == (
        "line 1: missing column(s) checkin_date, trackable_type, trackable_name, "
        "trackable_value in the header row"
    )


def test_it_rejects_an_empty_file() -> None:
    with pytest.raises(FlaredownError, match="^line 1: the file is empty"):
        list(iter_flaredown(io.StringIO("")))


class SyntheticExport:
    """A generated export of n_rows data rows, produced line by line, never held whole.

    `lines_read` tells how far a consumer has pulled.
    """

    def __init__(self, n_rows: int) -> None:
        self.n_rows = n_rows
        self.lines_read = 0

    def __iter__(self) -> Iterator[str]:
        self.lines_read = 1
        yield HEADER + "\r\n"
        types = ("Symptom", "Condition", "Treatment", "Tag")
        for i in range(self.n_rows):
            kind = types[i % 4]
            value = {"Symptom": str(i % 5), "Condition": str(i % 5), "Treatment": "5 mg"}.get(
                kind, ""
            )
            day = f"2016-{1 + (i // 10_000) % 12:02d}-{1 + (i // 400) % 28:02d}"
            self.lines_read += 1
            yield f"u1,40,female,CA,{day},{i % 50},{kind},item {i % 50},{value}\r\n"


def test_it_reads_a_million_line_source_lazily() -> None:
    source = SyntheticExport(1_000_000)
    first = list(islice(iter_flaredown(source), 1000))
    assert len(first) == 1000
    # Only the header and the rows behind the first 1000 records were pulled (csv.reader may
    # read one line ahead); the other ~999,000 lines were never generated.
    assert source.lines_read <= 1002


def test_it_parses_in_constant_memory() -> None:
    n = 40_000
    tracemalloc.start()
    try:
        count = sum(1 for _ in iter_flaredown(SyntheticExport(n)))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == n
    # The text alone is ~2.4 MB and a list of the records would take several MB more; a
    # streaming parser holds one row at a time.
    assert peak < 256 * 1024

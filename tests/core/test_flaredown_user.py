from __future__ import annotations

import io
from datetime import date

import pytest

from spasmtrack.core.formats.flaredown_user import (
    FlaredownUserError,
    infer_columns,
    iter_days,
    iter_notes,
)

HEADER = "Date,Fibromyalgia,Fatigue,Mystery,Lyrica,Ibuprofen,Vitamin B12,Tags,Foods\n"
ROWS = (
    '2024-01-01,3,2,,75 mg,"200 mg, twice",1,stress; bad sleep,"Bananas, raw; Pizza, cheese"\n'
    "\n"
    "2024-01-02,2,,,75 mg,,2,,\n"
    ",,,,,,,,\n"
    "2024-01-03,1,1,,,400 mg,,walked,\n"
)


def _lines(text: str) -> io.StringIO:
    return io.StringIO(text, newline="")


def _kinds(text: str, **kw: object) -> dict[str, str]:
    return {c.name: c.kind for c in infer_columns(_lines(text), **kw)}  # type: ignore[arg-type]


def test_it_infers_ratings_doses_and_a_column_it_cannot_tell() -> None:
    assert _kinds(HEADER + ROWS) == {
        "Fibromyalgia": "rating",
        "Fatigue": "rating",
        "Mystery": "unknown",  # no values, between ratings and treatments
        "Lyrica": "treatment",
        "Ibuprofen": "treatment",
        "Vitamin B12": "treatment",  # whole numbers, but after the dose columns
    }


def test_it_counts_values_and_keeps_examples() -> None:
    cols = {c.name: c for c in infer_columns(_lines(HEADER + ROWS))}
    assert (cols["Ibuprofen"].values, cols["Ibuprofen"].samples) == (2, ["200 mg, twice", "400 mg"])
    assert (
        cols["Ibuprofen"].reason
        == "values that are not 0-4 ratings, such as '200 mg, twice': doses"
    )
    assert cols["Mystery"].values == 0 and "cannot be told" in cols["Mystery"].reason


def test_it_takes_a_catalogue_name_of_whole_numbers_as_a_treatment() -> None:
    text = "Date,Heat,Fatigue,Tags,Foods\n2024-01-01,1,3,,\n2024-01-02,2,0,,\n"
    assert _kinds(text) == {"Heat": "rating", "Fatigue": "rating"}
    kinds = _kinds(text, treatment_names={"heat"})
    assert kinds == {"Heat": "treatment", "Fatigue": "rating"}


def test_it_gives_an_empty_column_the_kind_of_agreeing_neighbours() -> None:
    text = "Date,A,Empty,B,X,Empty2,Y,Tags,Foods\n2024-01-01,1,,2,5 mg,,1 tab,,\n"
    kinds = _kinds(text)
    assert kinds["Empty"] == "rating" and kinds["Empty2"] == "treatment"


def test_it_lets_the_person_set_any_kind() -> None:
    kinds = _kinds(HEADER + ROWS, kinds={"mystery": "treatment", "Fatigue": "skip"})
    assert kinds["Mystery"] == "treatment" and kinds["Fatigue"] == "skip"
    kinds = _kinds(HEADER + ROWS, kinds={"Vitamin B12": "symptom"})
    assert kinds["Vitamin B12"] == "rating"


@pytest.mark.parametrize(
    ("kinds", "message"),
    [
        ({"Nope": "rating"}, "no column named 'Nope'"),
        ({"Fatigue": "weather"}, "unknown kind 'weather' for column 'Fatigue'"),
    ],
)
def test_it_refuses_a_bad_kind(kinds: dict[str, str], message: str) -> None:
    with pytest.raises(FlaredownUserError, match=message):
        infer_columns(_lines(HEADER + ROWS), kinds=kinds)


def test_it_reads_rows_with_quoted_commas_and_skips_empty_rows() -> None:
    columns = infer_columns(_lines(HEADER + ROWS))
    days = list(iter_days(_lines(HEADER + ROWS), columns))
    assert [d.date for d in days] == [date(2024, 1, 1), date(2024, 1, 2), date(2024, 1, 3)]
    first = days[0]
    assert first.row == 2
    assert first.ratings == (("Fibromyalgia", 3.0), ("Fatigue", 2.0))
    assert first.treatments == (
        ("Lyrica", "75 mg"),
        ("Ibuprofen", "200 mg, twice"),
        ("Vitamin B12", "1"),
    )
    assert first.tags == ("stress", "bad sleep")
    assert first.foods == ("Bananas, raw", "Pizza, cheese")
    assert days[2].row == 6 and days[2].tags == ("walked",)


def test_it_names_the_row_and_column_of_a_bad_rating() -> None:
    columns = infer_columns(_lines(HEADER + ROWS), kinds={"Ibuprofen": "rating"})
    with pytest.raises(FlaredownUserError) as e:
        list(iter_days(_lines(HEADER + ROWS), columns))
    assert str(e.value) == (
        "row 2, column 'Ibuprofen': a rating must be a whole number 0-4, got '200 mg, twice'"
    )


def test_it_tolerates_a_bom_and_spaces_in_the_header() -> None:
    text = "\ufeffDate , Fatigue ,Tags,Foods\n2024-01-01,2,,\n"
    assert _kinds(text) == {"Fatigue": "rating"}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "row 1: the file is empty"),
        ("user_id,checkin_date\n", "row 1: the first column must be Date"),
        ("Date,Fatigue,Tags\n", "row 1: the last two columns must be Tags and Foods"),
        ("Date,Tags,Foods,Fatigue\n", "row 1: the last two columns must be Tags and Foods"),
        ("Date,A,Tags,Foods\n2024-1-2,1,,\n", "row 2, column 'Date': a date must be YYYY-MM-DD"),
        ("Date,A,Tags,Foods\n2024-01-02,1,\n", "row 2: expected 4 cells, got 3"),
        (
            "Date,A,Tags,Foods\n2024-01-02,1,,\n2024-01-02,2,,\n",
            "row 3, column 'Date': 2024-01-02 appears in two rows",
        ),
        ('Date,A,Tags,Foods\n2024-01-02,"1,,\n', "not readable as CSV|expected 4 cells"),
    ],
)
def test_it_refuses_a_bad_file_with_its_row(text: str, message: str) -> None:
    with pytest.raises(FlaredownUserError, match=message):
        infer_columns(_lines(text))


def test_it_refuses_a_cell_over_the_limit() -> None:
    text = f"Date,A,Tags,Foods\n2024-01-02,{'x' * 20_000},,\n"
    with pytest.raises(FlaredownUserError, match="row 2, column '#2': a cell longer than"):
        infer_columns(_lines(text))


def test_it_names_columns_that_share_a_name_or_have_none() -> None:
    text = "Date,Depression,Depression,,Tags,Foods\n2024-01-01,1,2,3,,\n"
    columns = infer_columns(_lines(text))
    assert [c.name for c in columns] == ["Depression", "Depression (2)", "Column 4"]
    day = next(iter_days(_lines(text), columns))
    assert day.ratings == (("Depression", 1.0), ("Depression (2)", 2.0), ("Column 4", 3.0))


def test_it_reads_notes_that_contain_commas() -> None:
    text = (
        "\ufeff2024-01-03,Felt better, went for a walk, then rested\n"
        "\n"
        "2024-01-01,Bad night, lots of spasms\n"
        "2024-01-01,  \n"
        "2024-01-01,Second note\n"
        "that goes on, on a second line\n"
    )
    notes = [(n.line, n.date, n.text) for n in iter_notes(io.StringIO(text))]
    assert notes == [
        (1, date(2024, 1, 3), "Felt better, went for a walk, then rested"),
        (3, date(2024, 1, 1), "Bad night, lots of spasms"),
        (5, date(2024, 1, 1), "Second note\nthat goes on, on a second line"),
    ]


def test_it_skips_a_notes_header_line() -> None:
    notes = list(iter_notes(io.StringIO("Date,Note\n2024-01-01,ok\n")))
    assert [n.text for n in notes] == ["ok"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2024-01-01 no comma\n", "row 1: expected DATE,NOTE"),
        ("\n01/02/2024,bad\n", "row 2: expected DATE,NOTE with the date as YYYY-MM-DD"),
        ("2024-01-01,ok\n2024-02-30,bad\n", "row 2: '2024-02-30' is not a real date"),
    ],
)
def test_it_names_the_line_of_a_file_that_is_not_notes(text: str, message: str) -> None:
    with pytest.raises(FlaredownUserError, match=message):
        list(iter_notes(io.StringIO(text)))

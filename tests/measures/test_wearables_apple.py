"""Apple Health: every Record is read as the XML parser reports it, whatever its layout.

Comments, CDATA and processing instructions hold no Records; attribute order, quoting,
escapes and line breaks do not change a value; a file read in chunks, or written in another
encoding (the same document as UTF-16 is the reference), gives the same result.
"""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from spasmtrack.core.formats import wearables
from spasmtrack.core.formats.wearables import AppleHealthResult, read_apple_health
from spasmtrack.core.measures import MeasureError
from tests.measures import synthetic as syn

BERLIN = ZoneInfo("Europe/Berlin")
STEP = "HKQuantityTypeIdentifierStepCount"
AT = datetime(2024, 1, 2, 9, 0, tzinfo=UTC)


def both(xml: str) -> tuple[AppleHealthResult, AppleHealthResult]:
    """The document read as UTF-8 and as UTF-16."""
    scanned = read_apple_health(io.BytesIO(xml.encode()), BERLIN)
    utf16 = xml.replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16")
    parsed = read_apple_health(io.BytesIO(utf16), BERLIN)
    return scanned, parsed


def steps_by_day(result: AppleHealthResult) -> dict[date, float]:
    return {v.day: v.value for v in result.values if v.metric == "steps"}


def document(records: list[str]) -> str:
    return syn.health_xml(records).decode()


def test_a_record_in_a_comment_a_cdata_section_or_a_processing_instruction_is_not_read() -> None:
    fake = syn.steps(5000, AT).strip()
    xml = document(
        [
            syn.steps(100, AT),
            f" <!-- {fake} -->\n",
            f" <?note {fake} ?>\n",
            f" <Note><![CDATA[{fake}]]></Note>\n",
            syn.steps(50, AT + timedelta(hours=1)),
        ]
    )
    scanned, parsed = both(xml)
    assert steps_by_day(scanned) == {date(2024, 1, 2): 150} == steps_by_day(parsed)
    assert scanned.records == parsed.records == 2


def test_attributes_in_another_order_quoting_escapes_and_line_breaks_read_as_parsed() -> None:
    xml = document(
        [
            syn.steps(100, AT),
            # another order, single quotes
            f" <Record value='7' startDate='2024-01-02 10:00:00 +0000' type='{STEP}' "
            "sourceName='Sam&apos;s iPhone' endDate='2024-01-02 10:05:00 +0000'/>\n",
            # a character reference in the value, a line break inside a date
            f' <Record type="{STEP}" sourceName="Sam’s iPhone" startDate="2024-01-02\n'
            '11:00:00 +0000" endDate="2024-01-02 11:05:00 +0000" value="1&#48;"/>\n',
            # whitespace around "=", a tab between attributes
            f' <Record type = "{STEP}"\tsourceName="Sam’s iPhone" '
            'startDate="2024-01-02 12:00:00 +0000" endDate="2024-01-02 12:05:00 +0000" '
            'value="3"></Record>\n',
        ]
    )
    scanned, parsed = both(xml)
    # The phone's 100 + 10 + 3; "Sam's iPhone" (the single-quoted record) is its own source.
    assert steps_by_day(scanned) == {date(2024, 1, 2): 113} == steps_by_day(parsed)
    assert scanned.records == parsed.records == 4


def test_a_long_export_read_chunk_by_chunk_agrees_with_the_parser() -> None:
    buf = io.BytesIO()
    syn.write_health_xml(buf, 40, seed=7)  # about 1.3 MB: Records cross the 1 MB chunk edge
    text = buf.getvalue().decode()
    assert len(text.encode()) > wearables.CHUNK
    scanned, parsed = both(text)
    assert scanned.values == parsed.values
    assert scanned.records == parsed.records == text.count("<Record ")
    assert scanned.used == parsed.used
    crlf, _ = both(text.replace("\n", "\r\n"))  # Windows line ends: read the slow way
    assert crlf.values == scanned.values


@pytest.mark.parametrize(
    ("record", "message"),
    [
        (f'<Record type="{STEP}" startDate="2024-01-02 09:00:00 +0000"/>', "'value' missing"),
        (
            f'<Record type="{STEP}" sourceName="x" startDate="yesterday" endDate="x" value="1"/>',
            "unreadable date",
        ),
        (
            f'<Record type="{STEP}" sourceName="x" startDate="2024-01-02 09:00:00 +0000" '
            'endDate="2024-01-02 09:00:00 +0000" value="many"/>',
            "not a number",
        ),
    ],
)
def test_a_bad_record_is_named_by_its_number_either_way(record: str, message: str) -> None:
    xml = document([syn.steps(1, AT), syn.steps(2, AT), f" {record}\n", syn.steps(3, AT)])
    for data in (
        xml.encode(),
        xml.replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16"),
    ):
        with pytest.raises(MeasureError, match=f"{message}.*record 3 of the file"):
            read_apple_health(io.BytesIO(data), BERLIN)

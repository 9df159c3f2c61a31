from __future__ import annotations

import pytest

from spasmtrack.core.event_kind import explanation, kind_question


def test_it_explains_spasm_and_twitch_in_one_line() -> None:
    line = explanation()
    assert "\n" not in line and "spasm" in line and "twitch" in line


@pytest.mark.parametrize(
    ("kind", "minutes", "intensity", "asks"),
    [
        ("twitch", 60, 0, True),  # an hour-long painless "twitch"
        ("twitch", 10, 0, True),
        ("twitch", 9, 0, False),
        ("twitch", 20, 6, True),  # a painful 20-minute "twitch"
        ("twitch", 1, 4, True),
        ("twitch", 1, 3, False),
        ("twitch", 0, 8, False),  # seconds long: a sharp twitch is plausible
        ("twitch", None, 9, False),  # no duration given: nothing to go on
        ("spasm", 60, 0, False),
        ("spasm", 1, 9, False),
    ],
)
def test_it_asks_only_when_a_twitch_does_not_fit(
    kind: str, minutes: int | None, intensity: int, asks: bool
) -> None:
    q = kind_question(kind, None if minutes is None else minutes * 60, intensity)
    assert (q is not None) == asks


def test_the_questions_name_what_was_entered() -> None:
    assert "60 minutes at 0/10" in (kind_question("twitch", 3600, 0) or "")
    assert "lasting 20 minutes sounds more like a spasm" in (kind_question("twitch", 1200, 6) or "")

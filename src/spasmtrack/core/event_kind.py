"""Spasm or twitch? The one-line explanation the forms show, and a gentle question when the
type does not fit what was entered (knowledge/muscle_events.json, with sources).

Pure: plain values in, a sentence (or None) out. The question never blocks saving: the form
asks it once and saves whichever type the person then picks.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from spasmtrack.knowledge import data_path


@cache
def _data() -> dict[str, Any]:
    with data_path("muscle_events.json").open(encoding="utf-8") as f:
        data: dict[str, Any] = json.load(f)
    return data


def explanation() -> str:
    """One line: what a spasm is and what a twitch is."""
    return str(_data()["explain"])


def kind_question(kind: str, duration_s: int | None, intensity: int) -> str | None:
    """A gentle question when a "twitch" looks like something else, else None.

    A twitch lasting at least 10 minutes at 0/10, or lasting at least a minute at 4/10 or
    more, gets a question; a spasm never does (spasms vary too much to second-guess).
    """
    if kind != "twitch" or duration_s is None:
        return None
    rules = _data()["question_rules"]
    minutes = duration_s / 60
    long_painless = rules["long_painless_twitch"]
    if minutes >= long_painless["min_duration_min"] and intensity <= long_painless["max_intensity"]:
        return (
            f"A twitch is usually a brief flicker lasting seconds. {minutes:g} minutes at 0/10 "
            "is long for one: was it many twitches on and off, or a painless tightening (a "
            "spasm)? Save it the way that fits."
        )
    painful = rules["painful_lasting_twitch"]
    if minutes >= painful["min_duration_min"] and intensity >= painful["min_intensity"]:
        return (
            f"A painful tightening lasting {minutes:g} minutes sounds more like a spasm (a "
            "cramp) than a twitch, which is usually a brief, painless flicker. Save it the way "
            "that fits."
        )
    return None

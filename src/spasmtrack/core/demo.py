"""A deterministic synthetic diary for the `demo` command (a made-up person, never real data).

Planted effects, so that insights have something true to find:
- heat lowers that day's spasm intensity by about 1.5 points;
- each extra hour of sitting raises the next day's expected spasm count by 0.4 (from
  about 1.2 after 1 hour to 3.6 after 7 hours; until 2026-12 this was a step of 1.5 at
  3 hours, which a linear per-hour comparison over 180 days often missed);
- magnesium has no effect at all;
- Mondays are a little worse (a weekly pattern), and noise is autocorrelated (AR(1)).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import numpy as np

SPASM_SITES = [
    ["calf_left"],
    ["calf_right"],
    ["neck_back_left", "shoulder_top_left"],
    ["shoulder_top_right", "neck_back_right"],
    ["lumbar_left", "lumbar_right"],
    ["interscapular"],
    ["thigh_back_left"],
    ["jaw_left"],
]
TWITCH_SITES = [["eye_left"], ["eye_right"], ["thigh_front_right"], ["calf_left"]]


@dataclass
class DemoDay:
    day: date
    checkin: dict[str, int]
    events: list[dict[str, object]] = field(default_factory=list)
    treatments: list[dict[str, object]] = field(default_factory=list)
    habits: dict[str, float] = field(default_factory=dict)


def _clip(x: float) -> int:
    return int(min(10, max(0, round(x))))


def demo_days(days: int, seed: int, today: date, tz: str) -> list[DemoDay]:
    """`days` days ending yesterday, reproducible for a given seed."""
    rng = np.random.default_rng(seed)
    zone = ZoneInfo(tz)
    first = today - timedelta(days=days)
    noise = 0.0
    hours_yesterday = 1.0
    out = []
    for i in range(days):
        d = first + timedelta(days=i)
        noise = 0.5 * noise + rng.normal(0, 0.8)
        hours_sitting = float(np.round(rng.uniform(1, 7) * 2) / 2)
        heat = bool(rng.random() < 0.4)
        magnesium = bool(rng.random() < 0.5)
        monday = 1.0 if d.weekday() == 0 else 0.0
        base = 4.0 + noise + 0.8 * monday
        n_spasms = int(rng.poisson(max(0.2, 0.8 + 0.4 * hours_yesterday + 0.4 * noise)))
        day = DemoDay(d, {})
        for _ in range(n_spasms):
            at = datetime.combine(d, time(int(rng.integers(7, 22)), int(rng.integers(0, 60))), zone)
            day.events.append(
                {
                    "kind": "spasm",
                    "started_at": at.isoformat(),
                    "intensity": _clip(base + 1.5 - 1.5 * heat + rng.normal(0, 0.7)),
                    "duration_s": int(rng.integers(1, 40)) * 60,
                    "regions": SPASM_SITES[int(rng.integers(len(SPASM_SITES)))],
                }
            )
        for _ in range(int(rng.poisson(0.7))):
            at = datetime.combine(d, time(int(rng.integers(7, 22)), 0), zone)
            day.events.append(
                {
                    "kind": "twitch",
                    "started_at": at.isoformat(),
                    "intensity": 1,
                    "regions": TWITCH_SITES[int(rng.integers(len(TWITCH_SITES)))],
                }
            )
        evening = datetime.combine(d, time(20, 0), zone)
        if heat:
            before = _clip(base + 1)
            day.treatments.append(
                {
                    "treatment": "heat",
                    "at": evening.isoformat(),
                    "duration_s": 20 * 60,
                    "pain_before": before,
                    "pain_after": _clip(before - 2 + rng.normal(0, 1)),
                }
            )
        if magnesium:
            day.treatments.append(
                {"treatment": "magnesium", "at": evening.isoformat(), "amount": 200.0, "unit": "mg"}
            )
        day.habits["hours_sitting"] = hours_sitting
        burden = _clip(base + 0.9 * n_spasms - 1.0)
        day.checkin = {
            "overall_pain": _clip(base + 0.5),
            "spasm_burden": burden,
            "sleep_quality": _clip(6 - noise),
            "fatigue": _clip(base + 1),
            "brain_fog": _clip(base),
            "stress": _clip(4 + rng.normal(0, 1.5)),
            "mood": _clip(6 - 0.5 * noise),
        }
        hours_yesterday = hours_sitting
        out.append(day)
    return out

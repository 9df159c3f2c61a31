"""The finder as the app shows it: ranking plus combination, and the words for scores and sides.

Free of Django (only `spasmtrack.core` imports), so the pure CLI command `trp find` can use it
without setting up a database.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from spasmtrack.core.body.muscles import all_muscles
from spasmtrack.core.body.referral import (
    Candidate,
    Combination,
    Drawing,
    PersonalTrP,
    explain_combination,
    find,
)
from spasmtrack.core.body.regions import all_regions


def region_label(region_id: str) -> str:
    r = all_regions().get(region_id)
    return r.label if r else region_id


def side_words(side: str) -> str:
    """'left side', 'right side', 'both sides' or 'midline' for a candidate or TrP side."""
    return {"left": "left side", "right": "right side", "both": "both sides"}.get(side, side)


# How much of the drawing a muscle explains, in plain words (the page never shows the raw
# score). A region in the muscle's main zone or at its TrP sites counts fully, one in its
# spillover zone half; the shares are intensity-weighted like the finder's likelihood.
FIT_WELL = 0.75
FIT_FAIRLY = 0.4


def fit_share(c: Candidate, drawing: Mapping[str, float]) -> float:
    """Intensity-weighted share (0-1) of the drawing that the candidate's zones explain."""
    weights = {r: 0.5 + 0.05 * float(v) for r, v in drawing.items() if float(v) > 0}
    total = sum(weights.values())
    if not total:
        return 0.0
    full = sum(weights.get(r, 0.0) for r in (*c.explains_essential, *c.explains_local))
    half = sum(weights.get(r, 0.0) for r in c.explains_spillover)
    return (full + 0.5 * half) / total


def fit_words(c: Candidate, drawing: Mapping[str, float]) -> str:
    """'fits well', 'fits fairly well' or 'fits a little' (see FIT_WELL / FIT_FAIRLY)."""
    share = fit_share(c, drawing)
    if share >= FIT_WELL:
        return "fits well"
    if share >= FIT_FAIRLY:
        return "fits fairly well"
    return "fits a little"


def prior_of(rows: Iterable[tuple[str, str, str]]) -> list[PersonalTrP]:
    """The finder's personal prior from a person's live trigger-point entries, as (muscle,
    side, status) rows oldest first: the latest status per muscle-side.

    Only muscles of the knowledge base count (entries recorded before unknown ids were refused
    may hold others). A midline TrP stands for both sides. A muscle-side whose latest entry is
    "resolved" gives no prior.
    """
    known = all_muscles()
    latest: dict[tuple[str, str], str] = {}
    for muscle_id, side, status in rows:
        if muscle_id in known:
            latest[(muscle_id, "both" if side == "midline" else side)] = status
    return [(m, s, status) for (m, s), status in latest.items() if status != "resolved"]


@dataclass(frozen=True)
class FinderResult:
    """Ranked candidates, plus the combination only when several muscles explain it better."""

    drawing: dict[str, float]
    candidates: list[Candidate]
    combination: Combination | None
    prior: list[PersonalTrP] = field(default_factory=list)


def find_for(
    drawing: Drawing, prior: Iterable[PersonalTrP] | None = None, limit: int = 5
) -> FinderResult:
    """Run the finder; raises referral.UnknownRegions for ids outside body-regions.csv."""
    if isinstance(drawing, Mapping):
        weights = {str(k): float(v) for k, v in drawing.items()}
    else:
        weights = {str(r): 10.0 for r in drawing}
    prior = list(prior or [])
    candidates = find(weights, prior, limit=limit)
    combo = explain_combination(weights, prior) if candidates else None
    if combo is not None and not combo.better_than_single:
        combo = None
    return FinderResult(weights, candidates, combo, prior)

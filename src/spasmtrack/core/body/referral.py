"""The referred-pain finder: which muscles' trigger points could be referring a pain drawing.

It ranks muscles worth asking a clinician or therapist about; it never diagnoses. The trigger
point concept itself is debated (see knowledge/muscles.json `_about`).

Model (a small naive-Bayes classifier over the body-region vocabulary)
---------------------------------------------------------------------
Hypotheses. Each muscle contributes three: "TrPs on the left", "on the right" and "on both
sides" (zones of the two sides united). Referral is usually to the same side as the TrP, so a
one-sided drawing favours the one-sided hypotheses, and a symmetric drawing that neither side
explains alone favours "both".

Likelihood. Under a hypothesis every region r of body-regions.csv is painful with probability
p(r): P_ESSENTIAL in the essential zone, P_SPILLOVER in the spillover zone, P_LOCAL where the
TrPs themselves lie (local pain), and a small P_LEAK anywhere else (pain from other causes). An
active TrP is itself tender and locally painful, so P_LOCAL sits above P_SPILLOVER: a painful
region that holds a muscle's TrP site raises that muscle more than a region of its spillover
zone does. A region in several zones of one hypothesis takes the largest of their
probabilities (it is still reported under its highest zone: essential, then spillover, then
local). For a drawing D with intensity weights w(r):

    log L(h) = sum_{r in D} w(r) log p_h(r)  +  ABSENT_WEIGHT * sum_{r not in D} log(1 - p_h(r))

Local-only drawings. Someone may draw only the tender spot itself (the TrP site) and none of
its referral zone. So the likelihood of a hypothesis is a two-part mixture: with weight
1 - LOCAL_ONLY the TrPs refer (the zone probabilities above), with weight LOCAL_ONLY only the
TrP sites hurt (P_LOCAL there, P_LEAK everywhere else, so the unpainted referral zone costs
nothing). That component describes drawings that show a TrP site, so it counts only when at
least one of the hypothesis's TrP regions is painful (otherwise it would lend every muscle the
same "nothing here" floor). L(h) = (1 - LOCAL_ONLY) L_refer(h) + LOCAL_ONLY L_local(h),
combined with numpy.logaddexp. A painful region holding a muscle's TrP site therefore raises
that muscle even when its referral zone is large and unpainted.

w(r) = 0.5 + 0.5 * intensity / 10, so a faint region counts half as much as the worst pain
(a plain set of regions counts each as 1). ABSENT_WEIGHT < 1 makes zone regions that are NOT
painful only slightly lower the likelihood: drawings are incomplete and zones are coarse.

Prior. log prior(h) = log(muscle prevalence) + log(side prior) + log(personal boost). The side
prior is 1 for a single side and BILATERAL_PRIOR for "both". The personal boost multiplies the
prior of hypotheses matching the person's own recorded trigger points (ACTIVE_BOOST for an
active one, LATENT_BOOST for a latent one).

Posterior. Regions of a drawing are not independent (people shade neighbouring regions
together), so the summed log likelihood is tempered (divided by TEMPERATURE) before the softmax
over all hypotheses (normalised with NumPy's `logaddexp.reduce`, the log-sum-exp that
`scipy.special.softmax` uses; SciPy itself is not imported, as loading it would triple the start-up
time of `spasmtrack trp find`). A muscle's score is the posterior mass of its three
hypotheses, in [0, 1]; the scores of all muscles sum to 1. Its side is the most probable of its
hypotheses, reported as "both" when that is the "both" hypothesis or when left and right are
equally likely (a drawing on the midline only).

Speed. Per-hypothesis log p and log(1 - p) matrices are built once with numpy; a query only
gathers the drawing's columns, so it costs two small matrix products.

Combinations. `explain_combination` greedily adds muscles while a noisy-OR of their zones
(p(r) = 1 - prod(1 - p_k(r))) raises the untempered log posterior, the log likelihood plus
the summed log priors of all chosen muscle-sides, by more than COMBINATION_PENALTY per added
muscle, i.e. only when 2-3 muscles together explain the drawing clearly better than one. Each
added muscle pays its own prior: a set of muscles is a priori as likely as all of them
together.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Literal, TypedDict

import numpy as np
from numpy.typing import NDArray

from spasmtrack.core.body.muscles import SIDES, Side, SidedMuscle, all_muscles, for_side
from spasmtrack.core.body.regions import all_regions

P_ESSENTIAL = 0.8
P_SPILLOVER = 0.4
P_LOCAL = 0.6
P_LEAK = 0.02
# Mixture weight of "only the TrP sites themselves hurt" (see the module docstring).
LOCAL_ONLY = 0.3
ABSENT_WEIGHT = 0.35
TEMPERATURE = 2.0
BILATERAL_PRIOR = 0.35
ACTIVE_BOOST = 4.0
LATENT_BOOST = 2.0
COMBINATION_PENALTY = 3.0
# Left and right posteriors closer than this ratio are reported as side "both".
SIDE_TIE_RATIO = 0.95

Drawing = Mapping[str, float] | Iterable[str]
Status = Literal["active", "latent"]
PersonalTrP = tuple[str, str, str]  # (muscle id, "left" | "right" | "both", "active" | "latent")

_TIER_OTHER, _TIER_LOCAL, _TIER_SPILLOVER, _TIER_ESSENTIAL = 0, 1, 2, 3
_TIER_P = {_TIER_LOCAL: P_LOCAL, _TIER_SPILLOVER: P_SPILLOVER, _TIER_ESSENTIAL: P_ESSENTIAL}


class UnknownRegions(ValueError):
    """The drawing names region ids that body-regions.csv does not know."""

    def __init__(self, ids: Sequence[str]) -> None:
        self.ids = list(ids)
        super().__init__(f"unknown region ids: {', '.join(self.ids)}")


class CandidateDict(TypedDict):
    muscle: str
    name: str
    side: str
    score: float
    explains: list[str]
    explains_essential: list[str]
    explains_spillover: list[str]
    explains_local: list[str]
    unexplained: list[str]
    self_check: str
    trp_regions: list[str]


@dataclass(frozen=True)
class Candidate:
    """A muscle whose TrPs could refer the drawing; region tuples keep the drawing's order."""

    muscle: str
    name: str
    side: Side
    score: float
    explains: tuple[str, ...]
    explains_essential: tuple[str, ...]
    explains_spillover: tuple[str, ...]
    explains_local: tuple[str, ...]
    unexplained: tuple[str, ...]
    self_check: str
    trp_regions: tuple[str, ...]

    def to_dict(self) -> CandidateDict:
        """Plain values for JSON (the CLI's `trp find --json` prints a list of these)."""
        return {
            "muscle": self.muscle,
            "name": self.name,
            "side": self.side,
            "score": round(self.score, 4),
            "explains": list(self.explains),
            "explains_essential": list(self.explains_essential),
            "explains_spillover": list(self.explains_spillover),
            "explains_local": list(self.explains_local),
            "unexplained": list(self.unexplained),
            "self_check": self.self_check,
            "trp_regions": list(self.trp_regions),
        }


class CombinationPartDict(TypedDict):
    muscle: str
    name: str
    side: str
    explains: list[str]


class CombinationDict(TypedDict):
    muscles: list[CombinationPartDict]
    coverage: float
    single_coverage: float
    better_than_single: bool
    unexplained: list[str]


@dataclass(frozen=True)
class CombinationPart:
    muscle: str
    name: str
    side: Side
    explains: tuple[str, ...]


@dataclass(frozen=True)
class Combination:
    """The muscles that together best explain a drawing.

    coverage and single_coverage are intensity-weighted fractions of the drawing explained by
    the whole set and by its first (best single) muscle; better_than_single is True when more
    than one muscle was worth adding.
    """

    parts: tuple[CombinationPart, ...]
    coverage: float
    single_coverage: float
    better_than_single: bool
    unexplained: tuple[str, ...]

    def to_dict(self) -> CombinationDict:
        return {
            "muscles": [
                {"muscle": p.muscle, "name": p.name, "side": p.side, "explains": list(p.explains)}
                for p in self.parts
            ],
            "coverage": round(self.coverage, 4),
            "single_coverage": round(self.single_coverage, 4),
            "better_than_single": self.better_than_single,
            "unexplained": list(self.unexplained),
        }


@dataclass(frozen=True)
class _Model:
    """Precomputed per-hypothesis arrays; hypothesis h = muscle index * 3 + side index."""

    muscle_ids: tuple[str, ...]
    region_index: dict[str, int]
    sided: tuple[SidedMuscle, ...]  # one per hypothesis
    tiers: NDArray[np.int8]  # (H, R) zone tier of each region
    p: NDArray[np.float64]  # (H, R) probability that the region is painful
    log_present: NDArray[np.float64]  # (H, R) log p
    log_absent: NDArray[np.float64]  # (H, R) ABSENT_WEIGHT * log(1 - p)
    absent_total: NDArray[np.float64]  # (H,) row sums of log_absent
    log_prior: NDArray[np.float64]  # (H,) log prevalence + log side prior
    local_present: NDArray[np.float64]  # (H, R) log p of the local-only component
    local_absent: NDArray[np.float64]  # (H, R) ABSENT_WEIGHT * log(1 - p), local-only
    local_absent_total: NDArray[np.float64]  # (H,)
    tiers_local: NDArray[np.bool_]  # (H, R) the region holds one of the hypothesis's TrPs


@cache
def _model() -> _Model:
    regions = list(all_regions())
    region_index = {r: i for i, r in enumerate(regions)}
    muscles = list(all_muscles().values())
    sided = tuple(for_side(m, side) for m in muscles for side in SIDES)
    tiers = np.zeros((len(sided), len(regions)), dtype=np.int8)
    p = np.full((len(sided), len(regions)), P_LEAK)
    tiers_local = np.zeros((len(sided), len(regions)), dtype=bool)
    for h, s in enumerate(sided):
        # Lower tiers first so a region in several zones keeps its highest tier (for the
        # report), while its probability is the largest of its zones' (for the likelihood).
        for tier, ids in (
            (_TIER_LOCAL, s.trp_regions),
            (_TIER_SPILLOVER, s.spillover),
            (_TIER_ESSENTIAL, s.essential),
        ):
            cols = [region_index[r] for r in ids]
            tiers[h, cols] = tier
            p[h, cols] = np.maximum(p[h, cols], _TIER_P[tier])
        tiers_local[h, [region_index[r] for r in s.trp_regions]] = True
    log_absent = ABSENT_WEIGHT * np.log1p(-p)
    p_local = np.where(tiers_local, P_LOCAL, P_LEAK)
    local_absent = ABSENT_WEIGHT * np.log1p(-p_local)
    side_prior = {"left": 1.0, "right": 1.0, "both": BILATERAL_PRIOR}
    log_prior = np.log([m.prevalence * side_prior[side] for m in muscles for side in SIDES])
    return _Model(
        muscle_ids=tuple(m.id for m in muscles),
        region_index=region_index,
        sided=sided,
        tiers=tiers,
        p=p,
        log_present=np.log(p),
        log_absent=log_absent,
        absent_total=log_absent.sum(axis=1),
        log_prior=log_prior,
        local_present=np.log(p_local),
        local_absent=local_absent,
        local_absent_total=local_absent.sum(axis=1),
        tiers_local=tiers_local,
    )


def _weights(drawing: Drawing) -> dict[str, float]:
    """Region id -> weight in (0.5, 1]; raises UnknownRegions / ValueError on bad input.

    Regions with intensity 0 are dropped (drawn but not painful).
    """
    if isinstance(drawing, str):
        drawing = [drawing]
    if isinstance(drawing, Mapping):
        items = [(r, float(v)) for r, v in drawing.items()]
    else:
        items = [(r, 10.0) for r in dict.fromkeys(drawing)]
    unknown = [r for r, _ in items if r not in _model().region_index]
    if unknown:
        raise UnknownRegions(unknown)
    bad = [r for r, v in items if not 0 <= v <= 10]
    if bad:
        raise ValueError(f"intensities must be within 0-10: {', '.join(bad)}")
    return {r: 0.5 + 0.05 * v for r, v in items if v > 0}


def _log_boost(model: _Model, personal: Iterable[PersonalTrP] | None) -> NDArray[np.float64]:
    """log of the personal-prior multiplier for every hypothesis."""
    boost = np.zeros(len(model.sided))
    if not personal:
        return boost
    index = {m: i for i, m in enumerate(model.muscle_ids)}
    per_side: dict[tuple[int, str], float] = {}
    for muscle_id, side, status in personal:
        if muscle_id not in index:
            raise ValueError(f"unknown muscle id {muscle_id!r}")
        if status not in ("active", "latent"):
            raise ValueError(f"status must be 'active' or 'latent', not {status!r}")
        if side not in SIDES:
            raise ValueError(f"side must be one of {SIDES}, not {side!r}")
        factor = ACTIVE_BOOST if status == "active" else LATENT_BOOST
        for s in ("left", "right") if side == "both" else (side,):
            key = (index[muscle_id], s)
            per_side[key] = max(per_side.get(key, 1.0), factor)
    for (m, s), factor in per_side.items():
        boost[m * 3 + SIDES.index(s)] = np.log(factor)
    # "Both sides" is as plausible as its less likely side, so it takes the mean log boost.
    both = np.arange(len(model.muscle_ids)) * 3 + 2
    boost[both] = (boost[both - 2] + boost[both - 1]) / 2
    return boost


def _log_likelihood(
    model: _Model, idx: NDArray[np.intp], w: NDArray[np.float64]
) -> NDArray[np.float64]:
    """Untempered log likelihood of every hypothesis for the drawing's columns `idx`: the
    mixture of "the TrPs refer" and "only the TrP sites hurt" (module docstring)."""
    refer = model.log_present[:, idx] @ w
    refer += model.absent_total - model.log_absent[:, idx].sum(axis=1)
    local = model.local_present[:, idx] @ w
    local += model.local_absent_total - model.local_absent[:, idx].sum(axis=1)
    shows_trp = (model.tiers_local[:, idx]).any(axis=1)
    local = np.where(shows_trp, local, -np.inf)
    out: NDArray[np.float64] = np.logaddexp(
        np.log1p(-LOCAL_ONLY) + refer, np.log(LOCAL_ONLY) + local
    )
    return out


def _split(model: _Model, h: int, regions: Sequence[str]) -> dict[int, tuple[str, ...]]:
    """The drawing's regions grouped by their zone tier under hypothesis h."""
    tiers = model.tiers[h]
    out: dict[int, list[str]] = {t: [] for t in range(4)}
    for r in regions:
        out[int(tiers[model.region_index[r]])].append(r)
    return {t: tuple(v) for t, v in out.items()}


def _side_of(post: NDArray[np.float64]) -> int:
    """Index into SIDES of the reported side for one muscle's three posteriors."""
    best = int(np.argmax(post))
    lo, hi = sorted((post[0], post[1]))
    if best != 2 and hi > 0 and lo / hi >= SIDE_TIE_RATIO:
        return 2
    return best


def find(
    drawing: Drawing,
    personal: Iterable[PersonalTrP] | None = None,
    limit: int = 5,
) -> list[Candidate]:
    """Muscles whose TrPs could refer the drawing, best first (at most `limit`).

    `drawing` maps region id -> intensity 0-10 (0 = not painful), or is a set/list of region
    ids (all equally painful). `personal` holds the person's recorded trigger points as
    (muscle id, side, status) with status "active" or "latent"; they raise the prior of those
    muscle-sides. Muscles that explain none of the drawing are left out. Raises UnknownRegions
    for region ids outside body-regions.csv.
    """
    model = _model()
    weights = _weights(drawing)
    if not weights or limit <= 0:
        return []
    regions = list(weights)
    idx = np.fromiter((model.region_index[r] for r in regions), dtype=np.intp)
    w = np.fromiter(weights.values(), dtype=np.float64)
    log_post = _log_likelihood(model, idx, w) / TEMPERATURE + model.log_prior
    log_post = log_post + _log_boost(model, personal)
    post = np.exp(log_post - np.logaddexp.reduce(log_post)).reshape(-1, 3)
    scores = post.sum(axis=1)
    out: list[Candidate] = []
    for m in np.argsort(-scores, kind="stable"):
        side = _side_of(post[m])
        h = int(m) * 3 + side
        split = _split(model, h, regions)
        explains = tuple(r for r in regions if model.tiers[h, model.region_index[r]] != _TIER_OTHER)
        if not explains:
            continue
        muscle = all_muscles()[model.muscle_ids[m]]
        out.append(
            Candidate(
                muscle=muscle.id,
                name=muscle.name,
                side=SIDES[side],
                score=float(min(1.0, scores[m])),
                explains=explains,
                explains_essential=split[_TIER_ESSENTIAL],
                explains_spillover=split[_TIER_SPILLOVER],
                explains_local=split[_TIER_LOCAL],
                unexplained=split[_TIER_OTHER],
                self_check=muscle.self_check,
                trp_regions=model.sided[h].trp_regions,
            )
        )
        if len(out) == limit:
            break
    return out


def _combo_log_likelihood(
    model: _Model, hs: Sequence[int], idx: NDArray[np.intp], w: NDArray[np.float64]
) -> float:
    """Log likelihood of the drawing when every hypothesis in `hs` refers pain (noisy-OR)."""
    p = 1.0 - np.prod(1.0 - model.p[list(hs)], axis=0)
    painful = np.zeros(p.shape[0], dtype=bool)
    painful[idx] = True
    return float(w @ np.log(p[idx]) + ABSENT_WEIGHT * np.log1p(-p[~painful]).sum())


def explain_combination(
    drawing: Drawing,
    personal: Iterable[PersonalTrP] | None = None,
    max_muscles: int = 3,
    pool: int = 20,
) -> Combination | None:
    """The 1-`max_muscles` muscles that together best explain the drawing, or None if empty.

    Greedy forward selection over the `pool` best single hypotheses: start from the best one,
    then add the muscle-side whose noisy-OR combination gains the most log posterior (log
    likelihood plus the summed log priors of every chosen hypothesis), as long as the gain
    exceeds COMBINATION_PENALTY. One muscle never appears twice (its "both" hypothesis covers
    two sides).
    """
    model = _model()
    weights = _weights(drawing)
    if not weights:
        return None
    regions = list(weights)
    idx = np.fromiter((model.region_index[r] for r in regions), dtype=np.intp)
    w = np.fromiter(weights.values(), dtype=np.float64)
    log_prior = model.log_prior + _log_boost(model, personal)
    single = _log_likelihood(model, idx, w) + log_prior
    explains_any = (model.tiers[:, idx] != _TIER_OTHER).any(axis=1)
    ranked = [int(h) for h in np.argsort(-single, kind="stable") if explains_any[h]][:pool]
    if not ranked:
        return Combination((), 0.0, 0.0, False, tuple(regions))
    chosen = [ranked[0]]
    chosen_prior = float(log_prior[ranked[0]])
    best = _combo_log_likelihood(model, chosen, idx, w) + chosen_prior
    while len(chosen) < max_muscles:
        used = {h // 3 for h in chosen}
        options = [
            (_combo_log_likelihood(model, [*chosen, h], idx, w) + chosen_prior + log_prior[h], h)
            for h in ranked
            if h // 3 not in used
        ]
        if not options:
            break
        value, h = max(options)
        if value - best <= COMBINATION_PENALTY:
            break
        chosen.append(h)
        chosen_prior += float(log_prior[h])
        best = value

    def covered(hs: Sequence[int]) -> NDArray[np.bool_]:
        hit: NDArray[np.bool_] = (
            model.tiers[np.ix_(np.asarray(hs, np.intp), idx)] != _TIER_OTHER
        ).any(axis=0)
        return hit

    total = float(w.sum())
    union = covered(chosen)
    parts = tuple(
        CombinationPart(
            muscle=model.muscle_ids[h // 3],
            name=all_muscles()[model.muscle_ids[h // 3]].name,
            side=SIDES[h % 3],
            explains=tuple(r for r, c in zip(regions, covered([h]), strict=True) if c),
        )
        for h in chosen
    )
    return Combination(
        parts=parts,
        coverage=float(w[union].sum()) / total,
        single_coverage=float(w[covered(chosen[:1])].sum()) / total,
        better_than_single=len(chosen) > 1,
        unexplained=tuple(r for r, c in zip(regions, union, strict=True) if not c),
    )

"""Exact scoring of the ACR 2016 fibromyalgia criteria, the FIQR, the PEG and the tender-point
self-pressure exam (after the Manual Tender Point Survey, "mtps").

Item definitions and rules come from `knowledge/questionnaires.json` (with sources). Every
function validates strictly and raises `QuestionnaireError` naming the offending item; the
results inform and track, they never diagnose.

Rounding: FIQR domain scores, FIQR total, PEG score and the mtps sensitisation score are
exact fractions rounded half-up to 2 decimals (`DECIMALS`), one more decimal than the app
shows, so 9/8 = 1.125 becomes 1.13 (never half-to-even). The FIQR total is computed from the
unrounded domain scores, then rounded. ACR 2016 scores are ints.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from fractions import Fraction
from functools import cache
from typing import Any

from spasmtrack.core.body.regions import all_regions
from spasmtrack.knowledge import data_path

DECIMALS = 2


class QuestionnaireError(ValueError):
    """An answer that cannot be scored; `str()` reads "<item>: <reason>"."""

    def __init__(self, item: str, reason: str) -> None:
        super().__init__(f"{item}: {reason}")
        self.item = item
        self.reason = reason


@cache
def definitions() -> dict[str, Any]:
    """The parsed questionnaires.json: {"sources": {...}, "questionnaires": {...}}."""
    with data_path("questionnaires.json").open(encoding="utf-8") as f:
        data: dict[str, Any] = json.load(f)
    return data


def _questionnaire(name: str) -> dict[str, Any]:
    q: dict[str, Any] = definitions()["questionnaires"][name]
    return q


@cache
def wpi_area_ids() -> tuple[str, ...]:
    """The 19 WPI area ids in form order."""
    return tuple(a["id"] for a in _questionnaire("acr2016")["wpi"]["areas"])


@cache
def _counted_regions() -> dict[str, frozenset[str]]:
    """Region id -> the WPI areas that count toward generalized pain (no jaw/chest/abdomen)."""
    items = _questionnaire("acr2016")["regions"]["items"]
    return {r["id"]: frozenset(r["counted_areas"]) for r in items}


# --- validation helpers -------------------------------------------------------------------


def _check_keys(answers: Mapping[str, Any], expected: Iterable[str], what: str) -> None:
    """Reject a non-mapping, unknown keys and missing keys (in that order)."""
    if not isinstance(answers, Mapping):
        raise QuestionnaireError(what, f"answers must be a mapping, got {type(answers).__name__}")
    expected = list(expected)
    for key in answers:
        if key not in expected:
            raise QuestionnaireError(str(key), f"unknown item for {what}")
    for key in expected:
        if key not in answers:
            raise QuestionnaireError(key, "missing")


def _int_in_range(item: str, value: Any, low: int, high: int) -> int:
    # bool is a subclass of int: True must not silently score as 1.
    if type(value) is not int or not low <= value <= high:
        raise QuestionnaireError(item, f"must be an integer {low}-{high}, got {value!r}")
    return value


def _item_list(domain: str, values: Any, n: int) -> list[Any]:
    if not isinstance(values, list | tuple):
        raise QuestionnaireError(domain, f"must be a list of {n} answers, got {values!r}")
    if len(values) != n:
        raise QuestionnaireError(domain, f"must have {n} answers, got {len(values)}")
    return list(values)


def _round(x: Fraction) -> float:
    """Half-up to DECIMALS on the exact fraction (scores are never negative)."""
    scale: int = 10**DECIMALS
    floored: int = math.floor(x * scale + Fraction(1, 2))
    return floored / scale


# --- ACR 2016 -----------------------------------------------------------------------------

_ACR_SCALES = {
    "fatigue": 3,
    "waking_unrefreshed": 3,
    "cognitive": 3,
    "headaches": 1,
    "lower_abdominal": 1,
    "depression": 1,
}
_ACR_KEYS = ("pain_areas", *_ACR_SCALES, "symptoms_3_months")


def _pain_areas(values: Any) -> frozenset[str]:
    if not isinstance(values, list | tuple | set | frozenset):
        raise QuestionnaireError("pain_areas", f"must be a list of WPI area ids, got {values!r}")
    known = set(wpi_area_ids())
    seen: set[str] = set()
    for area in values:
        if area not in known:
            raise QuestionnaireError("pain_areas", f"unknown WPI area {area!r}")
        if area in seen:
            raise QuestionnaireError("pain_areas", f"duplicate WPI area {area!r}")
        seen.add(area)
    return frozenset(seen)


def score_acr2016(answers: Mapping[str, Any]) -> dict[str, Any]:
    """Score the ACR 2016 criteria (self-report form).

    Input: {"pain_areas": [WPI area ids], "fatigue"|"waking_unrefreshed"|"cognitive": int 0-3,
    "headaches"|"lower_abdominal"|"depression": int 0|1, "symptoms_3_months": bool}.
    Output: {"wpi": int 0-19, "sss": int 0-12, "fs": int 0-31 (WPI + SSS),
    "regions_with_pain": int 0-5 (regions with a painful counted area), "generalized_pain":
    bool (>= 4 regions), "meets_criteria": bool}.
    """
    _check_keys(answers, _ACR_KEYS, "acr2016")
    areas = _pain_areas(answers["pain_areas"])
    sss = sum(_int_in_range(k, answers[k], 0, hi) for k, hi in _ACR_SCALES.items())
    three_months = answers["symptoms_3_months"]
    if not isinstance(three_months, bool):
        raise QuestionnaireError(
            "symptoms_3_months", f"must be true or false, got {three_months!r}"
        )

    wpi = len(areas)
    regions = sum(1 for counted in _counted_regions().values() if counted & areas)
    generalized = regions >= _questionnaire("acr2016")["regions"]["min_regions"]
    severity = any(
        r["wpi_min"] <= wpi <= r["wpi_max"] and sss >= r["sss_min"]
        for r in _questionnaire("acr2016")["rule"]["severity"]
    )
    return {
        "wpi": wpi,
        "sss": sss,
        "fs": wpi + sss,
        "regions_with_pain": regions,
        "generalized_pain": generalized,
        "meets_criteria": generalized and three_months and severity,
    }


# --- FIQR ---------------------------------------------------------------------------------


def _fiqr_domain(domain: dict[str, Any], values: Any) -> Fraction:
    """Domain score as an exact fraction, pro-rating one missing function item (None)."""
    name, n = domain["id"], domain["n_items"]
    items = _item_list(name, values, n)
    answered: list[int] = []
    for i, v in enumerate(items, start=1):
        if v is None and name == "function":
            continue
        answered.append(_int_in_range(f"{name}[{i}]", v, 0, 10))
    missing = n - len(answered)
    # FIQR scoring rules: >= 2 missing function items makes the questionnaire invalid.
    if missing >= 2:
        raise QuestionnaireError(name, f"{missing} items missing; at most 1 can be pro-rated")
    return Fraction(sum(answered) * n, len(answered) * domain["divisor"])


def score_fiqr(answers: Mapping[str, Any]) -> dict[str, float]:
    """Score the FIQR.

    Input: {"function": 9 ints 0-10 (one may be None: pro-rated), "overall": 2 ints 0-10,
    "symptoms": 10 ints 0-10}. Output floats rounded to 2 decimals: {"function" 0-30,
    "overall" 0-20, "symptoms" 0-50, "total" 0-100}; total = sum of unrounded domains.
    """
    domains = _questionnaire("fiqr")["domains"]
    _check_keys(answers, [d["id"] for d in domains], "fiqr")
    exact = {d["id"]: _fiqr_domain(d, answers[d["id"]]) for d in domains}
    out = {k: _round(v) for k, v in exact.items()}
    out["total"] = _round(sum(exact.values(), Fraction(0)))
    return out


# --- PEG ----------------------------------------------------------------------------------


def score_peg(answers: Mapping[str, Any]) -> dict[str, float]:
    """Score the PEG: {"pain", "enjoyment", "activity"} ints 0-10 -> {"score": mean, 2 dp}."""
    ids = [i["id"] for i in _questionnaire("peg")["items"]]
    _check_keys(answers, ids, "peg")
    total = sum(_int_in_range(k, answers[k], 0, 10) for k in ids)
    return {"score": _round(Fraction(total, len(ids)))}


# --- tender-point self-pressure exam (after the Manual Tender Point Survey) ---------------


@cache
def mtps_site_ids() -> tuple[str, ...]:
    """The 19 site ids in exam order: the forehead control site, then the 18 tender points."""
    return tuple(i["id"] for i in _questionnaire("mtps")["items"])


@cache
def _mtps_control_ids() -> frozenset[str]:
    return frozenset(i["id"] for i in _questionnaire("mtps")["items"] if i["control"])


def _algometer(values: Any) -> dict[str, Fraction]:
    if not isinstance(values, Mapping):
        raise QuestionnaireError(
            "algometer", f"must be a mapping of site id to kg/cm2, got {values!r}"
        )
    spec = _questionnaire("mtps")["algometer"]
    known = set(mtps_site_ids())
    out: dict[str, Fraction] = {}
    for site, value in values.items():
        item = f"algometer[{site}]"
        if site not in known:
            raise QuestionnaireError(item, "unknown tender-point site")
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int | float) or math.isnan(value):
            raise QuestionnaireError(item, f"must be a number of kg/cm2, got {value!r}")
        if not spec["min"] <= value <= spec["max"]:
            raise QuestionnaireError(
                item, f"must be {spec['min']:g}-{spec['max']:g} kg/cm2, got {value!r}"
            )
        out[site] = Fraction(str(value))
    return out


def score_mtps(answers: Mapping[str, Any]) -> dict[str, Any]:
    """Score the tender-point self-pressure exam.

    Input: {"ratings": {site id: int 0-10} for all 19 sites of `mtps_site_ids()`,
    "algometer": {site id: kg/cm2 number 0-15 or None} (optional readings, may be empty)}.
    Output: {"sensitisation": mean rating of the 18 tender-point sites (float 0-10, 2 dp
    half-up), "tender_sites": int 0-18 (sites rated >= the threshold 2), "control": int 0-10
    (forehead), "algometer_mean": float kg/cm2 (2 dp) or None, "algometer_sites": int,
    "sites": {site id: rating} in exam order}. It measures tenderness, not a diagnosis.
    """
    _check_keys(answers, ("ratings", "algometer"), "mtps")
    ratings = answers["ratings"]
    if not isinstance(ratings, Mapping):
        raise QuestionnaireError(
            "ratings", f"must be a mapping of site id to 0-10, got {ratings!r}"
        )
    _check_keys(ratings, mtps_site_ids(), "mtps ratings")
    sites = {s: _int_in_range(f"ratings[{s}]", ratings[s], 0, 10) for s in mtps_site_ids()}
    counted = [v for s, v in sites.items() if s not in _mtps_control_ids()]
    threshold = _questionnaire("mtps")["scoring"]["threshold"]
    readings = _algometer(answers["algometer"])
    control = next(iter(_mtps_control_ids()))
    return {
        "sensitisation": _round(Fraction(sum(counted), len(counted))),
        "tender_sites": sum(v >= threshold for v in counted),
        "control": sites[control],
        "algometer_mean": _round(sum(readings.values(), Fraction(0)) / len(readings))
        if readings
        else None,
        "algometer_sites": len(readings),
        "sites": sites,
    }


# --- helpers for the UI -------------------------------------------------------------------


def wpi_prefill(region_ids: Iterable[str]) -> list[str]:
    """WPI areas covered by these body regions (e.g. from a pain drawing), sorted, unique.

    Regions without a WPI area (head apart from the jaw, hands, feet) add nothing; an
    unknown region id raises QuestionnaireError.
    """
    regions = all_regions()
    areas: set[str] = set()
    for rid in region_ids:
        if rid not in regions:
            raise QuestionnaireError(str(rid), "unknown body region")
        if regions[rid].wpi_area:
            areas.add(regions[rid].wpi_area)
    return sorted(areas)


_NOT_A_DIAGNOSIS = "Only a clinician can diagnose; please discuss your answers with yours."


def interpret_acr2016(r: Mapping[str, Any]) -> str:
    scores = (
        f"Widespread Pain Index {r['wpi']} of 19, Symptom Severity {r['sss']} of 12, "
        f"severity score (WPI + SSS) {r['fs']} of 31; pain in {r['regions_with_pain']} of 5 "
        "body regions."
    )
    if r["meets_criteria"]:
        verdict = "Your answers meet the ACR 2016 classification criteria for fibromyalgia."
    else:
        verdict = "Your answers do not meet the ACR 2016 classification criteria for fibromyalgia."
    caveat = (
        "This self-report form was published for research, not to diagnose one person, and "
        "meeting the criteria does not rule out other conditions."
    )
    return f"{verdict} {scores} {caveat} {_NOT_A_DIAGNOSIS}"


def interpret_fiqr(r: Mapping[str, Any]) -> str:
    return (
        f"Your FIQR total is {r['total']:.1f} of 100 (function {r['function']:.1f} of 30, "
        f"overall impact {r['overall']:.1f} of 20, symptoms {r['symptoms']:.1f} of 50). "
        "Higher means fibromyalgia had more impact on your past week; the trend over time "
        f"tells more than one score. {_NOT_A_DIAGNOSIS}"
    )


def interpret_peg(r: Mapping[str, Any]) -> str:
    return (
        f"Your PEG score is {r['score']:.1f} of 10 (the average of pain, and pain's "
        "interference with enjoyment of life and with general activity, over the past week). "
        f"Higher means more pain and interference. {_NOT_A_DIAGNOSIS}"
    )


def interpret_mtps(r: Mapping[str, Any]) -> str:
    algometer = (
        f" Your algometer readings average {r['algometer_mean']:.1f} kg/cm2 "
        f"over {r['algometer_sites']} site(s)."
        if r["algometer_mean"] is not None
        else ""
    )
    return (
        f"Your sensitisation score is {r['sensitisation']:.1f} of 10 (the average pain of firm "
        f"pressure at 18 tender-point sites); {r['tender_sites']} of 18 sites hurt at 2 or more. "
        f"The forehead control site was {r['control']} of 10.{algometer} This measures how "
        "tender your body is to pressure (hyperalgesia), not a diagnosis; tenderness falling "
        f"over time can be a sign of reduced sensitivity. {_NOT_A_DIAGNOSIS}"
    )


_INTERPRETERS = {
    "acr2016": interpret_acr2016,
    "fiqr": interpret_fiqr,
    "peg": interpret_peg,
    "mtps": interpret_mtps,
}


def interpretation(name: str, result: Mapping[str, Any]) -> str:
    """Plain wording for a score result of a questionnaire kind; informs, never diagnoses."""
    if name not in _INTERPRETERS:
        raise QuestionnaireError(
            name, f"unknown questionnaire; choose from {sorted(_INTERPRETERS)}"
        )
    return _INTERPRETERS[name](result)

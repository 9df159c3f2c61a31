"""What the Insights page shows for each finding: plain words first, the numbers behind a
details control, the path to an experiment and what a finished experiment said.

Reads the engine's report keys (`helps`, `aggravates`, `no_clear_effect`; items with
`factor`, `outcome`, `lag_days`, `effect`, `ci95`, `se`, `q_value`, ...). Keys that later
engines add are optional here: `outcomes` (a grouped finding), `lags_considered`, `timing`,
`used_on_worse_days` (observations: a treatment used on worse days) and
`complete_days_rule` (shown as `not_logged_rule`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse

from spasmtrack.core.finding_words import words_for
from spasmtrack.insights.daily import FIXED_OUTCOMES

GROUPS = ("helps", "aggravates", "no_clear_effect")
FALLBACK_LABELS = {"helps": ("Likely helps", "helps"), "aggravates": ("Likely worsens", "worsens")}


def _outcome_unit(outcome: str) -> str:
    info = FIXED_OUTCOMES.get(outcome)
    if info is not None:
        return info.unit
    return "points" if outcome.endswith(")") and " (0–" in outcome else ""


def _factor_unit(item: Mapping[str, Any], factor_units: Mapping[str, str]) -> str:
    return str(item.get("factor_unit") or factor_units.get(item["factor"], ""))


def experiment_url(item: Mapping[str, Any]) -> str:
    """The experiment form, filled in for this finding."""
    query = {"factor": item["factor"], "outcome": item["outcome"], "lag": item["lag_days"]}
    return f"{reverse('trials:new')}?{urlencode(query)}"


def card(item: Mapping[str, Any], verdict: str, factor_units: Mapping[str, str]) -> dict[str, Any]:
    """One finding as the page shows it (a dict for the template)."""
    out: dict[str, Any] = {
        "item": item,
        "outcomes": list(item.get("outcomes") or [item["outcome"]]),
        "experiment": item.get("experiment"),
        "experiment_url": experiment_url(item),
        "lags": item.get("lags_considered"),
    }
    if item.get("effect") is None or item.get("ci95") is None or item.get("se") is None:
        # Without the numbers, the engine's verdict and sentence are all there is to show.
        label, tone = FALLBACK_LABELS.get(verdict, ("Unclear", "unclear"))
        out.update(label=label, tone=tone, sentence=item["sentence"], more_days=None)
        return out
    low, high = item["ci95"]
    w = words_for(
        verdict=verdict,
        factor=item["factor"],
        outcome=item["outcome"],
        kind=item.get("kind", "binary"),
        lag_days=int(item["lag_days"]),
        effect=float(item["effect"]),
        low=float(low),
        high=float(high),
        se=float(item["se"]),
        n_days=int(item.get("n_days") or 0),
        outcome_unit=_outcome_unit(item["outcome"]),
        factor_unit=_factor_unit(item, factor_units),
        timing=item.get("timing"),
    )
    out.update(label=w.label, tone=w.tone, sentence=w.sentence, more_days=w.more_days)
    return out


def page_findings(report: Mapping[str, Any], factor_units: Mapping[str, str]) -> dict[str, Any]:
    """Cards per group, the "used on worse days" observations and the not-logged rule."""
    cards = {g: [card(i, g, factor_units) for i in report.get(g, [])] for g in GROUPS}
    worse = list(report.get("used_on_worse_days") or [])
    return {
        "cards": cards,
        "worse_days": [w if isinstance(w, str) else w.get("sentence", "") for w in worse],
        "not_logged_rule": report.get("complete_days_rule") or "",
    }


PROOF_WORDS = {
    "confirmed": "Confirmed by the person's own experiment.",
    "not_confirmed": "Not confirmed by the person's own experiment.",
}


def finding_lines(person: Any, start: Any, end: Any, today: Any, limit: int = 8) -> list[str]:
    """One short line per finding (helps, then worsens) for the clinician report, with what
    a finished experiment said. Patterns in the person's diary, never a diagnosis."""
    from spasmtrack.insights.services import cached_series, insights_for
    from spasmtrack.trials.findings import mark_findings

    report = mark_findings(insights_for(person, start, end), person, today)
    series = cached_series(person, start, end)
    units = {name: f.unit for name, f in series.factor_info.items()}
    lines = []
    for group in ("helps", "aggravates"):
        for item in report[group]:
            c = card(item, group, units)
            line = f"{c['label']}: {c['sentence']}"
            if c["experiment"]:
                line += " " + PROOF_WORDS[c["experiment"]["status"]]
            lines.append(line)
    if len(lines) > limit:
        lines = [*lines[: limit - 1], f"and {len(lines) - limit + 1} more patterns in the app."]
    return lines

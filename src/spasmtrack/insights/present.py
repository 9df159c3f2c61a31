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

GROUPS = ("helps", "aggravates", "no_clear_effect")
# The words are the engine's (`core.insights.text`): its `headline` is the effect with its
# range, its `more_days_to_tell` the days that would show a 1-point difference.
LABELS = {"helps": ("Likely helps", "helps"), "aggravates": ("Likely worsens", "worsens")}


def experiment_url(item: Mapping[str, Any], verdict: str | None = None) -> str:
    """The experiment form, filled in for this finding (its verdict tells a habit change
    which way to go: less of a habit that goes with worse days, more of one that helps)."""
    query = {"factor": item["factor"], "outcome": item["outcome"], "lag": item["lag_days"]}
    if verdict in LABELS:
        query["verdict"] = verdict
    return f"{reverse('trials:new')}?{urlencode(query)}"


def card(item: Mapping[str, Any], verdict: str, link: bool = True) -> dict[str, Any]:
    """One finding as the page shows it (a dict for the template). `link=False` leaves out
    the experiment form's address (the clinician report prints none: resolving it loads
    every URL and the whole API, over a second in a fresh process)."""
    out: dict[str, Any] = {
        "item": item,
        "outcomes": list(item.get("outcomes") or [item["outcome"]]),
        "experiment": item.get("experiment"),
        "experiment_url": experiment_url(item, verdict) if link else "",
        "lags": item.get("lags_considered"),
    }
    label, tone = LABELS.get(verdict, ("Unclear", "unclear"))
    more = item.get("more_days_to_tell")
    if verdict == "no_clear_effect" and item.get("effect") is not None:
        # The engine's own estimate of the days that would show a 1-point difference.
        if more is None:
            label = "Unclear — more days are unlikely to tell"
        elif more == 0:
            label = "No clear effect — a difference of 1 point or more is unlikely"
        else:
            label = f"Unclear — about {more} more day{'s' if more != 1 else ''} would tell"
    out.update(
        label=label,
        tone=tone,
        sentence=item.get("headline") or item["sentence"],
        more_days=more if verdict == "no_clear_effect" else None,
    )
    return out


def page_findings(report: Mapping[str, Any]) -> dict[str, Any]:
    """Cards per group, the "used on worse days" observations and the not-logged rule."""
    cards = {g: [card(i, g) for i in report.get(g, [])] for g in GROUPS}
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
    from spasmtrack.insights.providers import mark_findings
    from spasmtrack.insights.services import insights_for

    report = mark_findings(insights_for(person, start, end), person, today)
    lines = []
    for group in ("helps", "aggravates"):
        for item in report[group]:
            c = card(item, group, link=False)
            line = f"{c['label']}: {c['sentence']}"
            if c["experiment"]:
                line += " " + PROOF_WORDS[c["experiment"]["status"]]
            lines.append(line)
    if len(lines) > limit:
        lines = [*lines[: limit - 1], f"and {len(lines) - limit + 1} more patterns in the app."]
    return lines

"""The page reads the engine's optional keys when present: grouped outcomes, "used on worse
days" observations, the not-logged rule; and works without them."""

from __future__ import annotations

from datetime import date
from typing import Any
from unittest import mock

import time_machine
from django.core.cache import cache

from spasmtrack.insights import services
from spasmtrack.insights.present import card, page_findings
from spasmtrack.test import BaseTestCase
from tests.insights.test_api import NOW, fill

RULE = "A yes/no factor counts as no only on a day you said no or marked as fully logged."


def item(**kw: Any) -> dict[str, Any]:
    base = {
        "factor": "hours sitting", "outcome": "spasm count", "lag_days": 1, "kind": "numeric",
        "effect": 0.2, "se": 0.07, "ci95": [0.06, 0.34], "q_value": 0.04, "p_value": 0.01,
        "n_days": 179, "n_with": 179, "n_without": 0, "sentence": "…",
    }  # fmt: skip
    return {**base, **kw}


def test_it_shows_the_engines_headline_and_its_days_to_tell() -> None:
    c = card(item(headline="Each extra hour of sitting was followed …"), "aggravates")
    assert (c["label"], c["sentence"]) == (
        "Likely worsens",
        "Each extra hour of sitting was followed …",
    )
    unclear = card(item(more_days_to_tell=40), "no_clear_effect")
    assert (unclear["label"], unclear["more_days"]) == (
        "Unclear — about 40 more days would tell",
        40,
    )
    assert card(item(more_days_to_tell=None), "no_clear_effect")["label"] == (
        "Unclear — more days are unlikely to tell"
    )
    assert card(item(more_days_to_tell=0), "no_clear_effect")["label"].startswith("No clear effect")


def test_it_lists_grouped_outcomes_and_the_optional_sections() -> None:
    grouped = item(outcomes=["spasm count", "spasm burden"], lags_considered=[0, 1, 2])
    report = {
        "helps": [],
        "aggravates": [grouped],
        "no_clear_effect": [],
        "used_on_worse_days": [{"sentence": "You tend to use heat on worse days."}],
        "complete_days_rule": RULE,
    }
    out = page_findings(report)
    assert out["cards"]["aggravates"][0]["outcomes"] == ["spasm count", "spasm burden"]
    assert out["worse_days"] == ["You tend to use heat on worse days."]
    assert out["not_logged_rule"] == RULE
    assert page_findings({"helps": []}) == {
        "cards": {"helps": [], "aggravates": [], "no_clear_effect": []},
        "worse_days": [],
        "not_logged_rule": "",
    }


@time_machine.travel(NOW)
class OptionalKeysPageTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        cache.clear()
        fill(self.alice, date(2025, 9, 1), 40, heat_lowers=True)
        self.client.force_login(self.alice_user)

    def test_it_shows_them_when_the_engine_gives_them(self) -> None:
        real = services.report_and_series

        def richer(*args: Any) -> Any:
            report, series = real(*args)
            report = dict(report)
            first = dict(report["helps"][0], outcomes=["max spasm intensity", "overall pain"])
            report["helps"] = [first, *report["helps"][1:]]
            report["used_on_worse_days"] = ["You tend to use ice on worse days."]
            report["complete_days_rule"] = RULE
            return report, series

        with mock.patch("spasmtrack.insights.views.report_and_series", richer):
            r = self.client.get("/insights/")
        self.assertContains(r, '<h2 id="worse-use-h">Used on worse days</h2>')
        self.assertContains(r, "You tend to use ice on worse days.")
        self.assertContains(r, RULE)

    def test_it_leaves_them_out_otherwise(self) -> None:
        real = services.report_and_series
        optional = ("outcomes", "used_on_worse_days", "complete_days_rule")

        def plainer(*args: Any) -> Any:
            report, series = real(*args)
            report = {k: v for k, v in report.items() if k not in optional}
            for group in ("helps", "aggravates", "no_clear_effect"):
                report[group] = [
                    {k: v for k, v in i.items() if k != "outcomes"} for i in report.get(group, [])
                ]
            return report, series

        with mock.patch("spasmtrack.insights.views.report_and_series", plainer):
            r = self.client.get("/insights/")
        self.assertNotContains(r, "Used on worse days")
        self.assertNotContains(r, 'id="not-logged-rule"')


def test_it_keeps_the_verdict_when_numbers_are_missing() -> None:
    c = card(item(se=None, sentence="Sitting went with more spasms."), "aggravates")
    assert (c["label"], c["sentence"]) == ("Likely worsens", "Sitting went with more spasms.")
    assert card(item(effect=None), "no_clear_effect")["label"] == "Unclear"

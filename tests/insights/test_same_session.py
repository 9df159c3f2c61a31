"""Within a session: pain before and after a treatment, when every session moved alike."""

from __future__ import annotations

import re

from spasmtrack.insights.services import same_session


def test_two_identical_sessions_are_not_a_clear_effect() -> None:
    # Whole-number ratings: 6 -> 4 twice is common, and says little (sign test p = 0.5).
    (item,) = same_session({"heat": [(6.0, 4.0), (7.0, 5.0)]})
    assert item["verdict"] == "no_clear_effect"
    assert item["ci95"] is None  # no interval exists, and none is printed as "2.0 to 2.0"
    assert item["sentence"] == (
        "In 2 sessions of heat, pain afterwards was 2.0 points lower than before every time."
        " No clear change within the session."
    )


def test_six_sessions_that_all_eased_by_the_same_amount_are_clear() -> None:
    (item,) = same_session({"heat": [(6.0, 5.0)] * 6}, typical=None)
    assert item["verdict"] == "helps"  # sign test: 2 x 0.5^6 = 0.031
    assert item["p_value"] == 2 * 0.5**6
    assert "1.0 points lower than before every time." in item["sentence"]
    assert not re.search(r"\d to \d", item["sentence"])  # no interval of zero width


def test_sessions_that_never_changed_say_so() -> None:
    (item,) = same_session({"heat": [(5.0, 5.0), (4.0, 4.0), (6.0, 6.0)]}, typical=5.0)
    assert item["verdict"] == "no_clear_effect"
    assert "the same as before every time" in item["sentence"]


def test_with_no_true_effect_it_finds_one_in_at_most_about_five_in_a_hundred_treatments() -> None:
    # Null simulation: whole-number ratings, after = before + a symmetric change (often 0,
    # sometimes the same every time), 2 to 12 sessions. The page's interval is a 95 % one, so
    # at most about 5 % of such treatments may read "helps" or "worsens" (sign test or t).
    import numpy as np

    rng = np.random.default_rng(2026)
    runs, found = 4000, 0
    for _ in range(runs):
        n = int(rng.integers(2, 13))
        before = rng.integers(3, 10, n)
        after = np.clip(before + rng.choice([-2, -1, 0, 0, 0, 1, 2], n), 0, 10)
        pairs = [(float(b), float(a)) for b, a in zip(before, after, strict=True)]
        (item,) = same_session({"heat": pairs})
        found += item["verdict"] in ("helps", "aggravates")
    assert found / runs <= 0.06, found / runs

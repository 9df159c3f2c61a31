"""Accessibility checks shared by the browser tests: axe-core (from the npm package, injected
into the page), tap-target size on the phone viewport, and the JS + CSS weight of a page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
MIN_TAP = 44  # CSS px (WCAG 2.5.5 target size, enhanced)

# Interactive things a finger must hit. Links inside running text are exempt (WCAG 2.5.5).
TAP_SELECTOR = (
    "button, [role=button], input:not([type=hidden]):not([type=radio]):not([type=checkbox]),"
    " select, textarea, a.btn, nav a, label:has(input[type=radio]),"
    " label:has(input[type=checkbox])"
)


def axe_violations(page: Any) -> list[dict[str, Any]]:
    if not AXE.exists():
        pytest.fail(f"{AXE} missing: run `npm ci` (make test does)")
    # Evaluated through the DevTools protocol, which the page's Content-Security-Policy (no
    # inline scripts) rightly does not allow a <script> tag to do.
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        "async () => await axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})"
    )
    return [
        {"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
    ]


def small_tap_targets(page: Any) -> list[str]:
    return page.evaluate(
        """([sel, min]) => Array.from(document.querySelectorAll(sel)).filter(el => {
             const r = el.getBoundingClientRect();
             const visible = r.width > 0 && r.height > 0 &&
                             getComputedStyle(el).visibility !== 'hidden';
             // Body-map regions are measured magnified (see region_tap_sizes).
             const onMap = el.closest('svg.bm');
             return visible && !onMap && (r.width < min - 0.5 || r.height < min - 0.5);
           }).map(el => el.outerHTML.slice(0, 120) + ' ' +
                  Math.round(el.getBoundingClientRect().width) + 'x' +
                  Math.round(el.getBoundingClientRect().height))""",
        [TAP_SELECTOR, MIN_TAP],
    )


def asset_bytes(page: Any) -> int:
    """Transferred-or-decoded bytes of every script and stylesheet the page loaded."""
    return int(
        page.evaluate(
            """() => performance.getEntriesByType('resource')
                 .filter(e => e.initiatorType === 'script' || e.initiatorType === 'link' ||
                              /\\.(js|css)(\\?|$)/.test(e.name))
                 .reduce((s, e) => s + (e.decodedBodySize || e.encodedBodySize || 0), 0)"""
        )
    )


def region_tap_sizes(page: Any, view: str) -> dict[str, float]:
    """For every region of a body-map view, the largest min(width, height) in CSS px it
    reaches on screen at the whole-body view or any of its magnify settings."""
    return page.evaluate(
        """(view) => {
          const svg = document.querySelector('svg.bm-' + view);
          const pane = svg.closest('.bm-pane');
          const sel = pane.querySelector('select');
          const best = {};
          const measure = () => svg.querySelectorAll('.bm-r').forEach(g => {
            const r = g.querySelector('.bm-s').getBoundingClientRect();
            const s = Math.min(r.width, r.height);
            const id = g.dataset.region;
            best[id] = Math.max(best[id] || 0, s);
          });
          for (let i = 0; i < sel.options.length; i++) {
            sel.selectedIndex = i;
            sel.dispatchEvent(new Event('change'));
            measure();
          }
          sel.selectedIndex = 0;
          sel.dispatchEvent(new Event('change'));
          return best;
        }""",
        view,
    )

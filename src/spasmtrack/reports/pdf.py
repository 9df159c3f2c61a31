"""The clinician report as a two-page A4 PDF, drawn with matplotlib (vector only).

Page 1 answers "better or worse?": period, key figures, each figure beside the previous period,
where it hurts (body map + table), the seven check-in items as small multiples (same weeks,
same 0-10 axis) and spasms per week. Page 2: what the diary suggests, sleep, activity and
weather beside the previous period, questionnaire scores, trigger points, treatments with
observed pain before/after, the person's questions. Built for a 60-second read: numbers first,
words plain.

matplotlib is imported inside `render_pdf`, so importing this module stays cheap. Only
Figure objects are used (no pyplot), so nothing global is touched while serving requests.
"""

from __future__ import annotations

import functools
import io
import re
import textwrap
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from spasmtrack.reports import bodymap, fontcache
from spasmtrack.reports.summary import CHECKIN_ITEMS, Report

A4 = (8.27, 11.69)  # inches
LEFT, RIGHT = 0.06, 0.94
FOOTER = "Spasmtrack informs and tracks; it does not diagnose."
TABLE_ROWS = 10  # regions: the most relevant rows only
PAGE_TWO_ROWS = 8  # trigger points, treatments
RC = {
    "pdf.fonttype": 42,  # embed TrueType: real, searchable text (pdftotext reads it)
    "text.parse_math": False,  # people's own words: "$20 vs $5" is text, not TeX
    "font.family": "DejaVu Sans",
    "font.size": 8,
    "axes.edgecolor": "#55524b",
    "axes.linewidth": 0.6,
    "xtick.color": "#333333",
    "ytick.color": "#333333",
    "xtick.labelsize": 7,
    "ytick.labelsize": 7,
    "legend.fontsize": 7,
}
SPASM_COLOUR, TWITCH_COLOUR, LINE_COLOUR = "#7a1f2b", "#8ea3d6", "#1a1a1a"


# Right-to-left letters (Hebrew, Arabic and their presentation forms).
_RTL = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]")
# Fonts that carry what DejaVu Sans lacks, from Debian packages, tried in this order for each
# glyph (matplotlib's font fallback): CJK (fonts-droid-fallback), emoji and symbols
# (fonts-symbola, monochrome outlines: a PDF needs outlines, colour bitmaps would not embed).
FALLBACK_FONTS = (
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/usr/share/fonts/truetype/ancient-scripts/Symbola_hint.ttf",
)


def shaped(text: str) -> str:
    """`text` as matplotlib has to be handed it: matplotlib lays out glyphs left to right one
    by one, so Arabic letters are first joined (contextual presentation forms, arabic-reshaper)
    and right-to-left runs put in visual order (the Unicode bidi algorithm, python-bidi).
    Text without right-to-left letters is returned unchanged. Shape each line after wrapping,
    never before (visual order is per line)."""
    if not _RTL.search(text):
        return text
    import arabic_reshaper  # type: ignore[import-untyped]
    from bidi import get_display  # type: ignore[import-untyped]

    return str(get_display(arabic_reshaper.reshape(text)))


def _text(fig: Any, x: float, y: float, text: str, **kw: Any) -> Any:
    """fig.text for any script (see `shaped`): the fallback fonts are named only for text
    with a character DejaVu Sans lacks. The same glyphs either way (DejaVu comes first),
    but matplotlib looks every font of the list up for every text it draws, a fifth of a
    report's drawing time."""
    text = shaped(text)
    if not _dejavu_covers(text):
        kw.setdefault("fontfamily", list(_font_families()))
    return fig.text(x, y, text, **kw)


@functools.cache
def _dejavu_chars() -> frozenset[int]:
    """The characters both DejaVu Sans faces the report uses (regular, bold) have."""
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font

    common: frozenset[int] | None = None
    for weight in ("normal", "bold"):
        path = font_manager.findfont(font_manager.FontProperties(family="DejaVu Sans",
                                                                 weight=weight))  # fmt: skip
        chars = frozenset(FT2Font(path).get_charmap())
        common = chars if common is None else common & chars
    return common or frozenset()


def _dejavu_covers(text: str) -> bool:
    return text.isascii() or all(ord(c) in _dejavu_chars() for c in text)


# Characters every report font subset includes, so that most reports ask for the same subset
# (see _cache_font_subsets): printable ASCII, Latin-1 and the punctuation the report uses.
_SUBSET_BASE = (
    "".join(chr(c) for c in range(0x20, 0x7F))
    + "".join(chr(c) for c in range(0xA0, 0x100))
    + "–—‘’“”•…→←±−≥≤×·"
)


_SUBSETTER_LOCK = threading.Lock()


def _defer_font_subsetter() -> None:
    """Import fontTools' subsetter on first use instead of with matplotlib's PDF backend.

    matplotlib imports it (about 0.15 s of a fresh process) only to subset fonts, which
    `reports.fontcache` mostly answers from disk. Call before matplotlib's PDF backend is
    imported; once anything imported the subsetter, or the backend, this changes nothing.
    The first attribute read loads the real module (under _SUBSETTER_LOCK in `cached`).
    """
    import importlib.util
    import sys

    if "fontTools.subset" in sys.modules or "matplotlib.backends._backend_pdf_ps" in sys.modules:
        return
    spec = importlib.util.find_spec("fontTools.subset")
    if spec is None or spec.loader is None:
        return
    spec.loader = importlib.util.LazyLoader(spec.loader)
    module = importlib.util.module_from_spec(spec)
    sys.modules["fontTools.subset"] = module
    spec.loader.exec_module(module)
    setattr(sys.modules["fontTools"], "subset", module)  # noqa: B010 (as an import would)


def _cache_font_subsets() -> None:
    """Take matplotlib's font subsets from `reports.fontcache` (memory, then disk).

    matplotlib subsets every embedded face on every PDF with fontTools, which parses the whole
    font file each time (most of a fresh process's first report, bench/report.py). Asking
    for the report's characters plus _SUBSET_BASE makes the request the same for most
    reports, so each face is subset once per machine. This wraps a private matplotlib
    function; if it is not there (another matplotlib version), nothing is changed and
    reports are only slower.
    """
    from matplotlib.backends import _backend_pdf_ps as pdf_ps

    original = getattr(pdf_ps, "get_glyphs_subset", None)
    if original is None or getattr(original, "_spasmtrack_cached", False):
        return

    def cached(fontfile: Any, characters: str) -> Any:
        wanted = "".join(sorted(set(characters) | set(_SUBSET_BASE)))

        def make() -> bytes:
            with _SUBSETTER_LOCK:  # a deferred import loads once, in one thread
                from fontTools import subset as subsetter  # type: ignore[import-untyped]

                subsetter.Options  # noqa: B018 (the first read loads it)
            with original(fontfile, wanted) as subset:
                return bytes(pdf_ps.font_as_file(subset).getvalue())  # type: ignore[no-untyped-call]

        return fontcache.open_subset(fontcache.subset_bytes(str(fontfile), wanted, make))

    cached._spasmtrack_cached = True  # type: ignore[attr-defined]
    pdf_ps.get_glyphs_subset = cached


@functools.cache
def _font_families() -> tuple[str, ...]:
    """DejaVu Sans, then the fallback fonts that are installed (registered on first use)."""
    from pathlib import Path

    from matplotlib import font_manager

    families = ["DejaVu Sans"]
    for path in FALLBACK_FONTS:
        if Path(path).exists():
            name = font_manager.FontProperties(fname=path).get_name()
            if name not in {f.name for f in font_manager.fontManager.ttflist}:
                font_manager.fontManager.addfont(path)
            families.append(name)
    return tuple(families)


def day_text(day: date, year: bool = True) -> str:
    return f"{day.day} {day:%b %Y}" if year else f"{day.day} {day:%b}"


def _num(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}"


@dataclass(frozen=True)
class Col:
    header: str
    x: float  # left edge (or right edge when align="right")
    width: int  # characters before the text wraps
    align: str = "left"


def _heading(fig: Any, y: float, text: str, note: str = "") -> None:
    _text(fig, LEFT, y, text, fontsize=11, fontweight="bold", color="#17324d", va="baseline")
    if note:
        _text(fig, RIGHT, y, note, fontsize=7, color="#4a4a4a", ha="right", va="baseline")
    fig.add_artist(_rule(fig, y - 0.007))


def _rule(fig: Any, y: float, colour: str = "#9c988e", lw: float = 0.6) -> Any:
    from matplotlib.lines import Line2D

    return Line2D([LEFT, RIGHT], [y, y], transform=fig.transFigure, color=colour, linewidth=lw)


def _cell_lines(text: str, width: int, max_lines: int) -> list[str]:
    lines = textwrap.wrap(text, width=width) or [""]
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1][: max(width - 1, 1)].rstrip() + "…"
    return lines


def _table(
    fig: Any,
    y: float,
    cols: Sequence[Col],
    rows: Sequence[Sequence[str]],
    line: float = 0.0145,
    max_lines: int = 2,
    left: float = LEFT,
    right: float = RIGHT,
) -> float:
    """Draw a header and rows from `y` down; cells wrap up to `max_lines`. Returns the new y."""
    from matplotlib.lines import Line2D

    for c in cols:
        _text(fig, c.x, y, c.header, fontsize=7, color="#4a4a4a", ha=c.align, va="baseline")
    y -= 0.006
    fig.add_artist(
        Line2D([left, right], [y, y], transform=fig.transFigure, color="#9c988e", lw=0.5)
    )
    y -= line
    for row in rows:
        cells = [_cell_lines(text, c.width, max_lines) for c, text in zip(cols, row, strict=True)]
        for c, lines in zip(cols, cells, strict=True):
            for i, text in enumerate(lines):
                _text(fig, c.x, y - i * line * 0.8, text, fontsize=8, ha=c.align, va="baseline")
        height = line * (1 + 0.8 * (max(len(lines) for lines in cells) - 1))
        y -= height
    return y


def _per_week(count: int, r: Report) -> str:
    return f"{count / (r.rate_days / 7):.1f} a week" if count else "none"


def _tiles(r: Report) -> list[tuple[str, str]]:
    """The key figures as (big number, small label) pairs; never an empty or zero-only cell
    that says nothing (no "0 pain drawings")."""
    tiles = [
        (str(r.spasms), f"spasms ({_per_week(r.spasms, r)})"),
        (
            f"{r.spasm_intensity:.1f} / 10" if r.spasm_intensity is not None else "no spasms",
            "average spasm intensity",
        ),
        (str(r.twitches), f"twitches ({_per_week(r.twitches, r)})"),
        (f"{r.checkin_days} of {r.tracked_days or r.days}", "days with a check-in"),
    ]
    if r.drawings:
        tiles.append((str(r.drawings), "pain drawings"))
    return tiles


def _page_header(fig: Any, r: Report) -> None:
    from matplotlib.patches import FancyBboxPatch

    _text(
        fig,
        LEFT,
        0.962,
        "Spasmtrack summary for a clinician visit",
        fontsize=15,
        fontweight="bold",
        color="#17324d",
    )
    born = f"     Born {day_text(r.birth_date)}" if r.birth_date else ""
    _text(
        fig,
        LEFT,
        0.942,
        f"Period: {day_text(r.start)} – {day_text(r.end)} ({r.days} days) · {r.history_text}",
        fontsize=8.5,
    )
    _text(
        fig,
        LEFT,
        0.9285,
        f"Person: {r.person}{born}     Time zone: {r.tz}     Made on {day_text(r.made_on)}",
        fontsize=8.5,
    )
    fig.add_artist(
        FancyBboxPatch(
            (LEFT, 0.882),
            RIGHT - LEFT,
            0.036,
            boxstyle="round,pad=0,rounding_size=0.006",
            transform=fig.transFigure,
            facecolor="#e8f1fb",
            edgecolor="none",
        )
    )
    tiles = _tiles(r)
    width = (RIGHT - LEFT) / len(tiles)
    for i, (big, small) in enumerate(tiles):
        x = LEFT + 0.012 + i * width
        _text(fig, x, 0.9, big, fontsize=13, fontweight="bold", color="#17324d")
        _text(fig, x, 0.887, small, fontsize=7, color="#333333")


def _footer(fig: Any, r: Report, page: int, pages: int) -> None:
    fig.add_artist(_rule(fig, 0.038, "#c9c6bd", 0.5))
    # Regular, not italic: each extra font face costs a subset and an embedding (bench/report.py)
    _text(fig, 0.5, 0.022, FOOTER, ha="center", fontsize=8.5, color="#333333")
    _text(
        fig,
        LEFT,
        0.022,
        f"{r.person} · {day_text(r.start)} – {day_text(r.end)}",
        fontsize=6.5,
        color="#4a4a4a",
    )
    _text(fig, RIGHT, 0.022, f"Page {page} of {pages}", fontsize=6.5, ha="right", color="#4a4a4a")


def _changes(fig: Any, r: Report, top: float) -> float:
    """This period beside the previous one of the same length; returns the new y."""
    assert r.previous_start is not None and r.previous_end is not None
    length = (r.previous_end - r.previous_start).days + 1
    short = r.previous_tracked_days
    tracked = "" if short >= length else f" (tracked {short} day{'' if short == 1 else 's'})"
    _heading(
        fig,
        top,
        "Change since the previous period",
        f"Previous: {day_text(r.previous_start)} – {day_text(r.previous_end)}{tracked}",
    )
    y = top - 0.026
    if not r.changes:
        return _nothing(fig, y, "Nothing recorded in this period or the one before.") + 0.006
    if all(c.before is None for c in r.changes):
        # nothing to compare with: this period's figures only, no column of blanks
        y = _nothing(fig, y, "Nothing recorded in the previous period: no comparison yet.")
        cols = [Col("Figure", LEFT, 40), Col("This period", 0.42, 12, "right")]
        rows = [[c.label, c.now_text] for c in r.changes]
        return _table(fig, y + 0.012, cols, rows, line=0.0142, max_lines=1) - 0.012
    cols = [
        Col("Figure", LEFT, 40),
        Col("This period", 0.42, 12, "right"),
        Col("Previous", 0.52, 12, "right"),
        Col("Change", 0.64, 14, "right"),
        Col("Verdict (only where a published threshold exists)", 0.66, 46),
    ]
    rows = [[c.label, c.now_text, c.before_text, c.change_text, c.verdict] for c in r.changes]
    return _table(fig, y, cols, rows, line=0.0142, max_lines=2) - 0.012


def _body(fig: Any, r: Report, top: float) -> float:
    """Body map (left) and the ranked region table (right), from `top` down ~0.27; returns
    the y below both."""
    from matplotlib import colormaps
    from matplotlib.patches import Rectangle

    cmap = colormaps["YlOrRd"]  # the app's body heatmap uses the same scale
    if r.heat_source == "drawings":
        note = (
            f"Colour: average pain over {r.drawings} pain drawing(s), 0–10, unmarked days count 0"
        )
    elif r.heat_source == "events":
        note = "No pain drawings: colour = average intensity of the spasms there, 0–10"
    else:
        note = ""
    _heading(fig, top, "Where it hurts", note)
    top_rows = list(r.regions[:TABLE_ROWS])
    numbers = {row.region_id: i for i, row in enumerate(top_rows, start=1)}
    height = 0.225
    base = top - 0.02 - height
    boxes = {"front": [0.035, base, 0.215, height], "back": [0.255, base, 0.215, height]}
    for view, box in boxes.items():
        ax = fig.add_axes(box)
        title = "Front (facing you)" if view == "front" else "Back"
        bodymap.draw_view(ax, view, r.heat, numbers, cmap, title)
    # A stepped colour key drawn as rectangles (vector, unlike a raster colour bar).
    key_y = base - 0.012
    _text(fig, 0.07, key_y, "0–10:", fontsize=7, va="center", color="#4a4a4a")
    for i, value in enumerate((1, 3, 5, 7, 9)):
        x = 0.115 + i * 0.06
        fig.add_artist(
            Rectangle(
                (x, key_y - 0.006),
                0.022,
                0.012,
                transform=fig.transFigure,
                facecolor=cmap(value / 10),
                edgecolor="#3a3a3a",
                lw=0.4,
            )
        )
        _text(fig, x + 0.026, key_y, f"{value - 1}–{value + 1}", fontsize=6.5, va="center")
    if r.heat_source == "drawings":
        from matplotlib.lines import Line2D

        # a marker, not a Circle: the page is not square, so a figure-space circle would squash
        fig.add_artist(
            Line2D(
                [0.42],
                [key_y + 0.0005],
                transform=fig.transFigure,
                marker="o",
                markersize=7,
                markerfacecolor="white",
                markeredgecolor="#3a3a3a",
                markeredgewidth=0.6,
            )
        )
        _text(fig, 0.43, key_y, "not in drawings", fontsize=6.5, va="center")

    x0 = 0.50
    y = top - 0.027
    if not top_rows:
        _text(fig, x0, y - 0.01, "No pain drawings or spasms in this period.", fontsize=8.5)
        y -= 0.03
    else:
        if r.heat_source == "drawings":
            cols = [
                Col("#", x0 + 0.018, 3, "right"),
                Col("Region", x0 + 0.03, 29),
                Col("Drawings", 0.8, 6, "right"),
                Col("Avg pain", 0.87, 6, "right"),
                Col("Spasms", RIGHT, 6, "right"),
            ]
            rows = [
                [str(i), row.label, str(row.drawings), _num(row.mean_pain), str(row.events)]
                for i, row in enumerate(top_rows, start=1)
            ]
            key = "Drawings: times marked. Avg pain: when marked. Spasms: logged there."
        else:
            cols = [
                Col("#", x0 + 0.018, 3, "right"),
                Col("Region", x0 + 0.03, 30),
                Col("Spasms", 0.855, 6, "right"),
                Col("Avg intensity", RIGHT, 8, "right"),
            ]
            rows = [
                [str(i), row.label, str(row.events), _num(row.event_intensity)]
                for i, row in enumerate(top_rows, start=1)
            ]
            key = "Spasms logged there, with their average intensity (0–10)."
        y = _table(fig, y, cols, rows, line=0.0152, max_lines=1, left=x0)
        more = len(r.regions) - len(top_rows)
        if more > 0:
            _text(fig, x0 + 0.03, y, f"and {more} more region(s)", fontsize=7, color="#4a4a4a")
            y -= 0.014
        _text(fig, x0 + 0.03, y, key, fontsize=6.5, color="#4a4a4a")
        y -= 0.018
    # Twitches apart: small, often harmless (an eyelid), never ranked with spasms.
    if r.twitch_regions:
        where = ", ".join(f"{label} {n}" for label, n in r.twitch_regions[:6])
        more = len(r.twitch_regions) - 6
        text = f"Twitches ({r.twitches}), by place: {where}" + (
            f", and {more} more" if more > 0 else ""
        )
        pieces = textwrap.wrap(text, 62)[:3]
        for i, piece in enumerate(pieces):
            _text(fig, x0 + 0.03, y - i * 0.013, piece, fontsize=7.5)
        y -= 0.013 * len(pieces)
    return min(y - 0.016, key_y - 0.03)


def _week_ticks(ax: Any, weeks: Sequence[date]) -> None:
    step = max(1, -(-len(weeks) // 14))  # at most ~14 labels
    ticks = list(range(0, len(weeks), step))
    ax.set_xticks(ticks)
    ax.set_xticklabels([day_text(weeks[i], year=False) for i in ticks])
    ax.set_xlim(-0.6, len(weeks) - 0.4)


def _empty(ax: Any, text: str) -> None:
    ax.text(0.5, 0.5, text, ha="center", va="center", fontsize=8.5, transform=ax.transAxes)
    ax.set_xticks([])
    ax.set_yticks([])


def _spasm_chart(fig: Any, r: Report, top: float, bottom: float = 0.07) -> None:
    """Weekly spasm and twitch counts with the mean spasm intensity, from `top` to `bottom`."""
    _heading(
        fig,
        top,
        "Spasms and twitches per week",
        "Weeks start on Monday; the first and last week may be partial",
    )
    ax = fig.add_axes([0.085, bottom, 0.83, top - bottom - 0.05])
    starts = [w.start for w in r.weeks]
    if not (r.spasms or r.twitches):
        _empty(ax, "No spasms or twitches logged in this period.")
        return
    x = list(range(len(starts)))
    ax.bar([i - 0.19 for i in x], [w.spasms for w in r.weeks], color=SPASM_COLOUR, width=0.38,
           label="Spasms")  # fmt: skip
    ax.bar([i + 0.19 for i in x], [w.twitches for w in r.weeks], color=TWITCH_COLOUR,
           width=0.38, label="Twitches")  # fmt: skip
    ax.set_ylabel("count per week", fontsize=7)
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.spines[["top"]].set_visible(False)
    right = ax.twinx()
    points = [
        (i, w.spasm_intensity) for i, w in enumerate(r.weeks) if w.spasm_intensity is not None
    ]
    right.plot(
        [p[0] for p in points],
        [p[1] for p in points],
        color=LINE_COLOUR,
        marker="o",
        markersize=3,
        linewidth=1.2,
        label="Average spasm intensity (right axis, 0–10)",
    )
    right.set_ylim(0, 10.5)
    right.set_yticks([0, 2, 4, 6, 8, 10])
    right.set_ylabel("intensity 0–10", fontsize=7)
    right.spines[["top"]].set_visible(False)
    _week_ticks(ax, starts)
    handles = ax.get_legend_handles_labels()[0] + right.get_legend_handles_labels()[0]
    ax.legend(
        handles=handles,
        loc="lower left",
        bbox_to_anchor=(0, 1.0),
        ncols=3,
        frameon=False,
        borderaxespad=0.2,
    )


# Panel titles on two lines: seven panels share one row.
CHECKIN_TITLES = {
    "overall_pain": "Overall pain",
    "spasm_burden": "Spasm burden",
    "fatigue": "Tiredness",
    "brain_fog": "Brain fog",
    "stress": "Stress",
    "sleep_quality": "Sleep quality\n(higher = better)",
    "mood": "Mood\n(higher = better)",
}


def _checkin_chart(fig: Any, r: Report, top: float, rows: int = 1) -> float:
    """All seven check-in items as small multiples, in one row or (more room) two rows of
    four: the same weeks and the same 0–10 axis in every panel, a dashed line at the
    mean of the weeks. Returns the y below."""
    _heading(
        fig,
        top,
        "Daily check-ins, weekly means (0–10)",
        f"Same scale everywhere; dashed: mean of the weeks; {r.checkin_days} check-in(s) "
        f"in {r.days} days",
    )
    if not r.checkin_days:
        return _nothing(fig, top - 0.028, "No daily check-ins in this period.")
    starts = [w.start for w in r.weeks]
    per_row = -(-len(CHECKIN_ITEMS) // rows)
    x0 = 0.085
    gap, height = (0.013, 0.068) if rows == 1 else (0.03, 0.1)
    width = (RIGHT - x0 - gap * (per_row - 1)) / per_row
    bottom = top - 0.05 - height
    for n, (item, _) in enumerate(CHECKIN_ITEMS):
        row, col = divmod(n, per_row)
        panel_bottom = bottom - row * (height + 0.05)
        ax = fig.add_axes([x0 + col * (width + gap), panel_bottom, width, height])
        got = [(i, v) for i, w in enumerate(r.weeks) if (v := w.checkins.get(item)) is not None]
        ax.set_title(shaped(CHECKIN_TITLES[item]), fontsize=7, loc="left", pad=2,
                     linespacing=1.0)  # fmt: skip
        if got:
            values = [p[1] for p in got]
            ax.plot([p[0] for p in got], values, color="#17324d", marker="o",
                    markersize=1.8 if len(got) < 20 else 0, linewidth=1.0)  # fmt: skip
            mean = sum(values) / len(values)
            ax.axhline(mean, color="#7a7566", linewidth=0.6, linestyle=(0, (3, 2)))
        else:
            ax.text(0.5, 0.5, "not rated", ha="center", va="center", fontsize=7,
                    color="#4a4a4a", transform=ax.transAxes)  # fmt: skip
        ax.set_ylim(0, 10.5)
        ax.set_yticks([0, 5, 10])
        ax.set_xlim(-0.6, len(starts) - 0.4)
        ticks = [0, len(starts) - 1] if len(starts) > 1 else [0]
        ax.set_xticks(ticks)
        labels = ax.set_xticklabels([day_text(starts[i], year=False) for i in ticks])
        if len(labels) == 2:  # inside the panel: neighbours' labels never touch
            labels[0].set_horizontalalignment("left")
            labels[1].set_horizontalalignment("right")
        ax.tick_params(labelsize=5.5, length=2, pad=1.5)
        ax.grid(axis="y", color="#e3e0d8", linewidth=0.5)
        ax.spines[["top", "right"]].set_visible(False)
        if col:
            ax.set_yticklabels([])
    if rows > 1 and len(CHECKIN_ITEMS) % per_row:  # the free cell says how to read them
        x = x0 + (len(CHECKIN_ITEMS) % per_row) * (width + gap) + 0.01
        key = ("Weekly means of the daily ratings.", "Dashed line: mean of the weeks.",
               "Higher = worse, except sleep", "quality and mood.")  # fmt: skip
        for i, line in enumerate(key):
            _text(fig, x, panel_bottom + height - 0.012 - i * 0.013, line, fontsize=7,
                  color="#4a4a4a")  # fmt: skip
    return panel_bottom - 0.032


def _page_one(fig: Any, r: Report, spasms_here: bool = True) -> None:
    """Better or worse: the changes, where it hurts, then the trends week by week. Without
    the spasm chart (moved to a page 2 with room for it) the check-ins get two rows."""
    _page_header(fig, r)
    y = _changes(fig, r, 0.862)
    y = _body(fig, r, y)
    y = _checkin_chart(fig, r, y, rows=1 if spasms_here else 2)
    if spasms_here:
        _spasm_chart(fig, r, y, bottom=0.065)


def _nothing(fig: Any, y: float, text: str) -> float:
    _text(fig, LEFT, y, text, fontsize=8.5, color="#4a4a4a")
    return y - 0.03


SPASM_CHART_ROOM = 0.3  # of the page height, heading included


def _question_lines(text: str) -> list[str]:
    return [w for para in text.splitlines() for w in (textwrap.wrap(para, 100) or [""])]


def _page_two(fig: Any, r: Report) -> bool:
    """Suggestions, measures, scores, trigger points, treatments, the person's questions.
    When that leaves room for it, the spasm chart comes here, before the questions (so page 2
    is not mostly blank and page 1 has room for bigger check-in panels); returns whether it
    did."""
    _text(
        fig,
        LEFT,
        0.962,
        "Spasmtrack summary for a clinician visit (continued)",
        fontsize=11,
        fontweight="bold",
        color="#17324d",
    )
    _text(fig, LEFT, 0.945, f"Period: {day_text(r.start)} – {day_text(r.end)}", fontsize=8.5)

    y = _suggestions(fig, r, 0.915)
    y = _measures(fig, r, y)
    _heading(fig, y, "Latest questionnaire scores", "Self-report; informs, does not diagnose")
    y -= 0.028
    if r.scores:
        cols = [
            Col("Questionnaire", LEFT, 12),
            Col("Answered", 0.165, 12),
            Col("Score", 0.27, 22),
            Col("Previous", 0.44, 19),
            Col("Details", 0.6, 44),
        ]
        rows = [
            [s.title, day_text(s.day), s.headline, s.previous or "–", s.details] for s in r.scores
        ]
        y = _table(fig, y, cols, rows, max_lines=4) - 0.018
    else:
        y = _nothing(fig, y, "No questionnaire answered up to the end of this period.")

    _heading(fig, y, "Trigger points recorded", "Tenderness 0–10; first → latest in the period")
    y -= 0.028
    if r.trigger_points:
        cols = [
            Col("Muscle", LEFT, 34),
            Col("Side", 0.36, 8),
            Col("Found by", 0.44, 21),
            Col("Times", 0.62, 5, "right"),
            Col("Tenderness first → latest", 0.65, 34),
            Col("Now", 0.88, 8),
        ]
        rows = [
            [
                t.muscle,
                t.side,
                t.found_by,
                str(t.times),
                f"{t.first_tenderness} ({day_text(t.first_day, False)}) → {t.last_tenderness} "
                f"({day_text(t.last_day, False)})",
                t.status,
            ]
            for t in r.trigger_points[:PAGE_TWO_ROWS]
        ]
        y = _table(fig, y, cols, rows, max_lines=1)
        if len(r.trigger_points) > PAGE_TWO_ROWS:
            _text(fig, LEFT, y, f"and {len(r.trigger_points) - PAGE_TWO_ROWS} more", fontsize=7)
            y -= 0.014
        y -= 0.018
    else:
        y = _nothing(fig, y, "No trigger points recorded in this period.")

    _heading(
        fig,
        y,
        "Treatments tried",
        "Pain before → after: average of the logs rating both; observed, not proof of an effect",
    )
    y -= 0.028
    if r.treatments:
        cols = [
            Col("Treatment", LEFT, 40),
            Col("Times", 0.5, 5, "right"),
            Col("With before & after", 0.66, 10, "right"),
            Col("Pain before → after (0–10)", 0.7, 30),
        ]
        rows = [
            [
                t.name,
                str(t.times),
                str(t.pairs),
                f"{_num(t.mean_before)} → {_num(t.mean_after)}" if t.pairs else "–",
            ]
            for t in r.treatments[:PAGE_TWO_ROWS]
        ]
        y = _table(fig, y, cols, rows, max_lines=1)
        if len(r.treatments) > PAGE_TWO_ROWS:
            _text(fig, LEFT, y, f"and {len(r.treatments) - PAGE_TWO_ROWS} more", fontsize=7)
            y -= 0.014
        y -= 0.018
    else:
        y = _nothing(fig, y, "No treatments logged in this period.")

    questions = 0.05 + 0.0165 * max(len(_question_lines(r.questions)), 1)
    moved = y - questions - 0.06 >= SPASM_CHART_ROOM
    if moved:
        _spasm_chart(fig, r, y, bottom=y - SPASM_CHART_ROOM + 0.04)
        y -= SPASM_CHART_ROOM
    _heading(fig, y, "Questions for my visit")
    y -= 0.03
    _questions(fig, y, r.questions)
    return moved


def _measures(fig: Any, r: Report, y: float) -> float:
    """Sleep, activity and weather beside the previous period, then the menstrual cycle
    (each only when there is something to show)."""
    if not (r.measures or r.cycle):
        return y
    _heading(
        fig,
        y,
        "Sleep, activity and weather" + (", cycle" if r.cycle else ""),
        "Daily means; previous period of the same length; no verdict (no published threshold)",
    )
    y -= 0.026
    if r.measures:
        cols = [
            Col("Measure", LEFT, 40),
            Col("This period", 0.5, 12, "right"),
            Col("Previous", 0.6, 12, "right"),
            Col("Change", 0.74, 16, "right"),
            Col("Days with a value", RIGHT, 18, "right"),
        ]
        rows = [
            [
                m.change.label,
                m.change.now_text,
                m.change.before_text,
                m.change.change_text,
                f"{m.days} / {m.previous_days}",
            ]
            for m in r.measures
        ]
        y = _table(fig, y, cols, rows, max_lines=1)
        notes = [
            "From the person's imports (watch, phone, weather file) or typed in; one value a "
            "day. Days with a value: this period / previous."
        ]
        if any(m.change.label.startswith("Activity, check-in") for m in r.measures):
            notes.append(
                "Activity: the daily check-in's “How much did you do today?” (0 rested all day "
                "– 10 the most the person ever does), as the person rated it."
            )
        for note in notes:
            _text(fig, LEFT, y, note, fontsize=6.5, color="#4a4a4a")
            y -= 0.011
        y -= 0.015
    if r.cycle:
        _text(fig, LEFT, y, "Menstrual cycle", fontsize=8, fontweight="bold", va="baseline")
        y -= 0.0142
        for line in r.cycle.lines():
            _text(fig, LEFT, y, line, fontsize=8, va="baseline")
            y -= 0.0142
        _text(
            fig,
            LEFT,
            y,
            "From the period days the person logs: a calendar estimate (nothing here measures "
            "ovulation), not a diagnosis.",
            fontsize=6.5,
            color="#4a4a4a",
        )
        y -= 0.026
    return y


def _suggestions(fig: Any, r: Report, y: float) -> float:
    """Insights' findings in plain words, then finished experiments with their answer."""
    _heading(
        fig, y, "What the diary suggests", "Patterns in this diary, not proof; not a diagnosis"
    )
    y -= 0.026
    lines = [*r.findings, *(f"Experiment: {e}" for e in r.experiments)]
    if not lines:
        return _nothing(fig, y, "No clear pattern and no finished experiment in this period.")
    for text in lines:
        for i, piece in enumerate(textwrap.wrap(text, 118)[:2]):
            _text(fig, LEFT + (0.012 if i else 0), y, "• " + piece if not i else piece,
                  fontsize=8, va="baseline")  # fmt: skip
            y -= 0.0142
    return y - 0.014


def _questions(fig: Any, y: float, text: str) -> None:
    """The person's own words, wrapped; cut with a note when they do not fit the page."""
    if not text.strip():
        _text(fig, LEFT, y, "(none written)", fontsize=9, color="#4a4a4a")
        return
    line = 0.0165
    lines = _question_lines(text)
    room = max(int((y - 0.06) / line), 1)
    if len(lines) > room:
        lines = [*lines[: room - 1], "… (more in the app)"]
    for i, text_line in enumerate(lines):
        _text(fig, LEFT, y - i * line, text_line, fontsize=9, va="baseline")


def render_pdf(report: Report) -> bytes:
    """The report as PDF bytes: two A4 pages, vector graphics, searchable text."""
    _defer_font_subsetter()
    import matplotlib
    from matplotlib.backends.backend_pdf import PdfPages
    from matplotlib.figure import Figure

    buf = io.BytesIO()
    metadata = {
        "Title": f"Spasmtrack summary {report.start} to {report.end}",
        "Creator": "Spasmtrack",
        "CreationDate": None,  # the same diary gives the same file
    }
    _cache_font_subsets()
    with matplotlib.rc_context(RC), PdfPages(buf, metadata=metadata) as pdf:
        one, two = Figure(figsize=A4), Figure(figsize=A4)
        moved = _page_two(two, report)  # first: it decides where the spasm chart goes
        _page_one(one, report, spasms_here=not moved)
        for n, fig in enumerate((one, two), start=1):
            _footer(fig, report, n, 2)
            pdf.savefig(fig)
    return buf.getvalue()

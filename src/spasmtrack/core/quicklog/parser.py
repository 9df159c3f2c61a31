"""Quick-log parser: one typed line -> a structured, confirmable `QuickLog`.

    parse("left calf cramp 7/10 for 20 min after yoga", now=now, treatments=[], habits=[])
    -> QuickLog(kind="spasm", regions=("calf_left",), intensity=7, duration_s=1200,
                triggers=("yoga",), ...)

How it works: the line is tokenized, misspelt body/kind/catalogue words within one edit are
corrected (words of 5+ letters only), and a longest-match pass over a token trie turns tokens into
chunks tagged with lexicon categories (region, side, kind, unit, number, time word, cue, catalogue
item, ...). Small grammar passes then read quantities, 0-10 scores, pain changes, time phrases,
triggers, catalogue amounts, durations, regions and kind, each marking the chunks it used. Unused
chunks become `notes`: the parser never guesses.

Decisions worth knowing:
- "knot" / "trigger point" sets `trigger_point=True`, not kind="spasm": a knot is a palpable
  nodule in a taut band (a suspected trigger point, Shah 2015), not a contraction.
- Broad words ("back", "leg", "arm", "foot") place nothing on the map; they stay in notes with a
  warning. A specific word without a side ("calf", "neck and shoulders") maps to both sides.
- Intensities outside 0-10 or with decimals stay in notes with a warning (integer 0-10 NRS).
- "X -> Y" pain changes attach to the nearest treatment; without a treatment they stay in notes.
- "after X" is a suspected trigger, unless the line talks about relief ("helped", "6 -> 3") and X
  is a catalogue treatment.
- `now` must be aware and already in the person's zone; every datetime comes back in that zone.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from spasmtrack.core.quicklog.lexicon import (
    FUZZY_MIN_LEN,
    CatalogueItem,
    Lexicon,
    RegionEntry,
    Speller,
    Token,
    Unit,
    catalogue_trie,
    lexicon,
    swapped,
    tokenize,
    trie_match,
)
from spasmtrack.core.quicklog.result import (
    HabitMention,
    QuickLog,
    TreatmentMention,
    describe_duration,
)
from spasmtrack.core.quicklog.time import TimeSpec, resolve

__all__ = ["HabitMention", "QuickLog", "QuickLogParser", "TreatmentMention", "parse"]

_PUNCT = frozenset(',;.!?()[]:"')
_CONJ = frozenset({"and", "&", "+", "/", ",", "or"})
# Words allowed between an intensity cue and its number: "pain is a 7", "pain: 7".
_INTENSITY_LINKS = frozenset({":", "=", "-", "at", "is", "was", "a", "of", "about", "around", "~"})
_KIND_LINKS = frozenset({":", "=", "-", "about", "around", "a", "an", "like", "of", "is", "was"})
# "about a six", "like a 7": an approximate number said on its own is the intensity.
_APPROX = frozenset({"about", "around", "like", "roughly", "approx", "maybe", "prob", "~", "solid"})
# Words allowed between a treatment or habit and its amount: "magnesium, 300 mg", "20 min of".
_AMOUNT_GAP = frozenset({",", "of", "for", "about", "around", "~", "-", ":", "x"})
_TIME_LINKS = frozenset({"at", "in", "the", "on", "around", "about", "~", ","})
_CLOCK_CUES = frozenset({"at", "since", "from", "around", "about", "started", "began", "~"})


@dataclass
class Chunk:
    """A run of tokens read as one lexicon phrase (or a single unknown token)."""

    start: int  # char offsets into the original text
    end: int
    norm: str
    cats: dict[str, Any]
    inner_side: str | None = None
    used: bool = False

    def has(self, cat: str) -> bool:
        return cat in self.cats


@dataclass
class Quantity:
    first: int  # chunk indexes, inclusive
    last: int
    value: float
    unit: Unit
    owner: str | None = None  # "treatment", "habit", "trigger", "duration", "time"


@dataclass
class _State:
    text: str
    chunks: list[Chunk]
    lex: Lexicon
    now: datetime
    quantities: list[Quantity] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    intensity: int | None = None
    changes: list[tuple[int, int, int, int]] = field(default_factory=list)  # first,last,a,b
    ranges: list[str] = field(default_factory=list)  # "7 maybe 8": asked, never picked
    unvalued: list[tuple[str, str]] = field(default_factory=list)  # (habit id, typed words)
    relief: bool = False

    def is_(self, i: int, cat: str) -> bool:
        return 0 <= i < len(self.chunks) and cat in self.chunks[i].cats

    def free(self, i: int) -> bool:
        return 0 <= i < len(self.chunks) and not self.chunks[i].used

    def use(self, first: int, last: int) -> None:
        for c in self.chunks[first : last + 1]:
            c.used = True

    def span_text(self, first: int, last: int) -> str:
        return self.text[self.chunks[first].start : self.chunks[last].end]

    def quantity_at(self, i: int) -> Quantity | None:
        return next((q for q in self.quantities if q.first == i), None)

    def quantity_ending(self, i: int) -> Quantity | None:
        return next((q for q in self.quantities if q.last == i), None)


class QuickLogParser:
    """A parser bound to one person's catalogues; reuse it for many lines.

    `treatments`: mappings with `id`, `name`, optional `synonyms` (list of str) and `unit`
    ("mg", "min", ... or None). `habits`: the same plus `kind` ("yes_no" | "number").
    Raises ValueError for a catalogue entry without id/name or with an unknown habit kind.
    """

    def __init__(
        self,
        treatments: Sequence[Mapping[str, Any]] = (),
        habits: Sequence[Mapping[str, Any]] = (),
    ) -> None:
        self._lex = lexicon()
        extra = self._lex.catalogue_synonyms
        treatments = [_with_synonyms(t, extra) for t in treatments]
        habits = [_with_synonyms(h, extra) for h in habits]
        self._catalogue, catalogue_words = catalogue_trie(treatments, habits)
        self._ids = frozenset(str(e["id"]) for e in [*treatments, *habits])
        self._units = {str(e["id"]): e.get("unit") or None for e in [*treatments, *habits]}
        self._catalogue_speller = Speller(
            frozenset(w for w in catalogue_words if len(w) >= FUZZY_MIN_LEN)
        )
        self._known = self._lex.known_words | self._lex.protected | catalogue_words
        self._memo: dict[str, str | None] = {}

    def parse(self, text: str, *, now: datetime) -> QuickLog:
        """Parse one line. `now` must be timezone-aware, in the person's zone."""
        if now.tzinfo is None or now.utcoffset() is None:
            raise ValueError("now must be an aware datetime in the person's time zone")
        tokens, corrections = self._tokens(text)
        return self._parse(text, self._chunks(tokens), corrections, now, text)

    def read_chunks(self, text: str) -> tuple[list[Chunk], list[tuple[str, str]]]:
        """The line as lexicon chunks (spelling corrected) and the (typed, read as) pairs."""
        tokens, corrections = self._tokens(text)
        return self._chunks(tokens), corrections

    def parse_chunks(
        self,
        text: str,
        chunks: Sequence[Chunk],
        corrections: Sequence[tuple[str, str]],
        *,
        now: datetime,
    ) -> QuickLog:
        """Parse a run of `read_chunks(text)` (one clause of the line) without tokenizing again."""
        if now.tzinfo is None or now.utcoffset() is None:
            raise ValueError("now must be an aware datetime in the person's time zone")
        fresh = [Chunk(c.start, c.end, c.norm, dict(c.cats), c.inner_side) for c in chunks]
        shown = text[chunks[0].start : chunks[-1].end] if chunks else ""
        return self._parse(text, fresh, list(corrections), now, shown)

    def _parse(
        self,
        text: str,
        chunks: list[Chunk],
        corrections: list[tuple[str, str]],
        now: datetime,
        shown: str,
    ) -> QuickLog:
        st = _State(text, chunks, self._lex, now)
        _read_quantities(st)
        _read_ranges(st)
        _read_pain_changes(st)
        _read_cued_intensity(st)
        when = _read_time(st)
        _read_scores(st)
        _read_lone_number(st)
        triggers = _read_triggers(st)
        treatments, habits = _read_catalogue(st)
        duration = _read_duration(st)
        regions, region_phrases = _read_regions(st)
        kind, trigger_point = _read_kind(st)
        notes = _notes(st)
        used_words = {c.norm for c in st.chunks if c.used}
        return QuickLog(
            text=shown,
            kind=kind,
            regions=tuple(regions),
            region_phrases=tuple(region_phrases),
            intensity=st.intensity,
            duration_s=duration,
            when=when[0] if when else None,
            when_text=when[1] if when else None,
            when_approximate=when[2] if when else False,
            treatments=tuple(treatments),
            habits=tuple(habits),
            triggers=tuple(triggers),
            trigger_point=trigger_point,
            notes=notes,
            warnings=tuple(dict.fromkeys(st.warnings)),
            corrections=tuple(c for c in corrections if any(c[1] in w for w in used_words)),
            intensity_ranges=tuple(st.ranges),
            habits_without_number=tuple(st.unvalued),
        )

    def chunks(self, text: str) -> list[Chunk]:
        """The line as lexicon chunks (spelling corrected), before any grammar pass."""
        return self._chunks(self._tokens(text)[0])

    def knows(self, catalogue_id: str) -> bool:
        return catalogue_id in self._ids

    def unit_of(self, catalogue_id: str) -> str | None:
        """The catalogue unit of a treatment or habit ("min", "mg", "dose", None)."""
        return self._units.get(catalogue_id)

    @property
    def lex(self) -> Lexicon:
        return self._lex

    def _tokens(self, text: str) -> tuple[list[Token], list[tuple[str, str]]]:
        """Tokens with misspellings corrected, and the (typed, read as) pairs."""
        out: list[Token] = []
        corrections: list[tuple[str, str]] = []
        tokens = tokenize(text)
        norms = [t.norm for t in tokens]
        for i, t in enumerate(tokens):
            if t.kind == "word" and t.norm.endswith("'s") and t.norm not in self._known:
                # "neck's all knotted", "back's locked up": the word itself
                t = Token(t.norm[:-2], t.kind, t.start, t.end)
                norms[i] = t.norm
            fixed = self._correct(t.norm) if t.kind == "word" else None
            if fixed and not self._means(fixed) and not self._in_phrase(norms, i, fixed):
                fixed = None  # "dinner" -> "inner" only inside "inner thigh"
            if fixed:
                corrections.append((text[t.start : t.end], fixed))
                t = Token(fixed, t.kind, t.start, t.end)
                norms[i] = fixed
            out.append(t)
        return out, corrections

    def _means(self, word: str) -> bool:
        return bool(_meaning(self._lex.trie.get(word)) or _meaning(self._catalogue.get(word)))

    def _in_phrase(self, norms: list[str], i: int, fixed: str) -> bool:
        """True when `fixed` at token i completes a longer lexicon phrase ("lowr back")."""
        trial = [*norms[:i], fixed, *norms[i + 1 :]]
        for trie in (self._lex.trie, self._catalogue):
            for start in (i - 1, i):
                if start < 0:
                    continue
                m = trie_match(trie, trial, start)
                if m is not None and m.start <= i < m.end and m.end - m.start > 1:
                    return True
        return False

    def _correct(self, word: str) -> str | None:
        if word in self._memo:
            return self._memo[word]
        fixed = self._correct_uncached(word)
        if len(self._memo) < 50_000:
            self._memo[word] = fixed
        return fixed

    def _correct_uncached(self, word: str) -> str | None:
        if not word.isalpha() or word in self._known:
            return None
        if len(word) == FUZZY_MIN_LEN - 1:
            # Four letters: only two swapped letters ("bakc", "nekc") or one letter left out of
            # a five-letter word ("lowr", "uper", "calv"), and only one meaning.
            short = [w for w in self._lex.short_words if swapped(word, w)]
            short += [
                w
                for w in self._lex.speller.vocabulary
                if len(w) == FUZZY_MIN_LEN and any(w[:k] + w[k + 1 :] == word for k in range(5))
            ]
            meanings: set[str | None] = {_meaning(self._lex.trie.get(w)) or w for w in short}
            return min(short) if len(meanings) == 1 else None
        if len(word) < FUZZY_MIN_LEN:
            return None
        hits = self._lex.speller.hits(word) | self._catalogue_speller.hits(word)
        if len(hits) > 1:
            # Two candidates with different meanings means we would be guessing; forms of one
            # word ("shoulderr": shoulder/shoulders, "crampp": cramp/cramps) are one meaning.
            meanings = {
                _meaning(self._lex.trie.get(h)) or _meaning(self._catalogue.get(h)) for h in hits
            }
            if len(meanings) == 1 and None not in meanings:
                return min(hits, key=lambda h: (abs(len(h) - len(word)), h))
            return None
        # A word that is only part of a phrase ("inner") is kept only where the phrase follows.
        return next(iter(hits)) if hits else None

    def _chunks(self, tokens: list[Token]) -> list[Chunk]:
        norms = [t.norm for t in tokens]
        chunks: list[Chunk] = []
        i = 0
        while i < len(tokens):
            base = trie_match(self._lex.trie, norms, i)
            cat = trie_match(self._catalogue, norms, i)
            # Longest wins; on a tie the person's own catalogue wins over built-in words.
            m = cat if cat and (not base or cat.end >= base.end) else base
            if m is not None and "side" in m.cats and m.end - i > 1:
                # "left side of the neck": the region phrase inside wins over "left side".
                inner = trie_match(self._lex.trie, norms, i + 1)
                if inner and "region" in inner.cats and inner.end > m.end:
                    m = trie_match(self._lex.trie, norms[: i + 1], i)
            if m is not None:
                cats = dict(m.cats)
                if base and cat and base.end == cat.end:
                    cats = {**base.cats, **cat.cats}
                norm = " ".join(norms[m.start : m.end])
                start, end = tokens[m.start].start, tokens[m.end - 1].end
                chunks.append(Chunk(start, end, norm, cats, m.inner_side))
                i = m.end
                continue
            chunks.append(_token_chunk(tokens[i]))
            i += 1
        return _merge_compound_numbers(chunks)


def parse(
    text: str,
    *,
    now: datetime,
    treatments: Sequence[Mapping[str, Any]] = (),
    habits: Sequence[Mapping[str, Any]] = (),
) -> QuickLog:
    """Parse one quick-log line (see the module docstring). To parse many lines with the same
    catalogues, build a `QuickLogParser` once instead."""
    return QuickLogParser(treatments, habits).parse(text, now=now)


def _meaning(node: Mapping[str, Any] | None) -> str | None:
    """What a one-word lexicon phrase means ("region:12", "kind:spasm"), None if not one."""
    cats = (node or {}).get("")
    if not cats:
        return None
    for cat in ("region", "kind", "tpoint", "broad"):
        if cat in cats:
            return f"{cat}:{cats[cat]}"
    for cat in ("treatment", "habit"):
        if cat in cats:
            return f"{cat}:{cats[cat].id}"
    return None


def _with_synonyms(
    entry: Mapping[str, Any], extra: Mapping[str, Sequence[str]]
) -> Mapping[str, Any]:
    """A catalogue entry with the lexicon's extra words for its id (brands, verb forms)."""
    more = extra.get(str(entry.get("id")))
    if not more:
        return entry
    return {**entry, "synonyms": [*(entry.get("synonyms") or ()), *more]}


def _token_chunk(t: Token) -> Chunk:
    cats: dict[str, Any]
    if t.kind == "num":
        cats = {"num": t.value}
    elif t.kind == "clock":
        cats = {"clock": t.clock}
    elif t.kind == "arrow":
        cats = {"arrow": True}
    elif t.norm in _PUNCT:
        cats = {"punct": True}
    elif t.norm in ("/",):
        cats = {"slash": True}
    else:
        cats = {"word": True}
    if t.norm in _CONJ:
        cats["conj"] = True
    return Chunk(t.start, t.end, t.norm, cats)


def _merge_compound_numbers(chunks: list[Chunk]) -> list[Chunk]:
    """'twenty five' / 'twenty-five' -> one number chunk of 25."""
    out: list[Chunk] = []
    i = 0
    while i < len(chunks):
        c = chunks[i]
        tens = c.cats.get("num")
        if tens in (20.0, 30.0, 40.0, 50.0, 60.0, 90.0) and c.norm.isalpha():
            j = i + 2 if i + 1 < len(chunks) and chunks[i + 1].norm == "-" else i + 1
            unit = chunks[j].cats.get("num") if j < len(chunks) else None
            if unit is not None and chunks[j].norm.isalpha() and 1 <= unit <= 9:
                out.append(
                    Chunk(
                        c.start, chunks[j].end, f"{c.norm} {chunks[j].norm}", {"num": tens + unit}
                    )
                )
                i = j + 1
                continue
        out.append(c)
        i += 1
    for c in out:  # lexicon words like "and" and "/" also keep their grammatical role
        if c.norm in _CONJ:
            c.cats["conj"] = True
        if c.norm == "/":
            c.cats["slash"] = True
    return out


# ---------------------------------------------------------------- numbers and quantities


def _num(st: _State, i: int) -> float | None:
    """The free number at chunk i, if any."""
    if st.free(i) and st.is_(i, "num"):
        value = st.chunks[i].cats["num"]
        return float(value)
    return None


def _is_half(st: _State, i: int) -> int:
    """Length of an 'and a half' phrase at i (0 when absent)."""
    norms = [c.norm for c in st.chunks[i : i + 3]]
    return 3 if norms == ["and", "a", "half"] else 0


def _unit(st: _State, i: int) -> Unit | None:
    if st.free(i) and st.is_(i, "unit"):
        return st.lex.units[st.chunks[i].cats["unit"]]
    return None


def _quantity_at(st: _State, i: int) -> Quantity | None:
    """'20 min', '1.5 hours', 'an hour', 'half an hour', 'one and a half hours', '300mg'."""
    value = _num(st, i)
    j = i + 1
    if value is None and st.free(i) and st.chunks[i].norm in ("a", "an"):
        value = 1.0
        if j < len(st.chunks) and st.chunks[j].norm == "half":
            value, j = 0.5, j + 1
    elif value is None and st.free(i) and st.chunks[i].norm == "half":
        value = 0.5
        if j < len(st.chunks) and st.chunks[j].norm in ("a", "an"):
            j += 1
    if value is None:
        return None
    half = _is_half(st, j)
    unit = _unit(st, j + half)
    if unit is None:
        return None
    if st.chunks[i].norm in ("a", "an", "half") and unit.dimension != "time":
        return None  # "a cup" is not an amount we should read
    last = j + half
    if half:
        value += 0.5
    elif _is_half(st, last + 1):
        value, last = value + 0.5, last + 3
    return Quantity(i, last, value, unit)


def _read_quantities(st: _State) -> None:
    """Find every quantity; glue '1 hour 30 min' and '1h30' into one."""
    i = 0
    while i < len(st.chunks):
        q = _quantity_at(st, i)
        if q is None:
            i += 1
            continue
        st.use(q.first, q.last)
        prev = st.quantities[-1] if st.quantities else None
        gap = st.chunks[prev.last + 1 : q.first] if prev else []
        if (
            prev
            and prev.unit.dimension == q.unit.dimension == "time"
            and prev.unit.factor > q.unit.factor
            and all(c.norm == "and" for c in gap)
        ):
            prev.value = prev.value * prev.unit.factor / q.unit.factor + q.value
            prev.unit, prev.last = q.unit, q.last
            st.use(prev.first, prev.last)
        else:
            st.quantities.append(q)
        i = q.last + 1
        # "1h30": a bare number straight after hours means minutes.
        minutes = _num(st, i)
        if (
            q.unit.name == "h"
            and minutes is not None
            and minutes < 60
            and st.chunks[i].start == st.chunks[q.last].end
        ):
            last = st.quantities[-1]
            last.value = last.value * 60 + minutes
            last.unit, last.last = st.lex.units["min"], i
            st.use(i, i)
            i += 1


# ---------------------------------------------------------------- intensity


def _score_at(st: _State, i: int) -> tuple[int, float] | None:
    """'7/10', '7 / 10', '7 out of 10', 'seven out of ten', '7 of 10' -> (last chunk, 7)."""
    value = _num(st, i)
    if value is None:
        return None
    j = i + 1
    if st.is_(j, "slash") or (st.is_(j, "out_of") and st.free(j)):
        denominator = _num(st, j + 1)
        if denominator == 10:
            return j + 1, value
        if denominator is not None:
            st.warnings.append(
                f"Only the 0–10 scale is understood; “{st.span_text(i, j + 1)}” kept in notes."
            )
    return None


def _bare_number(st: _State, i: int) -> tuple[int, float] | None:
    """A free number that is not the start of a quantity, score, clock time or ratio."""
    value = _num(st, i)
    if value is None:
        return None
    nxt = i + 1
    if any(st.is_(nxt, c) for c in ("unit", "meridiem", "slash", "out_of")) and st.free(nxt):
        return None
    return i, value


def round_score(value: float) -> int:
    """The 0-10 scale has whole numbers: 6.5 is read as 7 (half up), shown as a correction."""
    return int(value + 0.5)


def _valid_intensity(st: _State, first: int, last: int, value: float) -> bool:
    if 0 <= value <= st.lex.intensity_max:
        if not value.is_integer():
            st.warnings.append(
                f"Read “{st.span_text(first, last)}” as {round_score(value)}/10 "
                "(the scale has whole numbers)."
            )
        return True
    st.warnings.append(
        f"Intensity “{st.span_text(first, last)}” is not a number from 0 to 10; kept in notes."
    )
    return False


def _offer_intensity(st: _State, first: int, last: int, value: float, use_from: int) -> None:
    """Take the first valid intensity; later ones stay in notes with a warning."""
    if not _valid_intensity(st, first, last, value):
        return
    if st.intensity is not None:
        st.warnings.append(
            f"More than one intensity; used {st.intensity}/10, “{st.span_text(first, last)}” "
            "kept in notes."
        )
        return
    st.intensity = round_score(value)
    st.use(use_from, last)


def _pain_value(st: _State, i: int) -> tuple[int, float] | None:
    return _score_at(st, i) or _bare_number(st, i)


_RANGE_WORDS = frozenset({"or", "maybe", "-", "–", "possibly", "prob", "probably"})


def _read_ranges(st: _State) -> None:
    """'7 maybe 8', '6-7/10', '7 or 8': two numbers for one intensity. Neither is picked; the
    person is asked for one."""
    for i in range(len(st.chunks) - 2):
        a, b = _num(st, i), _num(st, i + 2)
        if a is None or b is None or st.chunks[i + 1].norm not in _RANGE_WORDS:
            continue
        if not (0 <= a <= 10 and 0 <= b <= 10) or st.is_(i + 3, "unit"):
            continue
        if st.is_(i - 1, "slash") or st.is_(i - 1, "out_of"):
            continue
        last = i + 2
        if st.is_(last + 1, "slash") and _num(st, last + 2) == 10:
            last += 2
        text = st.span_text(i, last)
        st.ranges.append(text)
        st.warnings.append(f"“{text}” gives two numbers; say which one.")
        st.use(i, last)


def _read_pain_changes(st: _State) -> None:
    """'pain 6 -> 3', 'from 6 to 3', '6/10 → 3/10', 'pain 7 then 4', '6 before 5 after',
    'before 6 after 3'."""
    for i in range(len(st.chunks)):
        if not st.free(i):
            continue
        first = i
        j = i
        if st.is_(j, "intensity_cue"):
            j += 1
        while st.free(j) and st.chunks[j].norm in ("from", "went", "was", "is", "before", ":"):
            j += 1
        a = _pain_value(st, j)
        if a is None:
            continue
        k = a[0] + 1
        lead = st.chunks[j - 1].norm if j > i else ""
        skipped: list[int] = []
        if st.free(k) and st.chunks[k].norm == "before":  # "6 before 5 after"
            k += 1
            # "8 before the massage and 4 after": a few words may come between.
            while st.free(k) and not st.is_(k, "num") and len(skipped) < 4:
                skipped.append(k)
                k += 1
            b = _pain_value(st, k)
            if b is None or not (st.free(b[0] + 1) and st.chunks[b[0] + 1].norm == "after"):
                continue
            last = b[0] + 1
        elif lead == "before":  # "before 6 after 3", "before 6, after 3"
            while st.free(k) and st.chunks[k].norm in (",", "and", "-"):
                k += 1
            if not (st.free(k) and st.chunks[k].norm == "after"):
                continue
            b = _pain_value(st, k + 1)
            if b is None:
                continue
            last = b[0]
        else:
            if not st.is_(k, "arrow") or not st.free(k):
                continue
            b = _pain_value(st, k + 1)
            if b is None:
                continue
            last = b[0]
        top = st.lex.intensity_max
        if all(0 <= v <= top for v in (a[1], b[1])):
            st.changes.append((first, last, round_score(a[1]), round_score(b[1])))
            st.use(first, last)
            for k in skipped:  # the words between are read on their own
                st.chunks[k].used = False


def _read_cued_intensity(st: _State) -> None:
    """'pain 7', 'pain is a 7', 'intensity: 8', 'spasm 6' (the kind word stays for later)."""
    for i, c in enumerate(st.chunks):
        is_cue = c.has("intensity_cue") and not c.used
        if not (is_cue or c.has("kind")):
            continue
        links = _INTENSITY_LINKS if is_cue else _KIND_LINKS
        j = i + 1
        while j < len(st.chunks) and j - i <= 3 and st.chunks[j].norm in links and st.free(j):
            j += 1
        found = _score_at(st, j) or _bare_number(st, j)
        if found is not None and st.is_(found[0] + 1, "word"):
            continue  # "twitching 2 days": a number before an unknown word is not a score
        if found is not None:
            _offer_intensity(st, j, found[0], found[1], i if is_cue else j)


def _read_scores(st: _State) -> None:
    """Free-standing '7/10', 'seven out of ten' and 'about a six'."""
    for i in range(len(st.chunks)):
        found = _score_at(st, i)
        if found is not None:
            _offer_intensity(st, i, found[0], found[1], i)
            continue
        if st.free(i) and st.chunks[i].norm in _APPROX:
            j = i + 1
            if st.free(j) and st.chunks[j].norm in ("a", "an"):
                j += 1
            bare = _bare_number(st, j)
            if bare is not None and not st.is_(j + 1, "word"):
                _offer_intensity(st, j, bare[0], bare[1], i)


def _read_lone_number(st: _State) -> None:
    """'pain in my left shoulder 6': with a pain or kind word and exactly one loose number
    from 0 to 10 (no unit after it), that number is the intensity."""
    if st.intensity is not None or st.changes:
        return
    if not any(c.has("intensity_cue") or c.has("kind") or c.has("tpoint") for c in st.chunks):
        return
    loose = [
        i
        for i in range(len(st.chunks))
        if _bare_number(st, i) is not None
        and not (st.is_(i - 1, "slash") or st.is_(i - 1, "out_of") or st.is_(i - 1, "arrow"))
    ]
    if len(loose) == 1 and not st.is_(loose[0] + 1, "word"):
        i = loose[0]
        value = st.chunks[i].cats["num"]
        if 0 <= value <= st.lex.intensity_max:
            _offer_intensity(st, i, i, float(value), i)


# ---------------------------------------------------------------- time


def _time_phrase(st: _State, i: int) -> tuple[int, TimeSpec] | None:
    """Read a contiguous time phrase starting at chunk i: 'since 3pm', 'yesterday at 14:30',
    'this morning', 'two hours ago', 'last night'. Returns (last chunk, spec)."""
    spec = TimeSpec()
    j, last, cue = i, -1, False
    n = len(st.chunks)
    while j < n:
        c = st.chunks[j]
        q = st.quantity_at(j)
        if q is not None and q.owner is None:
            if q.unit.dimension != "time" or not st.is_(q.last + 1, "ago"):
                break
            spec.ago_seconds = q.value * q.unit.factor
            q.owner = "time"
            j = last = q.last + 1
            break
        if not st.free(j):
            break
        if c.has("time_cue") and spec.clock is None and not spec.has_anchor:
            cue = cue or c.norm in _CLOCK_CUES or c.norm.startswith("start")
        elif c.has("now"):
            spec.is_now, last = True, j
        elif c.has("day"):
            spec.day_offset, last = int(c.cats["day"]), j
        elif c.has("weekday"):
            spec.weekday, last = int(c.cats["weekday"]), j
        elif c.has("part") and spec.part is None:
            spec.part, last = c.cats["part"], j
            spec.this = spec.this or c.norm == "tonight"
            if c.norm in ("noon", "midday", "midnight") and spec.clock is None:
                spec.clock = ({"midnight": 0}.get(c.norm, 12), 0)
                spec.meridiem = "am"
        elif c.has("part_prefix") and st.is_(j + 1, "part"):
            spec.last = spec.last or c.norm == "last"
            spec.this = spec.this or c.norm == "this"
        elif c.norm == "overnight":
            spec.part, spec.last, last = "night", True, j
        elif c.has("clock") or (
            _is_clock_number(st, j)
            and (cue or st.is_(j + 1, "meridiem"))
            and not st.is_(j + 1, "slash")
            and not st.is_(j + 1, "out_of")
        ):
            if spec.clock is not None:
                break
            spec.clock = c.cats["clock"] if c.has("clock") else (int(c.cats["num"]), 0)
            last = j
            if st.is_(j + 1, "meridiem"):
                spec.meridiem, last = st.chunks[j + 1].cats["meridiem"], j + 1
                j += 1
        elif c.norm in _TIME_LINKS:
            cue = cue or c.norm in _CLOCK_CUES
        else:
            break
        j += 1
    if last < 0 or not spec.has_anchor:
        return None
    if spec.clock is not None and not (0 <= spec.clock[0] <= 23 and 0 <= spec.clock[1] <= 59):
        return None
    return last, spec


def _can_start_time(st: _State, i: int) -> bool:
    q = st.quantity_at(i)
    if q is not None:
        return q.owner is None
    starts = ("time_cue", "day", "weekday", "part", "part_prefix", "clock", "num", "now")
    return st.free(i) and (any(st.is_(i, k) for k in starts) or st.chunks[i].norm == "overnight")


def _is_clock_number(st: _State, j: int) -> bool:
    value = _num(st, j)
    return value is not None and value.is_integer() and 0 <= value <= 23


def _read_time(st: _State) -> tuple[datetime, str, bool] | None:
    """The first time phrase, resolved against `now`; later ones stay in notes with a warning."""
    found: tuple[datetime, str, bool] | None = None
    i = 0
    while i < len(st.chunks):
        phrase = _time_phrase(st, i) if _can_start_time(st, i) else None
        if phrase is None:
            i += 1
            continue
        last, spec = phrase
        text = st.span_text(i, last)
        if found is not None:
            st.warnings.append(f"More than one time given; used “{found[1]}”, kept “{text}”.")
            i = last + 1
            continue
        resolved = resolve(spec, st.now, st.lex.parts_of_day)
        st.warnings.extend(resolved.warnings)
        found = (resolved.when, text, resolved.approximate)
        st.use(i, last)
        i = last + 1
    return found


# ---------------------------------------------------------------- triggers


_TRIGGER_STOP = frozenset(
    {
        "kind",
        "tpoint",
        "region",
        "broad",
        "side",
        "intensity_cue",
        "trigger_cue",
        "duration_cue",
        "relief",
        "arrow",
        "punct",
        "num",
        "clock",
    }
)


def _read_triggers(st: _State) -> list[str]:
    """'after yoga' -> 'yoga'; 'because of stress', 'triggered by cold', 'from lifting'."""
    st.relief = bool(st.changes) or any(c.has("relief") for c in st.chunks)
    triggers: list[str] = []
    for i, c in enumerate(st.chunks):
        if not (c.has("trigger_cue") and not c.used):
            continue
        first = i + 1
        while st.free(first) and st.chunks[first].norm in ("a", "an", "the", "my", "about"):
            first += 1
        last = first - 1
        q = st.quantity_at(first)
        if q is not None and q.owner is None and st.chunks[q.last + 1 : q.last + 2]:
            # "after 20 min of walking", "after a 30 min walk": the amount belongs to the trigger.
            nxt = st.chunks[q.last + 1]
            if nxt.norm == "of":
                q.owner = "trigger"
                last = q.last + 1
            elif not nxt.used and not any(k in nxt.cats for k in _TRIGGER_STOP):
                q.owner = "trigger"
                last = q.last
        j = last + 1
        while j < len(st.chunks) and j - first < 6 and st.free(j):
            cats = st.chunks[j].cats
            if any(k in cats for k in _TRIGGER_STOP) and not _is_catalogue(cats):
                break
            if "conj" in cats and st.chunks[j].norm != "and":
                break
            last = j
            j += 1
        while last >= first and _is_filler(st, last):
            last -= 1
        if last < first or all(_is_filler(st, k) for k in range(first, last + 1)):
            continue
        span = range(first, last + 1)
        if st.relief and any("treatment" in st.chunks[k].cats for k in span):
            st.use(i, i)  # "better after heat pad": a treatment, read below
            continue
        triggers.append(st.span_text(first, last))
        st.use(i, last)
    return triggers


def _is_catalogue(cats: Mapping[str, Any]) -> bool:
    return "treatment" in cats or "habit" in cats


def _is_filler(st: _State, k: int) -> bool:
    c = st.chunks[k]
    return (c.has("func") or c.has("punct") or c.has("conj")) and not _is_catalogue(c.cats)


# ---------------------------------------------------------------- treatments and habits


def _amount(st: _State, k: int, item: CatalogueItem) -> tuple[float, str | None] | None:
    """The amount at chunk k (a quantity or, for items with a unit, a bare number)."""
    q = st.quantity_at(k) or st.quantity_ending(k)
    if q is not None:
        if q.owner is not None:
            return None
        target = st.lex.unit(item.unit)
        # A catalogue unit we cannot convert to ("dose", "session"): keep the typed amount and
        # unit ("flexeril 10mg" -> 10 mg).
        if target is not None and target.dimension != q.unit.dimension:
            return None
        q.owner = item.category
        if target is None:
            return q.value, q.unit.name
        return q.value * q.unit.factor / target.factor, item.unit
    bare = _bare_number(st, k)
    if bare is not None and item.unit and (item.kind == "number" or item.category == "treatment"):
        st.use(k, k)
        return bare[1], item.unit
    return None


def _find_amount(st: _State, i: int, item: CatalogueItem) -> tuple[float, str | None] | None:
    """An amount right after chunk i ('magnesium 300 mg', 'sat 5h') or right before it
    ('300mg magnesium', '20 min of stretching'), across at most two gap words."""
    for step in (1, -1):
        k = i + step
        for _ in range(3):
            if not 0 <= k < len(st.chunks):
                break
            found = _amount(st, k, item)
            if found is not None:
                return found
            if st.chunks[k].norm not in _AMOUNT_GAP or st.chunks[k].used:
                break
            k += step
    return None


def _read_catalogue(st: _State) -> tuple[list[TreatmentMention], list[HabitMention]]:
    treatments: list[tuple[int, TreatmentMention]] = []
    habits: dict[str, HabitMention] = {}
    pending: list[tuple[int, CatalogueItem]] = []
    for i, c in enumerate(st.chunks):
        if c.used or not _is_catalogue(c.cats):
            continue
        item: CatalogueItem = c.cats.get("treatment") or c.cats["habit"]
        if item.category == "habit" and item.kind == "yes_no":
            said = st.span_text(i, i)
            habits.setdefault(item.id, HabitMention(item.id, item.name, "yes_no", True, None, said))
            st.use(i, i)
            continue
        found = _find_amount(st, i, item)
        if item.category == "treatment":
            amount, unit = found if found else (None, None)
            said = st.span_text(i, i)
            treatments.append((i, TreatmentMention(item.id, item.name, amount, unit, said=said)))
            st.use(i, i)
        elif found is not None:
            said = st.span_text(i, i)
            habits[item.id] = HabitMention(item.id, item.name, "number", *found, said)
            st.use(i, i)
        else:
            pending.append((i, item))
    for i, item in pending:  # a number habit named twice ("sat 5h at desk") needs one number
        if item.id in habits:
            st.use(i, i)
        elif (q := _loose_time(st, item)) is not None:
            # "sat in the car for 3 hours": the line's one time amount, when no event is named.
            said = st.span_text(i, i)
            habits[item.id] = HabitMention(item.id, item.name, "number", *q, said)
            st.use(i, i)
        else:
            st.warnings.append(f"“{st.span_text(i, i)}” needs a number for {item.name}.")
            st.unvalued.append((item.id, st.span_text(i, i)))
    return _attach_changes(st, treatments), list(habits.values())


def _loose_time(st: _State, item: CatalogueItem) -> tuple[float, str] | None:
    """The one unowned time amount of a line that names no event, in the habit's unit."""
    target = st.lex.unit(item.unit)
    if target is None or target.dimension != "time" or any(c.has("kind") for c in st.chunks):
        return None
    free = [q for q in st.quantities if q.owner is None and q.unit.dimension == "time"]
    if len(free) != 1:
        return None
    q = free[0]
    q.owner = item.category
    k = q.first - 1
    while k >= 0 and st.free(k) and st.is_(k, "duration_cue"):
        st.use(k, k)
        k -= 1
    return q.value * q.unit.factor / target.factor, str(item.unit)


def _attach_changes(
    st: _State, treatments: list[tuple[int, TreatmentMention]]
) -> list[TreatmentMention]:
    """Give each pain change to the nearest treatment (the one before it on a tie)."""
    out = dict(enumerate(t for _, t in treatments))
    for first, last, before, after in st.changes:
        if not treatments:
            st.warnings.append(
                f"Pain change “{st.span_text(first, last)}” has no treatment; kept in notes."
            )
            for c in st.chunks[first : last + 1]:
                c.used = False
            continue
        nearest = min(
            range(len(treatments)),
            key=lambda n: (abs(treatments[n][0] - first), treatments[n][0] > first),
        )
        t = out[nearest]
        out[nearest] = TreatmentMention(t.id, t.name, t.amount, t.unit, before, after, t.said)
    if treatments:
        for c in st.chunks:
            if c.has("relief"):
                c.used = True
    return list(out.values())


# ---------------------------------------------------------------- duration


def _read_duration(st: _State) -> int | None:
    """The first free time amount ('for 20 min', '2 hours', 'half an hour')."""
    duration: int | None = None
    for q in st.quantities:
        if q.owner is not None:
            continue
        if q.unit.dimension != "time":
            st.warnings.append(
                f"“{st.span_text(q.first, q.last)}” is not tied to a treatment or habit; "
                "kept in notes."
            )
            _release(st, q)
            continue
        if duration is not None:
            st.warnings.append(
                f"More than one duration; used {describe_duration(duration)}, "
                f"kept “{st.span_text(q.first, q.last)}”."
            )
            _release(st, q)
            continue
        duration = round(q.value * q.unit.factor)
        q.owner = "duration"
        k = q.first - 1
        while k >= 0 and st.free(k) and (st.is_(k, "duration_cue") or st.chunks[k].norm == "about"):
            st.use(k, k)
            k -= 1
    return duration


def _release(st: _State, q: Quantity) -> None:
    for c in st.chunks[q.first : q.last + 1]:
        c.used = False
    # Mark it owned so no later pass re-reads the loose number as something else.
    q.owner = "notes"
    for c in st.chunks[q.first : q.last + 1]:
        c.cats = {"word": True}


# ---------------------------------------------------------------- regions, kind


def _side_before(st: _State, i: int) -> tuple[int, str] | None:
    k = i - 1
    while k >= 0 and st.free(k) and st.chunks[k].norm in ("my", "the", "of"):
        k -= 1
    if k >= 0 and st.free(k) and st.is_(k, "side"):
        return k, st.chunks[k].cats["side"]
    return None


def _side_after(st: _State, i: int) -> tuple[int, str] | None:
    """A side word after the region ("calf (left)", "jaw spasm left"), unless it leads into the
    next region ("calf left shin" is ambiguous; the side goes with the region after it)."""
    k = i + 1
    while k < len(st.chunks) and (
        (st.free(k) and st.chunks[k].norm in ("(", "-", ",")) or st.is_(k, "kind")
    ):
        k += 1
    if not (st.free(k) and st.is_(k, "side")):
        return None
    end = k
    if st.is_(k + 1, ")") or (k + 1 < len(st.chunks) and st.chunks[k + 1].norm == ")"):
        end = k + 1
    # "calf left shin": the side word belongs to the region after it.
    if st.is_(end + 1, "region"):
        return None
    return end, st.chunks[k].cats["side"]


def _read_regions(st: _State) -> tuple[list[str], list[str]]:
    """Region ids in the order mentioned, and the phrases they came from (with their side).
    A side carries across 'and'/',' ("left calf and shin")."""
    ids: list[str] = []
    phrases: list[str] = []
    carry: str | None = None
    last_region = -10
    sideless: list[tuple[RegionEntry, bool]] = []
    groups: list[list[str]] = []
    for i, c in enumerate(st.chunks):
        if c.has("broad") and not c.used and not c.has("region"):
            st.warnings.append(
                f"“{c.norm}” is too broad to place on the body map; pick the spot when saving."
            )
            continue
        if c.used or not c.has("region"):
            continue
        entry = st.lex.regions[c.cats["region"]]
        side = c.inner_side
        first, last = i, i
        if side is None and (found := _side_before(st, i)):
            first, side = found
        if side is None and (found := _side_after(st, i)):
            last, side = found
        between = st.chunks[last_region + 1 : i] if last_region >= 0 else None
        if side is None and carry and between is not None and all(b.has("conj") for b in between):
            side = carry
        ids.extend(r for r in entry.expand(side) if r not in ids)
        phrases.append(_region_phrase(entry.name, side, entry.paired))
        groups.append(entry.expand(side))
        carry = side
        last_region = last
        # Only the region and its side words: a kind word between them ("jaw spasm left") stays.
        for k in range(first, last + 1):
            if k == i or not st.chunks[k].has("kind"):
                st.chunks[k].used = True
        sideless.append((entry, side is None and entry.paired))
    ids, phrases = _most_specific(ids, phrases, groups)
    return _late_side(st, ids, phrases, sideless)


def _most_specific(
    ids: list[str], phrases: list[str], groups: list[list[str]]
) -> tuple[list[str], list[str]]:
    """'upper back spasm between the shoulder blades': a place that contains another place
    named in the same line gives way to it."""
    drop = {
        n
        for n, g in enumerate(groups)
        if any(m != n and set(h) < set(g) for m, h in enumerate(groups))
    }
    if not drop:
        return ids, phrases
    keep = [g for n, g in enumerate(groups) if n not in drop]
    kept_ids = [r for r in ids if any(r in g for g in keep)]
    return kept_ids, [p for n, p in enumerate(phrases) if n not in drop]


def _late_side(
    st: _State, ids: list[str], phrases: list[str], found: list[tuple[RegionEntry, bool]]
) -> tuple[list[str], list[str]]:
    """'toes cramping 7/10 on the right': one paired region without a side and one left-over
    side phrase later in the line (and no other region) -> that side."""
    loose = [k for k, c in enumerate(st.chunks) if c.has("side") and not c.used]
    if len(found) != 1 or not found[0][1] or len(loose) != 1:
        return ids, phrases
    side = st.chunks[loose[0]].cats["side"]
    if side not in ("left", "right"):
        return ids, phrases
    entry = found[0][0]
    st.chunks[loose[0]].used = True
    return entry.expand(side), [_region_phrase(entry.name, side, True)]


def _region_phrase(norm: str, side: str | None, paired: bool) -> str:
    """How the summary names a region: 'left calf', 'shoulders (both sides)', 'tailbone'."""
    if not paired:
        return norm
    if side in ("left", "right"):
        return f"{side} {norm}"
    return f"{norm} (both sides)"


def _read_kind(st: _State) -> tuple[str | None, bool]:
    kind: str | None = None
    trigger_point = False
    for i, c in enumerate(st.chunks):
        if c.used:
            continue
        if i > 0 and st.chunks[i - 1].has("negation") and (c.has("kind") or c.has("tpoint")):
            continue  # "no cramps today": not an event; the words stay in notes
        if c.has("tpoint"):
            trigger_point = c.used = True
        elif c.has("kind"):
            if kind is None or kind == c.cats["kind"]:
                kind = c.cats["kind"]
                c.used = True
            else:
                st.warnings.append(f"Both {kind} and {c.cats['kind']} words; used {kind}.")
    return kind, trigger_point


# ---------------------------------------------------------------- notes


def _notes(st: _State) -> str:
    """Unused text, in order; runs made only of small words and punctuation are dropped."""
    segments: list[str] = []
    run: list[int] = []
    for i, c in enumerate([*st.chunks, Chunk(0, 0, "", {}, used=True)]):
        if not c.used:
            run.append(i)
            continue
        while run and _is_edge(st, run[0]):
            run.pop(0)
        while run and _is_edge(st, run[-1]):
            run.pop()
        if run and not all(_is_filler(st, k) for k in run):
            segments.append(st.span_text(run[0], run[-1]))
        run = []
    return " … ".join(segments)


def _is_edge(st: _State, k: int) -> bool:
    """Punctuation and conjunctions trimmed from the ends of a note."""
    c = st.chunks[k]
    return c.has("punct") or c.has("conj") or c.norm in ("-", "(", ")")

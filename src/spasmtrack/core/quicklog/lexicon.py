"""Tokenizer, phrase lexicon and spelling tolerance for the quick-log parser.

The lexicon lives in `knowledge/quicklog_synonyms.json`; catalogues of treatments and habits are
plain data passed in by the caller. Both are compiled into token tries so the parser can do a
longest-match pass over the tokens of one line.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from spasmtrack.core.body.regions import all_regions
from spasmtrack.knowledge import data_path

SIDES = ("left", "right", "both")

# Tokens a multi-word region phrase may step over ("back of my left knee"); a side word stepped
# over becomes the side of that region.
_INNER_SKIPPABLE = frozenset({"my", "the", "your", "his", "her"})
_INNER_SIDES = {"left": "left", "right": "right", "l": "left", "r": "right"}

# Fuzzy matching only ever corrects a word of at least this length to a lexicon word of at least
# this length: short words have too many real-word neighbours ("calm"/"calf", "arm"/"warm").
FUZZY_MIN_LEN = 5

# Only region, kind, trigger-point and catalogue words are spelling-correction targets. Numbers,
# units and time words never are: "weight" is one edit from "eight".

_TOKEN_RE = re.compile(
    r"""
    (?P<clock>\d{1,2}:\d{2}|\d{1,2}\.\d{2}(?=\s*[ap]\.?m\b))
    |(?P<num>\d+(?:\.\d+)?)
    |(?P<arrow>-+>|=+>|→|➡|⟶)
    |(?P<word>[^\W\d_]+(?:'[^\W\d_]+)?)
    |(?P<sym>\S)
    """,
    re.VERBOSE | re.IGNORECASE,
)
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'"})


@dataclass(frozen=True, slots=True)
class Token:
    """One token of the input line; `start`/`end` index the original text."""

    norm: str  # lower-cased (and possibly spelling-corrected) form used for matching
    kind: str  # "word" | "num" | "clock" | "arrow" | "sym"
    start: int
    end: int
    value: float | None = None  # for "num"
    clock: tuple[int, int] | None = None  # (hour, minute) for "clock"


def tokenize(text: str) -> list[Token]:
    """Split `text` into tokens; digits and letters are split apart ("20min" -> 20, min)."""
    out: list[Token] = []
    for m in _TOKEN_RE.finditer(text.translate(_APOSTROPHES)):
        kind = m.lastgroup or "sym"
        raw = m.group().lower()
        if kind == "num":
            out.append(Token(raw, "num", m.start(), m.end(), value=float(raw)))
        elif kind == "clock":
            hh, mm = re.split(r"[:.]", raw)
            out.append(Token(raw, "clock", m.start(), m.end(), clock=(int(hh), int(mm))))
        elif kind == "arrow":
            out.append(Token("->", "arrow", m.start(), m.end()))
        else:
            out.append(Token(raw, kind, m.start(), m.end()))
    return out


def phrase_key(phrase: str) -> tuple[str, ...]:
    """The token norms of a lexicon phrase, tokenized exactly like the input."""
    return tuple(t.norm if t.kind != "arrow" else "->" for t in tokenize(phrase))


@dataclass(frozen=True, slots=True)
class RegionEntry:
    """A region phrase group: `templates` are ids, with '{side}' for paired regions."""

    templates: tuple[str, ...]
    name: str  # the entry's first phrase, used in summaries ("calf" for "calff")

    def expand(self, side: str | None) -> list[str]:
        """Region ids for `side` ("left" | "right" | "both" | None = both)."""
        suffixes = {"left": ("left",), "right": ("right",)}.get(side or "both", ("left", "right"))
        ids: list[str] = []
        for t in self.templates:
            if "{side}" in t:
                ids.extend(t.format(side=s) for s in suffixes)
            else:
                ids.append(t)
        return ids

    @property
    def paired(self) -> bool:
        return any("{side}" in t for t in self.templates)


@dataclass(frozen=True, slots=True)
class Unit:
    name: str
    dimension: str
    factor: float  # multiply by this to get the dimension's base unit (s, mg, ml, ...)


# A trie node maps a token norm to its child; the key "" holds the list of (category, payload).
Trie = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Match:
    """A longest phrase match from token `start` (inclusive) to `end` (exclusive)."""

    start: int
    end: int
    cats: dict[str, Any]
    inner_side: str | None = None


def _trie_add(trie: Trie, key: tuple[str, ...], category: str, payload: Any) -> None:
    node = trie
    for norm in key:
        node = node.setdefault(norm, {})
    cats: dict[str, Any] = node.setdefault("", {})
    cats.setdefault(category, payload)


def trie_match(trie: Trie, norms: Sequence[str], i: int) -> Match | None:
    """The longest phrase of `trie` starting at token `i`.

    Inside a phrase (never first or last) possessives and side words may be stepped over, but
    such a match only counts for region phrases ("back of my left knee").
    """
    node = trie.get(norms[i])
    if node is None:
        return None
    best = Match(i, i + 1, node[""]) if "" in node else None
    j, side, skipped = i + 1, None, False
    while j < len(norms):
        nxt = node.get(norms[j])
        if nxt is None and (norms[j] in _INNER_SKIPPABLE or norms[j] in _INNER_SIDES):
            k = j
            while k < len(norms) and (norms[k] in _INNER_SKIPPABLE or norms[k] in _INNER_SIDES):
                side = _INNER_SIDES.get(norms[k], side)
                k += 1
            if k < len(norms) and norms[k] in node:
                skipped, j, nxt = True, k, node[norms[k]]
        if nxt is None:
            break
        node = nxt
        j += 1
        if "" in node and (not skipped or "region" in node[""]):
            best = Match(i, j, node[""], side if skipped else None)
    return best


def swapped(a: str, b: str) -> bool:
    """True when b is a with two adjacent letters swapped ("bakc" / "back")."""
    if len(a) != len(b) or a == b:
        return False
    diff = [i for i in range(len(a)) if a[i] != b[i]]
    return (
        len(diff) == 2
        and diff[1] == diff[0] + 1
        and a[diff[0]] == b[diff[1]]
        and a[diff[1]] == b[diff[0]]
    )


def within_one_edit(a: str, b: str) -> bool:
    """True when a and b differ by at most one insertion, deletion, substitution or swap of two
    adjacent letters (Damerau-Levenshtein distance <= 1)."""
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    i = 0
    while i < min(la, lb) and a[i] == b[i]:
        i += 1
    if la == lb:
        if a[i + 1 :] == b[i + 1 :]:
            return True
        return i + 1 < la and a[i] == b[i + 1] and a[i + 1] == b[i] and a[i + 2 :] == b[i + 2 :]
    if la > lb:
        return a[i + 1 :] == b[i:]
    return a[i:] == b[i + 1 :]


@dataclass(slots=True)
class Speller:
    """Finds the words of a vocabulary within one edit of a typed word (memoised)."""

    vocabulary: frozenset[str]
    _memo: dict[str, frozenset[str]] = field(default_factory=dict)

    def hits(self, word: str) -> frozenset[str]:
        """Vocabulary words within one edit of `word` whose length is >= FUZZY_MIN_LEN."""
        found = self._memo.get(word)
        if found is None:
            found = frozenset(v for v in self.vocabulary if within_one_edit(word, v))
            self._memo[word] = found
        return found


@dataclass(frozen=True)
class Lexicon:
    """The compiled built-in lexicon (regions, kinds, numbers, units, time words, cues)."""

    trie: Trie
    speller: Speller  # over region, kind and trigger-point words
    short_words: frozenset[str]  # 4-letter ones, corrected only for two swapped letters
    regions: tuple[RegionEntry, ...]
    units: dict[str, Unit]  # canonical unit name -> Unit
    unit_aliases: dict[str, str]  # alias -> canonical name
    function_words: frozenset[str]
    protected: frozenset[str]  # real words never spelling-corrected ("angle", "clamp")
    known_words: frozenset[str]  # every word of every phrase (never corrected away)
    parts_of_day: dict[str, int]
    intensity_max: int
    checkin_labels: dict[str, str]  # check-in item -> short label ("fatigue" -> "tiredness")
    checkin_links: frozenset[str]  # words allowed between a check-in word and its number
    catalogue_synonyms: dict[str, tuple[str, ...]]  # catalogue id -> extra phrases

    def unit(self, alias: str | None) -> Unit | None:
        """The unit named by `alias` ("mins", "mg", "hours"), None when unknown or empty."""
        if not alias:
            return None
        canonical = self.unit_aliases.get(alias.strip().lower())
        return self.units[canonical] if canonical else None


def _load_json() -> dict[str, Any]:
    with data_path("quicklog_synonyms.json").open(encoding="utf-8") as f:
        data: dict[str, Any] = json.load(f)
    return data


def _add_all(trie: Trie, phrases: Iterable[str], category: str, payload: Any) -> None:
    for phrase in phrases:
        key = phrase_key(phrase)
        if key:
            _trie_add(trie, key, category, payload)


def _words(phrases: Iterable[str]) -> set[str]:
    return {t.norm for p in phrases for t in tokenize(p) if t.kind == "word"}


@cache
def lexicon() -> Lexicon:
    """The built-in lexicon, compiled once per process."""
    data = _load_json()
    trie: Trie = {}
    regions: list[RegionEntry] = []
    fuzzy_words: set[str] = set()
    all_words: set[str] = set()
    for idx, entry in enumerate(data["regions"]):
        regions.append(RegionEntry(tuple(entry["regions"]), entry["phrases"][0]))
        _add_all(trie, entry["phrases"], "region", idx)
        fuzzy_words |= _words(entry["phrases"])
    _add_all(trie, data["broad_regions"]["phrases"], "broad", True)
    fuzzy_words |= _words(data["broad_regions"]["phrases"])
    for side in SIDES:
        _add_all(trie, data["sides"][side], "side", side)
        all_words |= _words(data["sides"][side])
    fuzzy_words |= {"left", "right"}
    for kind in ("spasm", "twitch"):
        _add_all(trie, data["kinds"][kind], "kind", kind)
        fuzzy_words |= _words(data["kinds"][kind])
    _add_all(trie, data["trigger_point"]["phrases"], "tpoint", True)
    fuzzy_words |= _words(data["trigger_point"]["phrases"])
    for word, value in data["number_words"].items():
        if word != "source":
            _add_all(trie, [word], "num", float(value))
            all_words.add(word)
    units: dict[str, Unit] = {}
    aliases: dict[str, str] = {}
    for name, spec in data["units"].items():
        if name == "source":
            continue
        units[name] = Unit(name, spec["dimension"], float(spec["factor"]))
        for alias in spec["aliases"]:
            aliases[alias] = name
            _add_all(trie, [alias], "unit", name)
        all_words |= _words(spec["aliases"])
    simple = {
        "intensity_cue": data["intensity_cues"]["phrases"],
        "out_of": data["out_of"]["phrases"],
        "arrow": data["change_arrows"]["phrases"],
        "relief": data["relief_words"]["phrases"],
        "negation": data["negations"]["phrases"],
        "trigger_cue": data["trigger_cues"]["phrases"],
        "duration_cue": data["duration_cues"]["phrases"],
        "time_cue": data["time_words"]["cues"],
        "ago": data["time_words"]["ago"],
        "now": data["time_words"]["now"],
        "part_prefix": data["time_words"]["part_prefixes"],
        "func": data["function_words"]["words"],
    }
    for category, phrases in simple.items():
        _add_all(trie, phrases, category, True)
        all_words |= _words(phrases)
    tw = data["time_words"]
    for word, offset in tw["days"].items():
        _add_all(trie, [word], "day", int(offset))
    for n, word in enumerate(tw["weekdays"]):
        _add_all(trie, [word], "weekday", n)
    for word in tw["parts"]:
        _add_all(trie, [word], "part", word)
    for word, meridiem in tw["meridiem"].items():
        _add_all(trie, [word], "meridiem", meridiem)
    all_words |= set(tw["days"]) | set(tw["weekdays"]) | set(tw["parts"])
    checkin = data["checkin"]
    for item, spec in checkin["items"].items():
        _add_all(trie, spec["phrases"], "checkin", item)
        fuzzy_words |= _words(spec["phrases"])
        for phrase, value in spec["anchors"].items():
            _add_all(trie, [phrase], "checkin_anchor", (item, int(value)))
            all_words |= _words([phrase])
    neg = data["negation_cues"]
    for key in ("before", "after", "clause", "others"):
        _add_all(trie, neg[key], f"neg_{key}", True)
        all_words |= _words(neg[key])
    possessive = [f"{p}'s" for p in neg["others"] if not p.endswith("s")]
    _add_all(trie, possessive, "neg_others", True)  # "my daughter's calf"
    all_words |= _words(possessive)
    _add_all(trie, data["not_in_catalogue"]["phrases"], "uncatalogued", True)
    all_words |= _words(data["not_in_catalogue"]["phrases"])
    # Every plain negation ("didn't have", "without") also negates what follows it.
    _add_all(trie, data["negations"]["phrases"], "neg_before", True)
    _add_all(trie, data["positive_despite_negation"]["phrases"], "positive", True)
    all_words |= _words(data["positive_despite_negation"]["phrases"])
    scale = data["intensity_scale"]
    return Lexicon(
        trie=trie,
        speller=Speller(frozenset(w for w in fuzzy_words if len(w) >= FUZZY_MIN_LEN)),
        short_words=frozenset(w for w in fuzzy_words if len(w) == FUZZY_MIN_LEN - 1),
        regions=tuple(regions),
        units=units,
        unit_aliases=aliases,
        function_words=frozenset(data["function_words"]["words"]),
        protected=frozenset(data["no_fuzzy"]["words"]),
        known_words=frozenset(all_words | fuzzy_words),
        parts_of_day={k: int(v) for k, v in tw["parts"].items()},
        intensity_max=int(scale["max"]),
        checkin_labels={k: v["label"] for k, v in checkin["items"].items()},
        checkin_links=frozenset(checkin["links"]),
        catalogue_synonyms={k: tuple(v) for k, v in data["catalogue_synonyms"]["items"].items()},
    )


@dataclass(frozen=True, slots=True)
class CatalogueItem:
    """One treatment or habit the person can log, as passed in by the caller."""

    category: str  # "treatment" | "habit"
    id: str
    name: str
    unit: str | None
    kind: str | None  # habits: "yes_no" | "number"; treatments: None


def catalogue_items(category: str, entries: Sequence[Mapping[str, Any]]) -> list[CatalogueItem]:
    """Validate catalogue entries; ValueError names the first bad one."""
    items: list[CatalogueItem] = []
    for n, e in enumerate(entries):
        if not e.get("id") or not e.get("name"):
            raise ValueError(f"{category} #{n} needs an 'id' and a 'name': {dict(e)!r}")
        kind = e.get("kind") if category == "habit" else None
        if category == "habit" and kind not in ("yes_no", "number"):
            raise ValueError(f"habit {e['id']!r} has kind {kind!r}; expected 'yes_no' or 'number'")
        unit = e.get("unit") or None
        items.append(CatalogueItem(category, str(e["id"]), str(e["name"]), unit, kind))
    return items


def catalogue_trie(
    treatments: Sequence[Mapping[str, Any]], habits: Sequence[Mapping[str, Any]]
) -> tuple[Trie, frozenset[str]]:
    """A trie of the catalogues' names and synonyms, and every word in them."""
    trie: Trie = {}
    words: set[str] = set()
    for category, entries in (("treatment", treatments), ("habit", habits)):
        for item, entry in zip(catalogue_items(category, entries), entries, strict=True):
            phrases = [item.name, *(entry.get("synonyms") or ())]
            _add_all(trie, [p.lower() for p in phrases], category, item)
            words |= _words(p.lower() for p in phrases)
    return trie, frozenset(words)


def unknown_region_templates() -> list[str]:
    """Region ids the lexicon can emit that are not in body-regions.csv (should be empty)."""
    known = all_regions()
    out: list[str] = []
    for entry in lexicon().regions:
        for side in ("left", "right", None):
            out.extend(i for i in entry.expand(side) if i not in known)
    return sorted(set(out))

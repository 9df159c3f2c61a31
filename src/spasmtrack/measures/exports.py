"""The measures app's export sections, collected by `exchange.sections.collect` like every
app's `exports.py` (the rows and their rules are in `measures.sections`)."""

from __future__ import annotations

from spasmtrack.exchange.sections import Section, each_row
from spasmtrack.measures.sections import sections

SECTIONS: tuple[Section, ...] = tuple(sections(Section, each_row))

"""The site's navigation: each app declares its links in its own `nav.py`, base.html draws them.

An app's `spasmtrack.<app>.nav` module holds `NAV: tuple[NavEntry, ...]`; `entries()` gathers
them from the diary, every app of `FEATURE_APPS` and accounts, in the order they declare
(`order`, within the main bar and within the More menu). Adding a page to the menu is one entry
in the app that owns the page; `templates/nav_links.html` draws an entry with `{% url %}` and
`aria-current`.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import import_module
from importlib.util import find_spec
from typing import Any, Literal

from spasmtrack.features import FEATURE_APPS

# The apps that may bring a nav module: the diary (Today, History) first, settings last.
NAV_APPS = ("diary", *FEATURE_APPS, "accounts")


@dataclass(frozen=True)
class NavEntry:
    """One link of the navigation.

    `url_name` is reversed with no arguments. The link is the current page (aria-current)
    when the path is its own path (`exact`), or else when the path contains `marks` (default:
    its own path), so a page below it counts as it too. `clinician` links are shown only to
    a clinician.
    """

    label: str
    url_name: str
    order: int
    menu: Literal["main", "more"] = "more"
    exact: bool = False
    marks: str = ""
    clinician: bool = False

    def is_current(self, href: str, path: str) -> bool:
        if self.exact:
            return path == href
        return (self.marks or href) in path


@functools.cache
def entries() -> tuple[NavEntry, ...]:
    """Every app's entries, main bar first, each part in `order` (ties: the apps' order)."""
    found: list[NavEntry] = []
    for app in NAV_APPS:
        name = f"spasmtrack.{app}.nav"
        if find_spec(name) is None:
            continue
        found += import_module(name).NAV
    return tuple(sorted(found, key=lambda e: (e.menu != "main", e.order)))


@dataclass(frozen=True)
class NavLink:
    """An entry as one request shows it."""

    label: str
    url_name: str
    current: bool


class Nav:
    """The context's `nav`: `main` and `more`, the links this person sees on this path,
    worked out only when a template reads them (partials and signed-out pages never do)."""

    def __init__(self, path: str, clinician: Any) -> None:
        self._path = path
        self._clinician = clinician  # a callable: the person is looked up only if needed

    @functools.cached_property
    def _links(self) -> dict[str, list[NavLink]]:
        from django.urls import reverse

        out: dict[str, list[NavLink]] = {"main": [], "more": []}
        clinician: bool | None = None
        for e in entries():
            if e.clinician:
                if clinician is None:
                    clinician = bool(self._clinician())
                if not clinician:
                    continue
            current = e.is_current(reverse(e.url_name), self._path)
            out[e.menu].append(NavLink(e.label, e.url_name, current))
        return out

    @property
    def main(self) -> list[NavLink]:
        return self._links["main"]

    @property
    def more(self) -> list[NavLink]:
        return self._links["more"]

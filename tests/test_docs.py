"""Every environment variable the app reads is documented in README's configuration table."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
READ_ENV = re.compile(
    r"""(?:envbool|envint|envsecret|os\.getenv|os\.environ\.get)\(\s*["']([A-Z_]+)["']"""
)


def test_it_documents_every_setting() -> None:
    names: set[str] = set()
    for path in (ROOT / "src" / "spasmtrack").rglob("*.py"):
        names |= set(READ_ENV.findall(path.read_text(encoding="utf-8")))
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| `([A-Z_]+)`", readme, re.M))
    assert names, "found no settings at all: the pattern is wrong"
    assert sorted(names - documented) == []

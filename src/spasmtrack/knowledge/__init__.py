"""Cited knowledge data files shipped with the package, and their loaders."""

from __future__ import annotations

from pathlib import Path

_HERE = Path(__file__).resolve().parent


def data_path(name: str) -> Path:
    """Path of a data file shipped in this package (a plain file beside this module: the
    package is installed unpacked). Not `importlib.resources`, whose import (with zipfile)
    cost every command and `django.setup()` some 30 ms."""
    return _HERE / name

"""Cited knowledge data files shipped with the package, and their loaders."""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def data_path(name: str) -> Path:
    """Path of a data file shipped in this package."""
    return Path(str(resources.files(__name__) / name))

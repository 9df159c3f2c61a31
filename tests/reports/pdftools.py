"""Read a PDF back with poppler's command-line tools (skip, saying why, when missing)."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.skip(f"{name} (Debian package poppler-utils) is not installed: cannot read the PDF")
    return path


def pdf_pages(data: bytes) -> list[str]:
    """The text of each page (pdftotext -layout), in order."""
    tool = _tool("pdftotext")
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "report.pdf"
        src.write_bytes(data)
        out = subprocess.run(
            [tool, "-layout", str(src), "-"], capture_output=True, check=True, timeout=60
        ).stdout.decode()
    return out.split("\f")[:-1]  # every page ends with a form feed


def page_one_png(data: bytes, name: str = "report-page1") -> Path:
    """Page 1 at 60 dpi into artifacts/<name>.png (to look at); the PDF beside it."""
    tool = _tool("pdftoppm")
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / f"{name}.pdf").write_bytes(data)
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "report.pdf"
        src.write_bytes(data)
        target = ARTIFACTS / name
        subprocess.run(
            [tool, "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", str(src), str(target)],
            check=True,
            timeout=60,
        )
    return target.with_suffix(".png")

"""The report's font subsets are made once per machine and kept on disk: keyed by the font's
content and the exact characters, written atomically, never used when damaged, bounded in
size, and the PDF is the same whether the cache was cold or warm."""

from __future__ import annotations

import io
import os
import shutil
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import time_machine
from matplotlib import font_manager

from spasmtrack.diary.entries import RESOURCES, create_entry
from spasmtrack.reports import fontcache
from spasmtrack.reports.data import collect
from spasmtrack.reports.pdf import render_pdf
from spasmtrack.test import BaseTestCase
from tests.reports.pdftools import pdf_pages

CHARS = "Spasmtrack 0123456789 – →"


def dejavu() -> str:
    return str(font_manager.findfont(font_manager.FontProperties(family="DejaVu Sans")))


def real_subset(fontfile: str, characters: str) -> bytes:
    from fontTools import subset  # type: ignore[import-untyped]

    options = subset.Options()
    font = subset.load_font(fontfile, options)
    subsetter = subset.Subsetter(options=options)
    subsetter.populate(text=characters)
    subsetter.subset(font)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


class Maker:
    """make() for subset_bytes, counting the subsets it really makes."""

    def __init__(self, fontfile: str, characters: str) -> None:
        self.fontfile, self.characters, self.calls = fontfile, characters, 0

    def __call__(self) -> bytes:
        self.calls += 1
        return real_subset(self.fontfile, self.characters)


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("SPASMTRACK_CACHE_DIR", str(tmp_path / "cache"))
    fontcache.clear_memory()
    yield tmp_path / "cache" / "font-subsets"
    fontcache.clear_memory()


def entries(directory: Path) -> list[Path]:
    return sorted(directory.glob("*.subset"))


def test_it_lives_where_the_settings_say(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SPASMTRACK_CACHE_DIR", str(tmp_path / "explicit"))
    assert fontcache.cache_dir() == tmp_path / "explicit" / "font-subsets"
    monkeypatch.delenv("SPASMTRACK_CACHE_DIR")
    monkeypatch.setenv("SPASMTRACK_DATA_DIR", str(tmp_path / "data"))
    assert fontcache.cache_dir() == tmp_path / "data" / "cache" / "font-subsets"
    monkeypatch.delenv("SPASMTRACK_DATA_DIR")
    assert fontcache.cache_dir().name == "font-subsets"  # the per-user cache directory


def test_a_subset_is_made_once_then_read_from_disk(cache: Path) -> None:
    make = Maker(dejavu(), CHARS)
    first = fontcache.subset_bytes(dejavu(), CHARS, make)
    assert make.calls == 1 and len(entries(cache)) == 1
    fontcache.clear_memory()  # a new process: only the disk is left
    assert fontcache.subset_bytes(dejavu(), CHARS, make) == first
    assert make.calls == 1
    assert not list(cache.glob(".tmp-*"))  # written through a temporary file, then renamed


def test_other_characters_are_another_subset(cache: Path) -> None:
    fontcache.subset_bytes(dejavu(), CHARS, Maker(dejavu(), CHARS))
    fontcache.subset_bytes(dejavu(), CHARS + "Ω", Maker(dejavu(), CHARS + "Ω"))
    assert len(entries(cache)) == 2
    # the same set in another order is the same subset
    assert fontcache.key(dejavu(), CHARS) == fontcache.key(dejavu(), CHARS[::-1])


@pytest.mark.parametrize("damage", ["truncate", "flip", "empty", "foreign"])
def test_a_damaged_entry_is_ignored_and_rebuilt(cache: Path, damage: str) -> None:
    make = Maker(dejavu(), CHARS)
    good = fontcache.subset_bytes(dejavu(), CHARS, make)
    (path,) = entries(cache)
    raw = path.read_bytes()
    damaged = {
        "truncate": raw[: len(raw) // 2],
        "flip": raw[:-10] + bytes([raw[-10] ^ 0xFF]) + raw[-9:],
        "empty": b"",
        "foreign": b"not a font subset at all",
    }[damage]
    path.write_bytes(damaged)
    fontcache.clear_memory()
    assert fontcache.subset_bytes(dejavu(), CHARS, make) == good
    assert make.calls == 2  # made again, not read
    assert path.read_bytes() == raw  # and the entry is whole again


def test_the_key_is_the_font_content_not_its_name_or_date(tmp_path: Path) -> None:
    copy = tmp_path / "copy.ttf"
    shutil.copyfile(dejavu(), copy)
    assert fontcache.key(str(copy), CHARS) == fontcache.key(dejavu(), CHARS)
    os.utime(copy, (1, 1))
    assert fontcache.key(str(copy), CHARS) == fontcache.key(dejavu(), CHARS)
    with copy.open("ab") as f:
        f.write(b"\0")  # another font file (e.g. an updated package): another key
    assert fontcache.key(str(copy), CHARS) != fontcache.key(dejavu(), CHARS)


def test_the_directory_stays_bounded(tmp_path: Path) -> None:
    for n in range(6):
        path = tmp_path / f"{n}.subset"
        path.write_bytes(b"x" * 100)
        os.utime(path, (1000 + n, 1000 + n))  # 5 is the most recently used
    (tmp_path / ".tmp-left-over.part").write_bytes(b"x")
    os.utime(tmp_path / ".tmp-left-over.part", (1, 1))  # a crashed write, long ago
    fontcache.prune(tmp_path, max_files=4, max_bytes=10_000)
    assert [p.name for p in entries(tmp_path)] == ["2.subset", "3.subset", "4.subset", "5.subset"]
    assert not (tmp_path / ".tmp-left-over.part").exists()
    fontcache.prune(tmp_path, max_files=4, max_bytes=250)
    assert [p.name for p in entries(tmp_path)] == ["4.subset", "5.subset"]


def test_a_cache_that_cannot_be_written_only_costs_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("not a directory")
    monkeypatch.setenv("SPASMTRACK_CACHE_DIR", str(blocked))
    fontcache.clear_memory()
    make = Maker(dejavu(), CHARS)
    assert fontcache.subset_bytes(dejavu(), CHARS, make) == real_subset(dejavu(), CHARS)
    fontcache.clear_memory()


@time_machine.travel(datetime(2026, 5, 1, 10, 0, tzinfo=UTC))
class ReportFontCacheTestCase(BaseTestCase):
    def test_the_report_is_the_same_with_the_cache_cold_and_warm(self) -> None:
        create_entry(
            self.alice,
            RESOURCES["checkins"],
            {"local_date": "2026-04-20", "overall_pain": 4, "notes": "ok"},
        )
        start, end = date(2026, 4, 2), date(2026, 4, 30)
        cache = Path(os.environ["SPASMTRACK_DATA_DIR"]) / "report-font-cache"
        with pytest.MonkeyPatch.context() as mp:
            mp.setenv("SPASMTRACK_CACHE_DIR", str(cache))
            fontcache.clear_memory()
            shutil.rmtree(cache, ignore_errors=True)
            cold = render_pdf(collect(self.alice, start, end, made_on=end))
            made = entries(cache / "font-subsets")
            assert made  # the faces the report embeds
            fontcache.clear_memory()
            warm = render_pdf(collect(self.alice, start, end, made_on=end))
            assert entries(cache / "font-subsets") == made
        fontcache.clear_memory()
        assert warm == cold  # byte for byte: the subsets' timestamps are kept too
        assert pdf_pages(warm) == pdf_pages(cold)

"""Font subsets for the report's PDF, kept in memory and on disk.

matplotlib subsets every embedded face on every PDF with fontTools, which parses the whole
font file each time: in a fresh process (the CLI, a new worker) that was the largest single
cost of the first report (bench/report.py). A subset depends only on the font file, the
characters asked for and the library versions that make it, so it is cached under a key made
of exactly those: the font file's content hash (not its name or date: a changed file is a new
key), matplotlib's and fontTools' versions, and the characters.

On disk: one file per subset in `cache_dir()`, written atomically (a temporary file in the same
directory, then os.replace), each beginning with a magic line and the SHA-256 of the subset,
so a truncated, corrupt or foreign file is never used: it is ignored and rebuilt. The
directory is bounded (MAX_FILES, MAX_BYTES; the least recently used files go first). Any
failure to read or write the cache only makes the report slower, never wrong.

The cache lives in SPASMTRACK_CACHE_DIR if set, else in `cache/` under SPASMTRACK_DATA_DIR if
that is set (tests and benchmarks get a temporary directory that way), else in the per-user
cache directory (platformdirs).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import logging
import os
import tempfile
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from platformdirs import user_cache_dir

log = logging.getLogger(__name__)

MAGIC = b"spasmtrack font subset v1\n"
DIGEST = 32  # bytes of SHA-256 after the magic line
MAX_FILES = 64
MAX_BYTES = 32 * 1024 * 1024
MEMORY_ENTRIES = 32
STALE_TEMP_SECONDS = 3600  # a temporary file this old is left over from a crashed write

_memory: OrderedDict[str, bytes] = OrderedDict()
_memory_lock = threading.Lock()
_file_hashes: dict[tuple[str, int, int], str] = {}


def cache_dir() -> Path:
    """Where subsets are kept on disk (see the module's docstring)."""
    if explicit := os.getenv("SPASMTRACK_CACHE_DIR"):
        base = Path(explicit)
    elif data := os.getenv("SPASMTRACK_DATA_DIR"):
        base = Path(data) / "cache"
    else:
        base = Path(user_cache_dir("spasmtrack", appauthor=False))
    return base / "font-subsets"


def _file_hash(path: str) -> str:
    """SHA-256 of the font file, computed once per process per (path, size, mtime)."""
    st = os.stat(path)
    stamp = (os.path.realpath(path), st.st_size, st.st_mtime_ns)
    if stamp not in _file_hashes:
        with open(path, "rb") as f:
            _file_hashes[stamp] = hashlib.file_digest(f, "sha256").hexdigest()
    return _file_hashes[stamp]


def key(fontfile: str, characters: str) -> str:
    """The cache key of a subset: font content, the libraries that subset it, the characters
    (sorted and deduplicated: the same set is the same subset)."""
    import fontTools  # type: ignore[import-untyped]
    import matplotlib

    parts = [
        MAGIC.decode().strip(),
        _file_hash(fontfile),
        matplotlib.__version__,
        fontTools.version,
        "".join(sorted(set(characters))),
    ]
    return hashlib.sha256(json.dumps(parts).encode()).hexdigest()


def _read(path: Path) -> bytes | None:
    """The subset in `path`, or None when it is missing, truncated or corrupt."""
    try:
        raw = path.read_bytes()
    except OSError:
        return None
    head, digest, payload = (
        raw[: len(MAGIC)],
        raw[len(MAGIC) : len(MAGIC) + DIGEST],
        raw[len(MAGIC) + DIGEST :],
    )
    if head != MAGIC or not payload or hashlib.sha256(payload).digest() != digest:
        log.info("font subset cache: ignoring a damaged entry %s", path.name)
        return None
    with contextlib.suppress(OSError):
        os.utime(path)  # recently used: pruned last
    return payload


def _write(directory: Path, name: str, payload: bytes) -> None:
    """Write atomically, then keep the directory within its bounds. Never raises."""
    tmp = None
    try:
        directory.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=".tmp-", suffix=".part")
        with os.fdopen(fd, "wb") as f:
            f.write(MAGIC + hashlib.sha256(payload).digest() + payload)
        os.replace(tmp, directory / name)
        tmp = None
        prune(directory)
    except OSError as e:
        log.info("font subset cache: not written (%s)", e)
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def prune(directory: Path, max_files: int = MAX_FILES, max_bytes: int = MAX_BYTES) -> None:
    """Remove the least recently used subsets beyond the bounds, and left-over temporary
    files of crashed writes."""
    now = time.time()
    entries = []
    for path in directory.iterdir():
        try:
            st = path.stat()
        except OSError:
            continue
        if path.name.startswith(".tmp-"):
            if now - st.st_mtime > STALE_TEMP_SECONDS:
                path.unlink(missing_ok=True)
            continue
        if path.suffix == ".subset":
            entries.append((st.st_mtime, st.st_size, path))
    entries.sort(reverse=True)  # newest first
    total = 0
    for n, (_mtime, size, path) in enumerate(entries):
        total += size
        if n >= max_files or total > max_bytes:
            path.unlink(missing_ok=True)


def subset_bytes(fontfile: str, characters: str, make: Callable[[], bytes]) -> bytes:
    """The subset of `fontfile` for `characters`: from memory, else from disk, else `make()`
    (then kept in both)."""
    try:
        name = key(fontfile, characters)
    except OSError:  # the font file went away: nothing to key on, nothing cached
        return make()
    with _memory_lock:  # a server renders reports in several threads
        if (found := _memory.get(name)) is not None:
            _memory.move_to_end(name)
            return found
    directory = cache_dir()
    payload = _read(directory / f"{name}.subset")
    if payload is None:
        payload = make()
        _write(directory, f"{name}.subset", payload)
    with _memory_lock:
        _memory[name] = payload
        while len(_memory) > MEMORY_ENTRIES:
            _memory.popitem(last=False)
    return payload


def clear_memory() -> None:
    """Forget the subsets kept in this process (the disk cache stays)."""
    with _memory_lock:
        _memory.clear()


def open_subset(payload: bytes) -> Any:
    """A fontTools TTFont of the subset, as matplotlib's get_glyphs_subset returns it. The
    timestamp is not recalculated when matplotlib saves it again, so the same subset gives
    the same bytes in the PDF."""
    from fontTools.ttLib import TTFont  # type: ignore[import-untyped]

    return TTFont(io.BytesIO(payload), recalcTimestamp=False)

"""Limits on what an import will read, and reading files within them.

Every refusal is one line naming the file and the limit, raised as ImportRefused before any
row is written. The limits are documented in the README ("Import limits"); each is far above
what years of real diary use produce (a decade of daily logging is a few MiB).
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import zipfile
import zlib
from typing import Any


class ImportRefused(ValueError):
    """A refused import: names the file, the row (1-based) and the reason."""

    def __init__(self, where: str, row: int | None, reason: str) -> None:
        at = f"{where} row {row}" if row is not None else where
        super().__init__(f"{at}: {reason}")
        self.reason = reason  # without the place, for a caller that names the place itself


MAX_IMPORT_BYTES = 64 * 1024 * 1024  # a file as uploaded or read from disk
MAX_UNCOMPRESSED_BYTES = 256 * 1024 * 1024  # all members of a zip together, once unpacked
MAX_ZIP_MEMBERS = 100  # files in a zip (an export has one per section, about 20)
MAX_JSON_DEPTH = 32  # nesting of objects and lists (an export needs 5)
MAX_FIELD_CHARS = 128 * 1024  # one string value or CSV cell
csv.field_size_limit(MAX_FIELD_CHARS)  # (the csv module's default, made explicit)

_BOMS = (  # longest first: the UTF-32 LE mark starts with the UTF-16 LE one
    (codecs.BOM_UTF32_LE, "UTF-32 (little-endian)"),
    (codecs.BOM_UTF32_BE, "UTF-32 (big-endian)"),
    (codecs.BOM_UTF16_LE, "UTF-16 (little-endian)"),
    (codecs.BOM_UTF16_BE, "UTF-16 (big-endian)"),
)


def check_size(size: int, where: str) -> None:
    if size > MAX_IMPORT_BYTES:
        raise ImportRefused(
            where,
            None,
            f"the file is {_mib(size)}, over the import limit of {_mib(MAX_IMPORT_BYTES)}",
        )


def _mib(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MiB" if n >= 1024 * 1024 else f"{n} bytes"


def encoding_problem(data: bytes) -> str | None:
    """Why `data` is not UTF-8 text, naming the encoding it looks like; None if it is."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return f"the file is {name} text; save it as UTF-8 and import again"
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as e:
        if data[:200].count(0) > 0:
            return "the file looks like UTF-16 text (no byte-order mark); save it as UTF-8"
        try:
            data.decode("cp1252")
        except UnicodeDecodeError:
            return f"the file is not UTF-8 text (byte {e.start} cannot be decoded)"
        return (
            "the file is not UTF-8: it looks like Latin-1 (ISO-8859-1) or Windows-1252 text; "
            "save it as UTF-8 and import again"
        )
    return None


def decode_text(data: bytes, where: str) -> str:
    """`data` as UTF-8 text (a UTF-8 byte-order mark is dropped), or ImportRefused naming the
    encoding it looks like instead."""
    if problem := encoding_problem(data):
        raise ImportRefused(where, None, problem)
    return data.decode("utf-8-sig")


def read_json(data: bytes, where: str) -> Any:
    """Parse a JSON file within the limits (size, encoding, nesting depth, string length)."""
    check_size(len(data), where)
    text = decode_text(data, where)
    try:
        doc = json.loads(text)
    except RecursionError:
        raise ImportRefused(where, None, _too_deep()) from None
    except json.JSONDecodeError as e:
        raise ImportRefused(where, None, f"not valid JSON ({e})") from None
    check_shape(doc, where)
    return doc


def _too_deep() -> str:
    return f"the JSON is nested more than {MAX_JSON_DEPTH} levels deep"


def check_shape(doc: Any, where: str) -> None:
    """Refuse nesting deeper than MAX_JSON_DEPTH and strings longer than MAX_FIELD_CHARS."""
    stack: list[tuple[Any, int]] = [(doc, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            children = [*value.keys(), *value.values()]
        elif isinstance(value, list):
            children = value
        else:
            if isinstance(value, str) and len(value) > MAX_FIELD_CHARS:
                raise ImportRefused(
                    where, None, f"a text value is longer than {MAX_FIELD_CHARS} characters"
                )
            continue
        if depth > MAX_JSON_DEPTH:
            raise ImportRefused(where, None, _too_deep())
        stack += [(c, depth + 1) for c in children]


def read_zip(data: bytes, where: str) -> dict[str, bytes]:
    """Every member of a zip, read within the limits: the file size, the member count, and the
    uncompressed size both as declared in the zip's directory and as actually unpacked (a
    member that unpacks to more than it declares is cut off and refused, never read whole)."""
    check_size(len(data), where)
    try:
        z = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError):
        raise ImportRefused(where, None, "not a zip file of CSVs") from None
    with z:
        infos = [i for i in z.infolist() if not i.is_dir()]
        if len(infos) > MAX_ZIP_MEMBERS:
            raise ImportRefused(
                where,
                None,
                f"the zip holds {len(infos)} files, over the limit of {MAX_ZIP_MEMBERS}",
            )
        declared = sum(i.file_size for i in infos)
        if declared > MAX_UNCOMPRESSED_BYTES:
            raise ImportRefused(
                where, None, f"{_unpacked()} (its directory declares {_mib(declared)})"
            )
        out: dict[str, bytes] = {}
        budget = MAX_UNCOMPRESSED_BYTES
        for info in infos:
            try:
                with z.open(info) as f:
                    body = f.read(min(budget, info.file_size) + 1)
            except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError) as e:
                raise ImportRefused(
                    where, None, f"{info.filename}: damaged zip member ({e})"
                ) from None
            if len(body) > info.file_size or len(body) > budget:
                raise ImportRefused(
                    where, None, f"{_unpacked()} ({info.filename} unpacks to more than it declares)"
                )
            budget -= len(body)
            out[info.filename] = body
    return out


def _unpacked() -> str:
    return f"the zip unpacks to more than {_mib(MAX_UNCOMPRESSED_BYTES)}, refused unread"

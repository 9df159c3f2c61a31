"""One source per shape: a JSON schema read from the TypedDict or dataclass that already
says what an object holds, instead of a second class listing the same fields.

`schema_of(TrialDict, "TrialOut")` is a ninja `Schema` with TrialDict's fields, types and
order; `overrides` replaces a field's type (a nested shape with its own schema name, a date
the source keeps as text) and `extra` adds fields after them as {name: (type, default)}.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any, get_type_hints

from ninja import Schema
from pydantic import create_model


def schema_of(
    source: type,
    name: str,
    extra: Mapping[str, tuple[Any, Any]] | None = None,
    doc: str | None = None,
    **overrides: Any,
) -> type[Schema]:
    """A Schema called `name` with the fields of `source` (a TypedDict or a dataclass)."""
    hints = get_type_hints(source)
    if dataclasses.is_dataclass(source):
        names = [f.name for f in dataclasses.fields(source)]
    else:
        names = list(hints)
    unknown = set(overrides) - set(names)
    if unknown:
        raise TypeError(f"{name}: no field {', '.join(sorted(unknown))} in {source.__name__}")
    fields: dict[str, Any] = {n: (overrides.get(n, hints[n]), ...) for n in names}
    fields |= dict(extra or {})
    schema: type[Schema] = create_model(name, __base__=Schema, __doc__=doc, **fields)
    return schema

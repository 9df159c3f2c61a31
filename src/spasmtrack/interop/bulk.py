"""Bulk writes for importers: validated rows as plain tuples, written with the driver's bulk path.

An importer validates its rows with the same rules as a single write
(`diary.entries.validate_entries`, a batch at a time, or `validate_entry` for one), turns
the values into tuples with `EntryRows.rows` (a column at a time, in the driver's form) and
hands them to a `BulkWriter`, which writes a batch at a time: `COPY ... FROM STDIN`
(psycopg 3 `cursor.copy()`) on PostgreSQL, one `executemany` of a single INSERT on SQLite.
No model instance is built and no SQL is compiled per row, which is where `bulk_create`
spends its time (a `Model.__init__` and a `get_db_prep_save` call per field and row).

Writes happen only inside the caller's transaction (`transaction.atomic()`), so an import
that fails on its last row leaves nothing behind. Memory holds one batch.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from itertools import repeat
from typing import Any, cast
from uuid import UUID

from django.db import connections, router
from django.db.models import Field, ForeignKey, Model

from spasmtrack.core.codes import uuid4_bytes, uuid4_hexes

BATCH_SIZE = 5000

# Columns whose Python value both drivers take as it is (psycopg adapts the rest natively too).
_AS_IS = frozenset(
    {
        "AutoField",
        "BigAutoField",
        "BigIntegerField",
        "BooleanField",
        "CharField",
        "FloatField",
        "ForeignKey",
        "IntegerField",
        "PositiveBigIntegerField",
        "PositiveIntegerField",
        "PositiveSmallIntegerField",
        "SlugField",
        "SmallIntegerField",
        "TextField",
    }
)
_AS_IS_POSTGRES = _AS_IS | {"DateField", "DateTimeField", "UUIDField"}
# PostgreSQL column types whose values (as above) psycopg writes in COPY's binary format,
# which the server reads without parsing text (a fifth less time for a diary table's COPY).
# A uuid goes as its 16 bytes, declared as bytea: the binary forms of the two are the same
# bytes, and psycopg's uuid dumper wants a uuid.UUID (building one a row costs more).
_BINARY_COPY = frozenset(
    {
        "bigint",
        "boolean",
        "date",
        "double precision",
        "integer",
        "smallint",
        "text",
        "timestamp with time zone",
        "uuid",
        "varchar",
    }
)


class BulkWriter:
    """Collects rows (tuples in the order of `fields`) and writes them a batch at a time.

    `fields` are model field names; a foreign key takes the related row's id. Values must
    already be valid: this class converts, it does not check.
    """

    def __init__(
        self,
        model: type[Model],
        fields: Sequence[str],
        batch_size: int = BATCH_SIZE,
        prepared: Iterable[str] = (),
    ) -> None:
        self.model = model
        self.batch_size = batch_size
        self.connection = connections[router.db_for_write(model)]
        opts = model._meta
        self.fields: list[Field[Any, Any]] = [opts.get_field(f) for f in fields]  # type: ignore[misc]
        self.vendor = self.connection.vendor
        # The column types of a binary COPY, or None (SQLite, or a column of another type)
        self.copy_types = _binary_copy_types(self.fields, self.connection)
        # (column index, converter) for the columns whose values need converting
        # `prepared` fields are given in the driver's form already (see `uuid4_hexes`).
        skip = set(prepared)
        self.converters = [
            (i, c)
            for i, c in enumerate(self._converter(f) for f in self.fields)
            if c is not None and self.fields[i].name not in skip
        ]
        qn = self.connection.ops.quote_name
        columns = ", ".join(qn(cast(str, f.column)) for f in self.fields)  # concrete: a column
        table = qn(opts.db_table)
        if self.vendor == "postgresql":
            binary = " (FORMAT BINARY)" if self.copy_types else ""
            self.sql = f"COPY {table} ({columns}) FROM STDIN{binary}"
        else:
            marks = ", ".join(["%s"] * len(self.fields))
            self.sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"
        self.pending: list[tuple[Any, ...]] = []
        self.written = 0

    def _converter(self, field: Field[Any, Any]) -> Callable[[Any], Any] | None:
        kind = field.get_internal_type()
        if kind == "UUIDField" and self.copy_types:
            return _uuid_bytes
        if kind in (_AS_IS_POSTGRES if self.vendor == "postgresql" else _AS_IS):
            return None
        ops, conn = self.connection.ops, self.connection
        if kind == "DateTimeField":
            return (
                _sqlite_datetime if conn.timezone_name == "UTC" else ops.adapt_datetimefield_value
            )
        if kind == "DateField":
            return ops.adapt_datefield_value
        if kind == "UUIDField" and not conn.features.has_native_uuid_field:
            return lambda v: None if v is None else v.hex
        return lambda v: field.get_db_prep_save(v, conn)

    def add(self, row: tuple[Any, ...]) -> None:
        self.pending.append(row)
        if len(self.pending) >= self.batch_size:
            self.flush()

    def extend(self, rows: Iterable[tuple[Any, ...]]) -> None:
        self.pending.extend(rows)
        if len(self.pending) >= self.batch_size:
            self.flush()

    def flush(self) -> int:
        """Write the pending rows; returns how many. Refuses to write outside a transaction."""
        if not self.pending:
            return 0
        if not self.connection.in_atomic_block:
            raise RuntimeError("bulk writes belong inside the import's transaction.atomic()")
        rows = [self._convert(r) for r in self.pending] if self.converters else self.pending
        write_rows(self.connection, self.sql, rows, self.copy_types)
        n = len(self.pending)
        self.written += n
        self.pending = []
        return n

    def _convert(self, row: tuple[Any, ...]) -> tuple[Any, ...]:
        out = list(row)
        for i, convert in self.converters:
            if out[i] is not None:
                out[i] = convert(out[i])
        return tuple(out)

    def codes(self, n: int) -> list[Any]:
        """`n` fresh codes in the form this writer's COPY or INSERT takes them."""
        return uuid4_bytes(n) if self.copy_types else uuid4_hexes(n)


def _sqlite_datetime(value: datetime) -> str:
    """What Django's SQLite backend stores for an aware datetime when the database's time zone
    is UTC (`adapt_datetimefield_value`: naive UTC, `str()`), without its per-value settings
    lookups; a naive value is refused, as Django refuses it under USE_TZ."""
    if value.tzinfo is None:
        raise ValueError(f"naive datetime {value} (an aware one is needed)")
    return str(value.astimezone(UTC).replace(tzinfo=None))


def _binary_copy_types(fields: Sequence[Field[Any, Any]], connection: Any) -> list[str] | None:
    if connection.vendor != "postgresql":
        return None
    types = []
    for f in fields:
        kind = (f.db_type(connection) or "").split("(")[0]
        if kind not in _BINARY_COPY:
            return None
        types.append("bytea" if kind == "uuid" else kind)
    return types


def _uuid_bytes(value: UUID | str) -> bytes:
    return value.bytes if isinstance(value, UUID) else UUID(value).bytes


@contextmanager
def new_objects_collected_only() -> Iterator[None]:
    """While an import runs, Python's cycle collector leaves the objects the process held
    before it alone (`gc.freeze()`; `gc.unfreeze()` after).

    An import makes many short-lived containers; the collections their allocation triggers
    each walked every object of the process (all of Django, the schemas) for nothing to
    collect: a tenth of a Flaredown import's time. The import's own objects are collected as
    before (memory stays flat), and reference counting frees everything as before. If objects
    are frozen already (a server that froze them before forking), nothing changes."""
    if gc.get_freeze_count():
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def write_rows(
    connection: Any,
    sql: str,
    rows: Sequence[tuple[Any, ...]],
    copy_types: Sequence[str] | None = None,
) -> None:
    """The driver's bulk path for prepared rows: COPY (sql is a COPY; binary with the
    columns' `copy_types`) or executemany."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(sql) as copy:
                if copy_types:
                    copy.set_types(copy_types)
                for row in rows:
                    copy.write_row(row)
        else:
            cursor.executemany(sql, rows)


class EntryRows:
    """Tuples for a diary entry model from `validate_entry`'s values plus the server's fields.

    The server fills `person`, a fresh `code`, `created` and `updated` (one stamp for the
    whole import, so its rows are recognisable) and `deleted_at`; a field the values leave
    out takes its model default, and `local_date` must be in the values or in `extra`.

    Rows are built in the driver's form (the writer converts nothing): the server's fields
    are converted once, and the dates and instants of the values once per distinct value
    (an import's rows repeat their days), so a row costs one pass over its fields.
    """

    SERVER = ("person", "code", "created", "updated", "deleted_at")

    def __init__(
        self,
        model: type[Model],
        person: Any,
        created: datetime,
        batch_size: int = BATCH_SIZE,
    ) -> None:
        opts = model._meta
        names = [f.name for f in opts.concrete_fields if not f.primary_key]
        self.writer = BulkWriter(model, names, batch_size, prepared=names)
        self.names = names
        self.pending: list[Mapping[str, Any]] = []  # values given one at a time (`add`)
        fields = {f.name: f for f in opts.concrete_fields}
        convert = {n: self.writer._converter(fields[n]) for n in names}
        # A new row's `updated` is its `created` (the model's default would call now() for
        # each row, and give each its own stamp to convert).
        server = {
            "person": person.pk,
            "created": created,
            "updated": created,
            "deleted_at": None,
            "code": None,
        }
        self.template: list[Any] = [_driver(convert[n], server.get(n)) for n in names]
        self.code_index = names.index("code")
        # (index, name, raw default or None, converter or None, is a foreign key, kind) of
        # the fields the values give; `default` is the model default's maker (a constant
        # one is in the template too). A field with no default and no value stays None: a
        # local_date-like column is then refused by the database.
        self.from_values: list[tuple[int, str, Callable[[], Any] | None, Any, bool, str]] = []
        for i, n in enumerate(names):
            if n in server:
                continue
            f = fields[n]
            default = f.get_default if f.has_default() else None
            if default is not None and not callable(f.default):
                self.template[i] = _driver(convert[n], f.get_default())
            fk = isinstance(f, ForeignKey)
            self.from_values.append((i, n, default, convert[n], fk, f.get_internal_type()))

    def row(self, values: Mapping[str, Any]) -> tuple[Any, ...]:
        return self.rows([values])[0]

    def rows(self, batch: Sequence[Mapping[str, Any]]) -> list[tuple[Any, ...]]:
        """The batch's rows, built a column at a time (a comprehension per column is several
        times faster than a pass over each row's fields)."""
        n = len(batch)
        columns: list[Iterable[Any]] = [repeat(v, n) for v in self.template]
        columns[self.code_index] = self.writer.codes(n)
        for i, name, default, convert, fk, kind in self.from_values:
            try:
                column = [values[name] for values in batch]
            except KeyError:  # some rows leave it out
                column = [values.get(name, _MISSING) for values in batch]
                if default is None:
                    column = [None if v is _MISSING else v for v in column]
                else:
                    column = [default() if v is _MISSING else v for v in column]
            if fk:
                column = [v.pk if isinstance(v, Model) else v for v in column]
            if convert is not None:
                column = _converted(column, convert, kind)
            columns[i] = column
        return list(zip(*columns, strict=True))

    def add(self, values: Mapping[str, Any]) -> None:
        """One row's values; rows are built (`rows`) and written a batch at a time."""
        self.pending.append(values)
        if len(self.pending) >= self.writer.batch_size:
            self.extend([])

    def extend(self, many: Sequence[Mapping[str, Any]]) -> None:
        if self.pending:
            many, self.pending = [*self.pending, *many], []
        self.writer.extend(self.rows(many))

    def flush(self) -> int:
        if self.pending:
            self.extend([])
        return self.writer.flush()

    @property
    def written(self) -> int:
        return self.writer.written


_MISSING = object()


def _converted(column: list[Any], convert: Callable[[Any], Any], kind: str) -> list[Any]:
    """The column in the driver's form; None stays None. A date or date-time column is
    converted a distinct value at a time (an import repeats its days and its stamp).

    Equal dates convert alike. Two equal aware date-times are the same instant, except that
    in one zone the repeated hour of a DST change compares equal whatever its `fold`: for
    instants the fold is part of the key."""
    if kind == "DateField":
        dates = {v: convert(v) for v in set(column) if v is not None}
        return [None if v is None else dates[v] for v in column]
    if kind == "DateTimeField":
        keys = {(v, v.fold) for v in column if v is not None}
        instants = {k: convert(k[0]) for k in keys}
        return [None if v is None else instants[v, v.fold] for v in column]
    return [None if v is None else convert(v) for v in column]


def _driver(convert: Callable[[Any], Any] | None, value: Any) -> Any:
    return value if convert is None or value is None else convert(value)

"""Writing daily measurements: one value through the API, or a whole import, all or nothing.

`store_values` is what every importer calls: it checks every day against the plausible-date
rule, refuses two different values for the same day and metric in one file, and upserts in
batches inside one transaction (re-importing the same file changes nothing; a newer export
replaces the values of its own source). Each import or edit bumps the person's insights
version, since an upsert that only changes values adds no new row id.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from uuid import UUID

from django.db import connection, transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils.timezone import now

from spasmtrack.accounts.models import Person
from spasmtrack.core.codes import uuid4_bytes, uuid4_hexes
from spasmtrack.core.measures import DailyValue, MeasureError, checked_value, normalise_metric
from spasmtrack.core.plausible import day_problem
from spasmtrack.diary.entries import EntryError
from spasmtrack.exchange.limits import ImportRefused
from spasmtrack.insights.signals import bump  # the person's data changed
from spasmtrack.measures.models import DailyMetric, Source

BATCH_SIZE = 2000


@dataclass
class StoreSummary:
    where: str
    source: str
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    first_day: date | None = None
    last_day: date | None = None
    notes: list[str] = field(default_factory=list)  # what was left out, one line each

    @property
    def total(self) -> int:
        return self.new + self.updated + self.unchanged

    def line(self) -> str:
        span = f" from {self.first_day} to {self.last_day}" if self.first_day else ""
        return (
            f"Imported {self.total} daily values{span} from {self.where}: {self.new} new, "
            f"{self.updated} updated, {self.unchanged} already there."
        ) + "".join(f" {n}" for n in self.notes)


def batches(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def store_values(
    person: Person,
    values: Iterable[tuple[int | None, DailyValue]],
    source: str,
    where: str,
    batch_size: int = BATCH_SIZE,
) -> StoreSummary:
    """Upsert (line, value) pairs for `source`, all or nothing; ImportRefused at the first
    problem ("<where> row <line>: reason"; the line is None for aggregated formats).

    Any MeasureError raised while `values` is consumed (a bad line of a streamed file) is
    turned into ImportRefused too, and the transaction is rolled back.
    """
    stamp = now()
    seen: dict[tuple[date, str], tuple[int | None, float]] = {}
    summary = StoreSummary(where, source)
    try:
        with transaction.atomic():
            for batch in batches(_checked(person, values, seen, stamp, where), batch_size):
                _upsert(person, batch, source, stamp, summary)
    except MeasureError as e:
        raise ImportRefused(where, e.line, e.reason) from None
    if summary.total:
        summary.first_day = min(d for d, _ in seen)
        summary.last_day = max(d for d, _ in seen)
        bump(person.pk)
    return summary


def _checked(
    person: Person,
    values: Iterable[tuple[int | None, DailyValue]],
    seen: dict[tuple[date, str], tuple[int | None, float]],
    stamp: Any,
    where: str,
) -> Iterator[DailyValue]:
    fine: set[date] = set()  # days that passed the date rule (a day has several metrics)
    for line, v in values:
        if v.day not in fine:
            if problem := day_problem(v.day, stamp, person.tz):
                raise MeasureError(f"date {v.day.isoformat()}: {problem}", line)
            fine.add(v.day)
        key = (v.day, v.metric)
        before = seen.get(key)
        if before is not None:
            if before[1] == v.value:
                continue
            at = f" (line {before[0]})" if before[0] is not None else ""
            raise MeasureError(
                f"a second, different {v.metric} for {v.day.isoformat()}{at}: "
                "one value per day and metric",
                line,
            )
        seen[key] = (line, v.value)
        yield v


def _upsert(
    person: Person, batch: list[DailyValue], source: str, stamp: Any, summary: StoreSummary
) -> None:
    days = {v.day for v in batch}
    existing = {
        (d, m): (val, u)
        for d, m, val, u in DailyMetric.objects.filter(
            person=person, source=source, local_date__in=days
        ).values_list("local_date", "metric", "value", "unit")
    }
    pg = connection.vendor == "postgresql"
    ops = connection.ops
    # The days and the stamp in the driver's form, once each (a batch repeats its days)
    day_param = {d: d for d in days} if pg else {d: ops.adapt_datefield_value(d) for d in days}
    at = stamp if pg else ops.adapt_datetimefield_value(stamp)
    rows: list[tuple[Any, ...]] = []
    # codes as the drivers take them (binary on PostgreSQL: `_upsert_copy`)
    codes = uuid4_bytes(len(batch)) if pg else uuid4_hexes(len(batch))
    pk, code = person.pk, iter(codes)
    unchanged = new = 0
    for v in batch:
        have = existing.get((v.day, v.metric))
        if have is None:
            new += 1
        elif have == (v.value, v.unit):
            unchanged += 1
            continue
        rows.append((pk, next(code), day_param[v.day], v.metric, v.value, v.unit, source, at, at))
    summary.new += new
    summary.unchanged += unchanged
    summary.updated += len(rows) - new
    if not rows:
        return
    if pg:
        _upsert_copy(rows)
        return
    with connection.cursor() as cursor:  # SQLite is in-process: executemany is the fast path
        cursor.executemany(
            f"INSERT INTO {_TABLE} ({_COLUMNS}) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s) "
            + _ON_CONFLICT,
            rows,
        )


_TABLE = "measures_dailymetric"
_COLUMNS = "person_id, code, local_date, metric, value, unit, source, created, updated"
# A value already there for this person, day, metric and source is replaced; its code and
# creation time stay.
_ON_CONFLICT = (
    "ON CONFLICT (person_id, local_date, metric, source) DO UPDATE SET "
    "value = excluded.value, unit = excluded.unit, updated = excluded.updated"
)


# The binary COPY's column types; a code goes as its 16 bytes (a uuid's binary form is the
# same bytes as a bytea's), so no uuid.UUID is built per row.
_COPY_TYPES = (
    "bigint",
    "bytea",
    "date",
    "varchar",
    "double precision",
    "varchar",
    "varchar",
    "timestamp with time zone",
    "timestamp with time zone",
)


def _upsert_copy(rows: list[tuple[Any, ...]]) -> None:
    """PostgreSQL: COPY the batch (binary) into a temporary table, then one INSERT … SELECT … ON
    CONFLICT (a server round trip per row, or one huge statement, is several times slower)."""
    raw = connection.connection  # the driver's connection, inside Django's transaction
    with raw.cursor() as cur:
        cur.execute(
            "CREATE TEMP TABLE IF NOT EXISTS measures_upsert (person_id bigint, code uuid, "
            "local_date date, metric varchar(40), value double precision, unit varchar(16), "
            "source varchar(16), created timestamptz, updated timestamptz) ON COMMIT DROP"
        )
        cur.execute("TRUNCATE measures_upsert")
        with cur.copy(f"COPY measures_upsert ({_COLUMNS}) FROM STDIN (FORMAT BINARY)") as copy:
            copy.set_types(_COPY_TYPES)
            for row in rows:
                copy.write_row(row)
        cur.execute(
            f"INSERT INTO {_TABLE} ({_COLUMNS}) SELECT {_COLUMNS} FROM measures_upsert "
            + _ON_CONFLICT
        )


# --- one value at a time (the API) ----------------------------------------------------------


class MetricError(EntryError):
    """A refused value (`field`, `message`): the API answers it with a field-level 422."""


def metrics_for(person: Person) -> QuerySet[DailyMetric]:
    return DailyMetric.objects.filter(person=person)


def get_owned(person: Person, code: UUID | str) -> DailyMetric:
    """The person's value with this code; another person's (or none) is a 404."""
    obj = metrics_for(person).filter(code=code).first()
    if obj is None:
        raise Http404("no such value")
    return obj


def validated(person: Person, data: dict[str, Any]) -> dict[str, Any]:
    """One value's metric, value, unit and day as stored, or MetricError: the rules of the API,
    the pages and the FHIR import alike."""
    try:
        metric = normalise_metric(str(data["metric"]))
    except MeasureError as e:
        raise MetricError("metric", e.reason) from None
    try:
        value, unit = checked_value(metric, float(data["value"]), data.get("unit"))
    except MeasureError as e:
        raise MetricError("value", e.reason) from None
    day = data["local_date"]
    if problem := day_problem(day, now(), person.tz):
        raise MetricError("local_date", problem)
    return {"metric": metric, "value": value, "unit": unit, "local_date": day}


def create_value(person: Person, data: dict[str, Any]) -> DailyMetric:
    """A typed-in value (source "manual"); a second one for the same day and metric is
    refused (edit the first)."""
    clean = validated(person, data)
    taken = metrics_for(person).filter(
        local_date=clean["local_date"], metric=clean["metric"], source=Source.MANUAL
    )
    if taken.exists():
        raise MetricError(
            "local_date", f"you already have {clean['metric']} on this day: edit that one"
        )
    obj = DailyMetric.objects.create(person=person, source=Source.MANUAL, **clean)
    bump(person.pk)
    return obj


def update_value(person: Person, obj: DailyMetric, changes: dict[str, Any]) -> DailyMetric:
    """Apply a partial change, validated as a whole against the merged value."""
    merged = {
        "metric": obj.metric,
        "value": obj.value,
        "unit": obj.unit,
        "local_date": obj.local_date,
        **{k: v for k, v in changes.items() if v is not None},
    }
    if "metric" in changes and "unit" not in changes:
        merged["unit"] = None  # a new metric: its canonical unit
    clean = validated(person, merged)
    clash = (
        metrics_for(person)
        .filter(local_date=clean["local_date"], metric=clean["metric"], source=obj.source)
        .exclude(pk=obj.pk)
    )
    if clash.exists():
        raise MetricError("local_date", f"there is already {clean['metric']} on this day")
    for k, v in clean.items():
        setattr(obj, k, v)
    obj.updated = now()
    obj.save()
    bump(person.pk)
    return obj


def delete_value(person: Person, obj: DailyMetric) -> None:
    obj.delete()
    bump(person.pk)

"""Plain model fields that every door carries without being told about them.

A diary kind's schemas (diary/inputs.py, diary/schemas.py) lay out by hand the fields that need
more than their model field says (regions, catalogue keys, a duration shown in minutes, FHIR
codes). Any other
concrete field of the model — a "carried" field, such as a yes/no or a short text added later —
is read from the model field itself: its type, null, default, choices, max_length and
min/max validators make its pydantic field in the API's `…In`/`…Out` schemas (and so in the
export, the import and the OpenAPI document), Django's `formfield()` on the edit page, and a
generic FHIR extension (diary/fhir.py). Adding such a field is the model and its migration.

The input side (`carries`, `patch_of`) is plain pydantic; ninja's Schema is imported by the
read shapes (`entry_out`) only, so validating an entry does not import ninja.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import date, datetime
from typing import Any, Literal, TypeVar, cast

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from pydantic import AwareDatetime, BaseModel, Field, create_model

from spasmtrack.strict import SingleLine, StrictIn

S = TypeVar("S", bound=BaseModel)

# Written by the server or laid out by every schema: never carried.
SHARED = frozenset(
    {"id", "person", "code", "local_date", "notes", "created", "updated", "version", "deleted_at"}
)


def plain_type(field: models.Field[Any, Any]) -> type:
    """The Python type of a field the doors can carry; TypeError for any other."""
    # (DateTimeField is a DateField, BooleanField no IntegerField: most specific first)
    for django_type, python_type in (
        (models.DateTimeField, datetime),
        (models.DateField, date),
        (models.BooleanField, bool),
        (models.IntegerField, int),
        (models.FloatField, float),
        (models.CharField, str),
        (models.TextField, str),
    ):
        if isinstance(field, django_type):
            return python_type
    raise TypeError(
        f"{field.model.__name__}.{field.name}: a {type(field).__name__} is not carried "
        "by itself; lay it out in diary/inputs.py"
    )


def carried_fields(model: type[models.Model], declared: Any) -> tuple[models.Field[Any, Any], ...]:
    """The model's concrete, non-relational fields that `declared` (names) does not name."""
    return tuple(
        f
        for f in model._meta.concrete_fields
        if not f.is_relation and f.name not in SHARED and f.name not in declared
    )


def _limits(field: models.Field[Any, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if isinstance(field, models.CharField) and field.max_length:
        out["max_length"] = field.max_length
    if isinstance(field, (models.PositiveIntegerField, models.PositiveSmallIntegerField)):
        out["ge"] = 0
    if isinstance(field, models.PositiveBigIntegerField):
        out["ge"] = 0
    # the validators the model names (not `validators`, which adds the database's range)
    for v in getattr(field, "_validators", ()):
        if isinstance(v, MinValueValidator):
            out["ge"] = v.limit_value
        elif isinstance(v, MaxValueValidator):
            out["le"] = v.limit_value
    if field.help_text:
        out["description"] = str(field.help_text)
    return out


def _input_field(field: models.Field[Any, Any]) -> tuple[Any, Any]:
    kind: Any = plain_type(field)
    if field.choices:
        values = [str(value) for value, _ in field.flatchoices]
        if field.blank and "" not in values:
            values.append("")  # left empty
        kind = Literal[tuple(values)]
    elif kind is str and isinstance(field, models.CharField):
        kind = SingleLine
    elif kind is datetime:
        kind = AwareDatetime
    if field.null:
        kind = kind | None
    extra = _limits(field)
    if field.has_default():
        if callable(field.default):
            return kind, Field(default_factory=field.default, **extra)
        return kind, Field(field.default, **extra)
    if field.null:
        return kind, Field(None, **extra)
    if field.blank and plain_type(field) is str:
        return kind, Field("", **extra)
    return kind, Field(**extra)


def _output_field(field: models.Field[Any, Any]) -> tuple[Any, Any]:
    kind: Any = plain_type(field)
    if field.null:
        kind = kind | None
    return kind, Field(description=str(field.help_text)) if field.help_text else ...


def carries(model: type[models.Model], *, output: bool = False) -> Callable[[type[S]], type[S]]:
    """Class decorator: the schema, plus the model's carried fields after its own.

    With none (the usual case) the schema is returned as it is; otherwise a subclass of the
    same name (the OpenAPI name) and docstring. `carried_names(schema)` lists them.
    """

    def decorate(schema: type[S]) -> type[S]:
        fields = carried_fields(model, schema.model_fields)
        if not fields:
            schema.__carried__ = ()  # type: ignore[attr-defined]
            return schema
        make = _output_field if output else _input_field
        derived: type[S] = create_model(  # type: ignore[call-overload]
            schema.__name__,
            __base__=schema,
            __module__=schema.__module__,
            __doc__=schema.__doc__,
            **{f.name: make(f) for f in fields},
        )
        derived.__carried__ = tuple(f.name for f in fields)  # type: ignore[attr-defined]
        return derived

    return decorate


def _stamps(recorded_by: bool) -> dict[str, tuple[Any, Any]]:
    """What an entry's read shape ends with (before its carried fields), set by the server:
    who recorded it (for kinds a clinician may record), its last change and its version.
    (New FieldInfos each time: pydantic may complete a field in place for its model.)"""
    out: dict[str, tuple[Any, Any]] = {}
    if recorded_by:
        out["recorded_by"] = (str | None, Field(None, description="the clinician who recorded it"))
    out["updated"] = (datetime, Field(description="last change (edit, bin, restore)"))
    out["version"] = (int, Field(description="bumped by every edit; the ETag, for If-Match"))
    return out


def recorded_by_name(obj: Any) -> str | None:
    """The user name of the clinician who recorded an entry, None for the person's own."""
    name: str | None = obj.recorded_by.user.username if obj.recorded_by_id else None
    return name


@functools.cache
def _recorded_by() -> type[BaseModel]:
    """A ninja Schema that reads `recorded_by` as the clinician's user name (a base of
    `entry_out`'s schemas), made on first use: ninja is the read shapes' alone."""
    from ninja import Schema

    class RecordedBy(Schema):
        @staticmethod
        def resolve_recorded_by(obj: Any) -> str | None:
            return recorded_by_name(obj)

    return RecordedBy


def entry_out(
    model: type[models.Model], *, recorded_by: bool = False
) -> Callable[[type[S]], type[S]]:
    """Class decorator for an entry's read shape: the schema's own fields, then `recorded_by`
    (with `recorded_by=True`, for kinds a clinician may record), `updated` and `version`
    (`_stamps`), and last the model's carried fields (`carries(model, output=True)`). Same
    name and docstring."""

    def decorate(schema: type[S]) -> type[S]:
        extra = _stamps(recorded_by)
        bases = (schema, _recorded_by()) if recorded_by else (schema,)
        stamped: type[S] = create_model(  # type: ignore[call-overload]
            schema.__name__,
            __base__=bases,
            __module__=schema.__module__,
            __doc__=schema.__doc__,
            **extra,
        )
        return carries(model, output=True)(stamped)

    return decorate


def patch_of(schema_in: type[BaseModel], name: str = "") -> type[BaseModel]:
    """The input schema with every field optional and unchecked (default: <name>Patch): a
    PATCH sends only what changes, and the writer re-validates the merged whole with
    `schema_in`, so its rules are said once."""
    fields: dict[str, Any] = {
        n: (cast(Any, f.annotation) | None, None) for n, f in schema_in.model_fields.items()
    }
    patch: type[BaseModel] = create_model(
        name or f"{schema_in.__name__}Patch", __base__=StrictIn, **fields
    )
    return patch


def carried_names(schema: type[BaseModel]) -> tuple[str, ...]:
    """The names `carries` added to a schema (empty for one it added nothing to)."""
    names: tuple[str, ...] = schema.__dict__.get("__carried__", ())
    return names

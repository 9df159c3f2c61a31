"""The base of every API input schema: JSON types as written, nothing guessed.

pydantic's lax mode turns `true` into 1, `0` into the date 1970-01-01 and a list body into
an empty object; for a diary each of these silently stores something nobody meant. So:
numbers are numbers (never a boolean), dates are ISO dates ("YYYY-MM-DD"), date-times are
ISO 8601 strings (never seconds since 1970), and a body must be a JSON object. Single-line
text (names, titles, units) has no line breaks: use `SingleLine`.

Plain pydantic, not ninja's Schema (ninja takes any pydantic model as a body or query, and
the OpenAPI document is the same): a command that validates an entry (`spasmtrack log`,
import) imports pydantic but not ninja, whose import (its whole API package, and django.test
with it) cost `log` a quarter of a second. A read shape that derives from an input one adds
ninja's Schema as a base itself.
"""

from __future__ import annotations

import sys
import types
from collections.abc import Callable
from datetime import date, datetime
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    model_validator,
)
from pydantic_core import PydanticCustomError


def _single_line(value: str) -> str:
    if "\r" in value or "\n" in value:
        raise ValueError("must be a single line (no line breaks)")
    return value


SingleLine = Annotated[str, AfterValidator(_single_line)]


def _types(annotation: Any) -> set[Any]:
    """The plain types an annotation admits (through Optional, unions and Annotated)."""
    origin = get_origin(annotation)
    if origin is Annotated:
        return _types(get_args(annotation)[0])
    if origin in (Union, types.UnionType):
        return set().union(*(_types(a) for a in get_args(annotation)))
    return {annotation}


def _unwrapped(data: Any) -> Any:
    """The object ninja's Schema wrapped (in a read shape derived from an input one); ninja
    cannot have wrapped anything before it is imported."""
    ninja_schema = sys.modules.get("ninja.schema")
    if ninja_schema is not None and isinstance(data, ninja_schema.DjangoGetter):
        return data._obj
    return data


class StrictIn(BaseModel):
    # Each schema's validator is built when first used, not when its module is imported:
    # `spasmtrack log` validates one kind of entry, and was building all of them.
    # (from_attributes: as ninja's Schema, an input may be read from an object's attributes)
    model_config = ConfigDict(defer_build=True, from_attributes=True)

    @model_validator(mode="before")
    @classmethod
    def _an_object(cls, data: Any) -> Any:
        if type(data) is dict:  # what a body and an imported row are
            return data
        raw = _unwrapped(data)
        if isinstance(raw, (list, tuple, str, bytes, int, float, bool)) or raw is None:
            raise PydanticCustomError("model_type", "the body must be a JSON object")
        return data

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        """Each field whose type `_as_written` guards (numbers, dates, date-times) gets its
        check, as a before-validator of that field alone: a text, list or choice field has
        nothing to check, and a check on every field of every API write and imported row was
        a Python call each."""
        super().__pydantic_init_subclass__(**kwargs)
        for field in cls.__pydantic_fields__.values():
            # (a field inherited or reused from another schema may carry its check already)
            kept = [
                m
                for m in field.metadata
                if not (isinstance(m, BeforeValidator) and m.func in _CHECKS)
            ]
            check = _check_for(frozenset(_types(field.annotation)))
            field.metadata = kept if check is None else [*kept, BeforeValidator(check)]


def _a_number(value: Any) -> Any:
    if value is True or value is False:
        raise PydanticCustomError("int_type", "must be a number, not true/false")
    return value


def _an_instant(value: Any) -> Any:
    if not isinstance(value, (str, datetime)) and value is not None:
        # a number would be read as seconds since 1970
        raise PydanticCustomError("datetime_type", "must be an ISO 8601 date-time string")
    return value


def _a_day_text(value: Any) -> Any:
    if isinstance(value, str) and not _iso_day(value):
        raise PydanticCustomError("date_type", "must be an ISO date (YYYY-MM-DD)")
    return value


def _a_day(value: Any) -> Any:
    if not isinstance(value, (str, date)) and value is not None:
        raise PydanticCustomError("date_type", "must be an ISO date (YYYY-MM-DD)")
    return _a_day_text(value)


_CHECKS: set[Callable[[Any], Any]] = {_a_number, _an_instant, _a_day, _a_day_text}


def _check_for(kinds: frozenset[Any]) -> Callable[[Any], Any] | None:
    """The check of a value as written for a field of these types, if they need one (an
    outermost before-validator, as a field_validator would be): no true/false for a number,
    no number for a date or date-time, a date as YYYY-MM-DD (a text, when the field takes a
    date-time too)."""
    checks: list[Callable[[Any], Any]] = []
    if kinds & {int, float} and bool not in kinds:
        checks.append(_a_number)
    if kinds & {datetime, AwareDatetime}:
        checks.append(_an_instant)
    if date in kinds:
        checks.append(_a_day if datetime not in kinds else _a_day_text)
    if len(checks) < 2:
        return checks[0] if checks else None

    def every_check(value: Any) -> Any:  # a field of several such types: each in turn
        for check in checks:
            check(value)
        return value

    _CHECKS.add(every_check)
    return every_check


def _iso_day(value: str) -> bool:
    return len(value) == 10 and value[4] == "-" and value[7] == "-"

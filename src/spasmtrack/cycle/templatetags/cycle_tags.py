"""`{% load cycle_tags %}`: `{% cycle_today %}` (the cycle line and "Period today" button
on Today) and `{% cycle_setting %}` (the switch on Settings). Both are one query for a
person who never turned tracking on, and `cycle_today` shows nothing to them."""

from __future__ import annotations

from typing import Any

from django import template

from spasmtrack.accounts.models import Person
from spasmtrack.cycle import services
from spasmtrack.cycle.factors import PHASE_NAMES

register = template.Library()


def today_context(person: Person) -> dict[str, Any]:
    """What `cycle/today.html` shows for a person with tracking on."""
    summary = services.summary_for(person)
    return {
        "on": True,
        "s": summary,
        "phase_name": PHASE_NAMES.get(summary.phase or "", ""),
        "average": round(summary.average_length) if summary.average_length else None,
    }


@register.inclusion_tag("cycle/today.html", takes_context=True)
def cycle_today(context: template.Context) -> dict[str, Any]:
    person = _person(context)
    if person is None or not services.is_enabled(person):
        return {}
    return {**today_context(person), "csrf_token": context.get("csrf_token")}


@register.inclusion_tag("cycle/setting.html", takes_context=True)
def cycle_setting(context: template.Context) -> dict[str, Any]:
    person = _person(context)
    on = person is not None and services.is_enabled(person)
    return {"show": True, "enabled": on, "csrf_token": context.get("csrf_token")} if person else {}


def _person(context: template.Context) -> Any:
    """The signed-in person of the page (None on a page without one)."""
    return getattr(context.get("request"), "person", None)

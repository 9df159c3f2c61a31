"""`{% load measures_tags %}{% pacing_line %}`: the weekly pacing line on the Today page."""

from __future__ import annotations

from typing import Any

from django import template

from spasmtrack.core.measures import BOOM_RATING_POINTS
from spasmtrack.measures.factors import pacing_this_week

register = template.Library()


@register.inclusion_tag("measures/pacing_line.html", takes_context=True)
def pacing_line(context: template.Context) -> dict[str, Any]:
    """ "N days above your usual range this week", for a person with steps imported, or
    else with check-in activity ratings (two queries; nothing at all for everybody else)."""
    request = context.get("request")
    person = getattr(request, "person", None)
    if person is None:
        return {}
    week = pacing_this_week(person, person.today())
    if week is None:
        return {}
    return {"above": week[0], "of": week[1], "by": week[2], "points": BOOM_RATING_POINTS}


@register.inclusion_tag("measures/settings_section.html", takes_context=True)
def weather_setting(context: template.Context) -> dict[str, Any]:
    """The Settings page's "Weather" section: on or off, and the link to change it (one
    query)."""
    from spasmtrack.measures.weather import settings_for

    request = context.get("request")
    person = getattr(request, "person", None)
    if person is None:
        return {}
    return {"weather": settings_for(person), "shown": True}

"""`{% load trials_tags %}{% trial_banner %}`: the experiment banner for the Today page."""

from __future__ import annotations

from typing import Any

from django import template

from spasmtrack.trials.today import today_banner

register = template.Library()


@register.inclusion_tag("trials/today_banner.html", takes_context=True)
def trial_banner(context: template.Context) -> dict[str, Any]:
    """The banner of the signed-in person's running experiment (nothing if there is none)."""
    request = context.get("request")
    person = getattr(request, "person", None)
    if person is None:
        return {}
    return {
        "banner": today_banner(person, person.today()),
        "request": request,
        "csrf_token": context.get("csrf_token"),
    }

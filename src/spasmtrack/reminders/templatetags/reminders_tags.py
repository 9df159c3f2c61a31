"""`{% load reminders_tags %}{% reminders_today %}`: what is due, on the Today page."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.timezone import now

from spasmtrack.reminders.models import ReminderSettings
from spasmtrack.reminders.today import due_for

register = template.Library()


@register.inclusion_tag("reminders/today.html", takes_context=True)
def reminders_today(context: template.Context) -> dict[str, Any]:
    """The signed-in person's due reminders (nothing when off). The experiment question is
    left to the experiment banner, which asks it already."""
    request = context.get("request")
    person = getattr(request, "person", None)
    if person is None:
        return {}
    if not ReminderSettings.objects.filter(person=person, on_today=True).exists():
        return {}
    items = [d for d in due_for(person, now()) if d["kind"] != "experiment"]
    return {"items": items, "scale": range(11), "csrf_token": context.get("csrf_token")}

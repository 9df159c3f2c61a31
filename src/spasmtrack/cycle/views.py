"""The cycle bits of two pages: the on/off switch on Settings and "Period today" on Today.

Both take a POST and go back to their page; the Today button answers htmx with its own
fragment (the same `cycle/today.html` the `{% cycle_today %}` tag renders). A GET just
goes to the page the form lives on.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render

from spasmtrack.accounts.http import AuthenticatedHttpRequest, is_htmx, person_of
from spasmtrack.cycle import services
from spasmtrack.cycle.templatetags.cycle_tags import today_context


@login_required
def cycle_setting(request: AuthenticatedHttpRequest) -> HttpResponse:
    if request.method != "POST":
        return redirect("accounts:settings")
    person = person_of(request)
    on = request.POST.get("enabled") == "on"
    services.set_enabled(person, on)
    if on:
        messages.success(request, "Cycle tracking is on: log your period days on Today.")
    else:
        messages.success(
            request,
            "Cycle tracking is off: nothing about it is shown or used. "
            "The days you logged are kept (they are in your export).",
        )
    return redirect("accounts:settings")


@login_required
def period_today(request: AuthenticatedHttpRequest) -> HttpResponse:
    if request.method != "POST":
        return redirect("diary:today")
    person = person_of(request)
    if not services.is_enabled(person):
        messages.error(request, "Cycle tracking is off: turn it on in Settings first.")
        return redirect("diary:today")
    day = person.today()
    action = request.POST.get("action")
    if action == "log":
        services.log_period_day(person, day)
        said = "Period day logged."
    elif action == "undo":
        services.unlog_period_day(person, day)
        said = "Period day taken back."
    else:
        return HttpResponse("action must be log or undo", status=400)
    if is_htmx(request):
        ctx = today_context(person)
        ctx["said"] = said
        return render(request, "cycle/today.html", ctx)
    messages.success(request, said)
    return redirect("diary:today")

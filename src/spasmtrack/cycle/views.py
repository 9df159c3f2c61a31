"""The cycle bits of two pages: the on/off switch on Settings and "Period today" on Today.

Both take a POST and go back to their page; the Today button answers htmx with its own
fragment (the same `cycle/today.html` the `{% cycle_today %}` tag renders). A GET just
goes to the page the form lives on.

"Period today" goes through the phone's outbox like the other Today buttons
(static/js/outbox.js): tapped with no connection it waits on the phone and is sent later,
with the moment of the tap in `at` (filled in by the outbox), so it counts for the day it
was tapped, not the day it arrives; the outbox's Idempotency-Key makes a resend one day.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render

from spasmtrack.accounts.http import AuthenticatedHttpRequest, is_htmx, person_of
from spasmtrack.cycle import services
from spasmtrack.cycle.templatetags.cycle_tags import today_context
from spasmtrack.diary.forms import PlausibleDateTimeField
from spasmtrack.idempotency import SAVED_FRAGMENT_HEADER


class PeriodTodayForm(forms.Form):
    action = forms.ChoiceField(choices=(("log", "log"), ("undo", "undo")))
    # When it was tapped (blank: now). The outbox fills it in as the tap happens.
    at = PlausibleDateTimeField(required=False)


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
    form = PeriodTodayForm(request.POST)
    if not form.is_valid():
        if "action" in form.errors:
            return HttpResponse("action must be log or undo", status=400)
        return HttpResponse(" ".join(map(str, form.errors["at"])), status=400)
    at = form.cleaned_data["at"]
    day = person.local_date(at) if at is not None else person.today()
    on = "" if day == person.today() else f" for {day:%A} {day.day} {day:%B}"
    if form.cleaned_data["action"] == "log":
        services.log_period_day(person, day)
        said = f"Period day logged{on}."
    else:
        services.unlog_period_day(person, day)
        said = f"Period day taken back{on}."
    if is_htmx(request):
        ctx = today_context(person)
        ctx["said"] = said
        response = render(request, "cycle/today.html", ctx)
        response[SAVED_FRAGMENT_HEADER] = "1"  # for the phone's outbox: this means "saved"
        return response
    messages.success(request, said)
    return redirect("diary:today")

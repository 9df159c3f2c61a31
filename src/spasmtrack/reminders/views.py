"""Reminder pages: settings, the one-tap "pain now", the calendar file, and the local CA page."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.timezone import now
from django.views.decorators.http import require_POST

from spasmtrack.accounts.http import AuthenticatedHttpRequest, person_of
from spasmtrack.accounts.owned import owned_or_404
from spasmtrack.diary.entries import RESOURCES, EntryError, entries_for, update_entry
from spasmtrack.reminders import calendar as cal
from spasmtrack.reminders.forms import ReminderSettingsForm
from spasmtrack.reminders.models import Delivery, ReminderSettings
from spasmtrack.reminders.scheduler import TEST_KIND

PAIN_SCALE = range(11)


@login_required
def settings_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    """What to be reminded of, when, and how. Saving the first time sets up reminders."""
    person = person_of(request)
    current = ReminderSettings.for_person(person)
    form = ReminderSettingsForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        row = form.save(commit=False)
        row.updated = now()
        row.save()
        messages.success(request, "Reminders saved.")
        return redirect("reminders:settings")
    from spasmtrack.reminders.channels import vapid_public_key

    ctx = {
        "form": form,
        "saved": current.pk is not None,
        "devices": list(person.push_subscriptions.order_by("created")),
        "vapid_key": vapid_public_key(),
        "secure": request.is_secure() or request.get_host().split(":")[0] in LOCAL_HOSTS,
        "recent": list(Delivery.objects.filter(person=person).order_by("-due_at", "-id")[:10]),
    }
    return render(request, "reminders/settings.html", ctx)


LOCAL_HOSTS = ("localhost", "127.0.0.1", "[::1]")


@login_required
@require_POST
def send_test(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Queue a test reminder on each channel that is on; the next tick (within seconds under
    `serve`, or `spasmtrack reminders`) sends it through the same path as real ones."""
    person = person_of(request)
    row = ReminderSettings.objects.filter(person=person).first()
    channels = [
        c for c, on in (("push", row and row.by_push), ("email", row and row.by_email)) if on
    ]
    if not channels:
        messages.error(request, "Turn on notifications or e-mail first, then save.")
        return redirect("reminders:settings")
    t, key = now(), f"test:{uuid.uuid4().hex[:12]}"
    for c in channels:
        Delivery.objects.create(
            person=person,
            key=key,
            kind=TEST_KIND,
            channel=c,
            due_at=t,
            until=t + timedelta(hours=1),
            title="Test reminder",
            body="Reminders reach you here.",
            url="/reminders/",
        )
    messages.success(request, "Test reminder queued: it should arrive within a minute.")
    return redirect("reminders:settings")


@login_required
def pain_after(request: AuthenticatedHttpRequest, code: uuid.UUID) -> HttpResponse:
    """ "How is your pain now?" for one logged treatment: one tap on 0-10 saves the pain after."""
    person = person_of(request)
    res = RESOURCES["treatment-logs"]
    entry = owned_or_404(person, entries_for(person, res), code)
    error = ""
    if request.method == "POST":
        raw = request.POST.get("pain_after", "")
        if not raw.isdigit() or int(raw) not in PAIN_SCALE:
            error = "Choose a number from 0 to 10."
        else:
            try:
                update_entry(person, res, entry, {"pain_after": int(raw)})
            except EntryError as e:
                error = e.message
            else:
                messages.success(request, f"Saved: {entry.summary()}")
                return redirect("diary:today")
    ctx = {"entry": entry, "scale": PAIN_SCALE, "error": error}
    return render(request, "reminders/pain_after.html", ctx, status=422 if error else 200)


@login_required
def calendar(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The person's reminders as a calendar file with alarms (VALARM)."""
    person = person_of(request)
    row = ReminderSettings.objects.filter(person=person).first()
    if row is None or not row.in_calendar:
        raise Http404("Calendar alarms are off (turn them on in Reminders)")
    text = cal.reminders_ics(person, row, now())
    resp = HttpResponse(text, content_type="text/calendar; charset=utf-8")
    resp["Content-Disposition"] = 'attachment; filename="spasmtrack-reminders.ics"'
    return resp


def https_page(request: HttpRequest) -> HttpResponse:
    """How to make a phone trust this server's local certificate authority (public: the phone
    needs it before signing in; a CA certificate holds no secret)."""
    from spasmtrack.reminders import tls

    ca = tls.existing_ca()
    ctx: dict[str, Any] = {"ca": ca is not None}
    if ca is not None:
        ctx["fingerprint"] = tls.fingerprint(ca)
    return render(request, "reminders/https.html", ctx)


def ca_certificate(request: HttpRequest) -> HttpResponse:
    from spasmtrack.reminders import tls

    ca = tls.existing_ca()
    if ca is None:
        raise Http404("No local certificate authority (start with: spasmtrack serve --https)")
    resp = HttpResponse(tls.ca_der(ca), content_type="application/x-x509-ca-cert")
    resp["Content-Disposition"] = 'attachment; filename="spasmtrack-ca.crt"'
    return resp

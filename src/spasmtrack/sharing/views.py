"""Share links. `/share-links/`: the patient makes, sees and revokes them. `/s/<token>/`: the
read-only summary anybody with the link opens without an account (and its PDF).

Every open of a link is in the patient's access log. The token is in the address, so the
public pages send no Referer, are never cached, and ask search engines not to index them.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from spasmtrack.accounts import audit
from spasmtrack.accounts.http import AuthenticatedHttpRequest, person_of
from spasmtrack.sharing import services
from spasmtrack.sharing.forms import PinForm, ShareForm
from spasmtrack.sharing.models import ShareLink

NEW_TOKEN_KEY = "sharing:new-token"


def _until_text(link: ShareLink) -> str:
    at = link.expires_at.astimezone(link.person.zone)
    return f"{at.day} {at:%B %Y, %H:%M} ({link.person.tz})"


@login_required
def links(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The person's share links; a new one is shown once with its QR code."""
    person = person_of(request)
    form = ShareForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            link, token = services.create_link(person, d["days"], d["pin"], d["label"], request)
        except services.ShareRefused as e:
            form.add_error(e.field if e.field in form.fields else None, e.message)
        else:
            # The token is stored nowhere: keep it in the session for the one page after
            # the redirect, so a reload cannot make a second link.
            request.session[NEW_TOKEN_KEY] = [str(link.code), token]
            return redirect("sharing:links")
    new = None
    if pending := request.session.pop(NEW_TOKEN_KEY, None):
        made = ShareLink.objects.for_person(person).filter(code=pending[0]).first()
        if made is not None:
            url = services.url_for(pending[1], request)
            new = {"link": made, "url": url, "qr": services.qr_svg(url), "until": _until_text(made)}
    rows = [(link, _until_text(link)) for link in services.links_of(person)]
    return render(request, "sharing/links.html", {"form": form, "new": new, "rows": rows})


@login_required
@require_POST
def revoke(request: AuthenticatedHttpRequest, code: Any) -> HttpResponse:
    person = person_of(request)
    link = get_object_or_404(ShareLink.objects.for_person(person), code=code)
    if services.revoke_link(person, link, request):
        messages.success(request, f"Link {link.short} no longer works.")
    return redirect("sharing:links")


def _public(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Rate limit, find the link, refuse ended ones with a clear page, ask for the PIN."""

    @wraps(view)
    def wrapper(request: HttpRequest, token: str) -> HttpResponse:
        resp = _gate(request, token, view)
        resp["Referrer-Policy"] = "no-referrer"
        resp["Cache-Control"] = "no-store"
        resp["X-Robots-Tag"] = "noindex, nofollow"
        return resp

    return wrapper


def _gone(request: HttpRequest, status: int, **ctx: Any) -> HttpResponse:
    return render(request, "sharing/gone.html", ctx, status=status)


def _gate(request: HttpRequest, token: str, view: Callable[..., HttpResponse]) -> HttpResponse:
    if services.over_rate_limit(audit.client_ip(request)):
        resp = _gone(request, 429, why="busy")
        resp["Retry-After"] = str(int(services.RATE_WINDOW.total_seconds()))
        return resp
    link = ShareLink.for_token(token) if len(token) <= 64 else None
    if link is None or not link.person.user.is_active:
        return _gone(request, 404, why="unknown")
    if link.state != "live":
        when = link.revoked_at if link.state == "revoked" else link.expires_at
        assert when is not None
        at = when.astimezone(link.person.zone)
        return _gone(request, 410, why=link.state, when=f"{at.day} {at:%B %Y, %H:%M}")
    unlocked = request.session.get(f"sharing:{link.code}") is True
    if link.has_pin and not unlocked:
        return _pin(request, token, link)
    return view(request, link)


def _pin(request: HttpRequest, token: str, link: ShareLink) -> HttpResponse:
    form = PinForm(request.POST or None)
    ctx = {"form": form, "until": _until_text(link), "locked": link.pin_locked()}
    if ctx["locked"]:
        return render(request, "sharing/pin.html", ctx, status=429)
    if request.method == "POST" and form.is_valid():
        if link.check_pin(form.cleaned_data["pin"]):
            request.session.cycle_key()
            request.session[f"sharing:{link.code}"] = True
            return redirect(request.path)
        audit.record(None, link.person, audit.SHARE_PIN_FAILED, request, f"link {link.short}")
        ctx["locked"] = link.pin_locked()
        form.add_error("pin", "That PIN is not right.")
        return render(request, "sharing/pin.html", ctx, status=429 if ctx["locked"] else 403)
    return render(request, "sharing/pin.html", ctx)


@_public
def open_link(request: HttpRequest, link: ShareLink) -> HttpResponse:
    """The read-only summary of the last 90 days, with the report to download."""
    if request.method not in ("GET", "HEAD", "POST"):
        raise Http404
    summary = services.summary_for(link)
    services.record_open(link, "summary page", request)
    ctx = {"link": link, "until": _until_text(link), "s": summary, "r": summary.report}
    return render(request, "sharing/open.html", ctx)


@_public
def open_report(request: HttpRequest, link: ShareLink) -> HttpResponse:
    """The clinician PDF of the same period."""
    from spasmtrack.reports.pdf import render_pdf

    summary = services.summary_for(link)
    pdf = render_pdf(summary.report)
    services.record_open(link, "report PDF", request)
    resp = HttpResponse(pdf, content_type="application/pdf")
    name = f"spasmtrack-report-{summary.start}-{summary.end}.pdf"
    resp["Content-Disposition"] = f'attachment; filename="{name}"'
    return resp

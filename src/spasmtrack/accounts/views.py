from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from spasmtrack.accounts import totp
from spasmtrack.accounts.forms import (
    DayStartForm,
    ProfileForm,
    SetupForm,
    TimeZoneForm,
    TokenForm,
    TotpForm,
    machine_tz,
)
from spasmtrack.accounts.http import AuthenticatedHttpRequest, person_of
from spasmtrack.accounts.models import ApiToken, Person


def setup(request: HttpRequest) -> HttpResponse:
    """First run: create the local account. Closed once an account exists."""
    if User.objects.exists():
        return redirect("diary:today")
    form = SetupForm(request.POST or None, initial={"tz": machine_tz()})
    if request.method == "POST" and form.is_valid():
        user = form.save()
        Person.objects.create(user=user, tz=form.cleaned_data["tz"])
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return redirect("diary:today")
    return render(request, "accounts/setup.html", {"form": form})


@login_required
def settings_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    person = person_of(request)
    # Three forms post here: the day-start form sends `day_start`, the others name themselves.
    posted = request.POST if request.method == "POST" else None
    if posted is None:
        which = ""
    elif "day_start" in posted:
        which = "day"
    else:
        which = posted.get("form", "tz")
    tz_form = TimeZoneForm(posted if which == "tz" else None, instance=person)
    day_form = DayStartForm(posted if which == "day" else None, instance=person)
    profile_form = ProfileForm(posted if which == "profile" else None, instance=person)
    if which == "day" and day_form.is_valid():
        day_form.save()
        start = f"{person.day_start:%H:%M}"
        messages.success(
            request,
            f"Saved: your day starts at {start}. Entries already saved keep their day.",
        )
        return redirect("accounts:settings")
    if which == "tz" and tz_form.is_valid():
        tz_form.save()
        messages.success(request, "Time zone saved.")
        return redirect("accounts:settings")
    if which == "profile" and profile_form.is_valid():
        profile_form.save()
        messages.success(request, "Name and date of birth saved.")
        return redirect("accounts:settings")
    ctx = {
        "tz_form": tz_form,
        "day_form": day_form,
        "profile_form": profile_form,
        "token_form": TokenForm(),
        "tokens": person.tokens.order_by("-created"),
        "new_token": request.session.pop("new_token", None),
        "has_totp": totp.confirmed_device(request.user) is not None,
        "person": person,
    }
    return render(request, "accounts/settings.html", ctx)


@login_required
@require_POST
def create_token(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = TokenForm(request.POST)
    if form.is_valid():
        _, secret = ApiToken.issue(person_of(request), form.cleaned_data["name"])
        # Shown once on the next page, then forgotten: only the hash is stored.
        request.session["new_token"] = secret
    return redirect("accounts:settings")


@login_required
@require_POST
def revoke_token(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    person = person_of(request)
    get_object_or_404(ApiToken, person=person, code=code).delete()
    messages.success(request, "Token revoked.")
    return redirect("accounts:settings")


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or "/"
    ok = url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure())
    return target if ok else "/"


@login_required
def two_factor(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Confirm a TOTP code: enrol an authenticator app first if the account has none."""
    device = totp.confirmed_device(request.user)
    enrolling = device is None
    if device is None:
        device = totp.pending_device(request.user)
    form = TotpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if totp.verify(request, device, form.cleaned_data["token"]):
            if enrolling:
                messages.success(request, "Two-step sign-in is on for your account.")
            return redirect(_safe_next(request))
        form.add_error("token", "That code did not match. Check the time on your phone.")
    ctx = {
        "form": form,
        "enrolling": enrolling,
        "secret": _base32(device.bin_key) if enrolling else "",
        "otpauth": device.config_url if enrolling else "",
        "next": _safe_next(request),
        "required": totp.needs_second_factor(request, person_of(request)),
    }
    return render(request, "accounts/two_factor.html", ctx)


def _base32(key: bytes) -> str:
    """The key as authenticator apps take it when typed in (RFC 4648 base32, grouped by 4)."""
    from base64 import b32encode

    text = b32encode(key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))

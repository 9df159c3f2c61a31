from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from spasmtrack.accounts.forms import SetupForm, TimeZoneForm, TokenForm, machine_tz
from spasmtrack.accounts.http import AuthenticatedHttpRequest
from spasmtrack.accounts.models import ApiToken, Person


def setup(request: HttpRequest) -> HttpResponse:
    """First run: create the local account. Closed once an account exists."""
    if User.objects.exists():
        return redirect("diary:today")
    form = SetupForm(request.POST or None, initial={"tz": machine_tz()})
    if request.method == "POST" and form.is_valid():
        user = form.save()
        Person.objects.create(user=user, tz=form.cleaned_data["tz"])
        login(request, user)
        return redirect("diary:today")
    return render(request, "accounts/setup.html", {"form": form})


@login_required
def settings_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    person = Person.objects.for_user(request.user)
    tz_form = TimeZoneForm(request.POST or None, instance=person)
    if request.method == "POST" and tz_form.is_valid():
        tz_form.save()
        messages.success(request, "Time zone saved.")
        return redirect("accounts:settings")
    ctx = {
        "tz_form": tz_form,
        "token_form": TokenForm(),
        "tokens": person.tokens.order_by("-created"),
        "new_token": request.session.pop("new_token", None),
    }
    return render(request, "accounts/settings.html", ctx)


@login_required
@require_POST
def create_token(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = TokenForm(request.POST)
    if form.is_valid():
        _, secret = ApiToken.issue(Person.objects.for_user(request.user), form.cleaned_data["name"])
        # Shown once on the next page, then forgotten: only the hash is stored.
        request.session["new_token"] = secret
    return redirect("accounts:settings")


@login_required
@require_POST
def revoke_token(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    person = Person.objects.for_user(request.user)
    get_object_or_404(ApiToken, person=person, code=code).delete()
    messages.success(request, "Token revoked.")
    return redirect("accounts:settings")

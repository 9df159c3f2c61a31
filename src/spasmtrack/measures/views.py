"""Pages of the measurements: charts of every daily measurement, and the online weather
settings with its "Fetch weather now" button (the only page that may use the network, and
only when the person saves a place name or presses the button)."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from spasmtrack.accounts.http import AuthenticatedHttpRequest, person_of
from spasmtrack.cycle.services import is_enabled as cycle_enabled
from spasmtrack.cycle.services import logged_days
from spasmtrack.measures.charts import charts_for
from spasmtrack.measures.factors import activity_ratings, daily_values
from spasmtrack.measures.forms import WeatherSettingsForm
from spasmtrack.measures.weather import (
    SettingsError,
    WeatherError,
    fetch_weather,
    save_settings,
    settings_for,
    switched_on_line,
    what_is_sent,
)

RANGES = (("30", "30 days"), ("90", "90 days"), ("365", "1 year"), ("1825", "5 years"))
DEFAULT_RANGE = "90"


@login_required
def charts_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Each daily measurement (sleep, steps, heart rate, weather…) over the chosen days."""
    person = person_of(request)
    chosen = request.GET.get("days", DEFAULT_RANGE)
    if chosen not in dict(RANGES):
        chosen = DEFAULT_RANGE
    last = person.today()
    first = last - timedelta(days=int(chosen) - 1)
    values = daily_values(person, first, last)
    activity = activity_ratings(person, first, last)  # the check-in's 0-10 rating
    period = [d for d in logged_days(person) if first <= d <= last] if cycle_enabled(person) else []
    # From the first day with a value: no empty stretch before the measurements began.
    starts = [min(series) for series in (*values.values(), activity, period) if series]
    first = min(starts, default=first)
    charts = charts_for(values, first, last, activity=activity, period_days=period)
    ctx = {
        "charts": charts,
        "ranges": RANGES,
        "chosen": chosen,
        "first": first,
        "last": last,
        "weather": settings_for(person),
    }
    return render(request, "measures/charts.html", ctx)


@login_required
def weather_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Online weather: off until switched on here with a place."""
    person = person_of(request)
    settings = settings_for(person)
    # Coordinates are typed afresh (the saved ones show beside the form), so a new place
    # name is looked up rather than hidden by the old coordinates.
    initial = {"enabled": settings.enabled, "place": settings.place}
    if request.method == "POST":
        form = WeatherSettingsForm(request.POST, initial=initial)
        if form.is_valid():
            try:
                save_settings(settings, form.cleaned_data)
            except SettingsError as e:
                form.add_error(e.field, e.message)
            else:
                messages.success(request, switched_on_line(settings))
                return redirect("measures:weather")
    else:
        form = WeatherSettingsForm(initial=initial)
    ctx = {"form": form, "settings": settings, "sent": what_is_sent(settings)}
    return render(request, "measures/weather.html", ctx)


@login_required
@require_POST
def fetch_now(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Fetch the weather since the last fetch (or the last 90 days) now."""
    person = person_of(request)
    try:
        summary = fetch_weather(person)
    except WeatherError as e:
        messages.error(request, f"No weather fetched: {e}. Nothing was changed.")
    else:
        messages.success(request, summary.line())
    return redirect("measures:weather")

"""Pages of the measurements: charts of every daily measurement, and the online weather
settings with its "Fetch weather now" button (the only page that may use the network, and
only when the person saves a place name or presses the button)."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.timezone import now
from django.views.decorators.http import require_POST

from spasmtrack.accounts.http import AuthenticatedHttpRequest, person_of
from spasmtrack.measures.charts import charts_for
from spasmtrack.measures.factors import daily_values
from spasmtrack.measures.forms import WeatherSettingsForm
from spasmtrack.measures.models import WeatherSettings
from spasmtrack.measures.weather import (
    WeatherError,
    fetch_weather,
    find_places,
    settings_for,
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
    # From the first day with a value: no empty stretch before the measurements began.
    first = min((min(series) for series in values.values() if series), default=first)
    charts = charts_for(values, first, last)
    ctx = {
        "charts": charts,
        "ranges": RANGES,
        "chosen": chosen,
        "first": first,
        "last": last,
        "weather": settings_for(person),
    }
    return render(request, "measures/charts.html", ctx)


def _save(
    request: AuthenticatedHttpRequest, settings: WeatherSettings, form: WeatherSettingsForm
) -> bool:
    """Apply a valid form; False (with the error on the form) when the place is not found."""
    data = form.cleaned_data
    place = " ".join((data.get("place") or "").split())
    settings.enabled = bool(data["enabled"])
    if data.get("latitude") is not None:
        settings.latitude, settings.longitude = data["latitude"], data["longitude"]
        settings.place = place or f"{settings.latitude:.1f}, {settings.longitude:.1f}"
    elif place and settings.enabled and (place != settings.place or settings.latitude is None):
        # The one moment a place name leaves the machine: switched on, and a new name.
        try:
            found = find_places(place)
        except WeatherError as e:
            form.add_error("place", str(e))
            return False
        if not found:
            form.add_error(
                "place",
                f"No place called “{place}” found: check the spelling, or type its "
                "latitude and longitude instead.",
            )
            return False
        settings.place = found[0].name
        settings.latitude, settings.longitude = found[0].latitude, found[0].longitude
    elif place and place != settings.place:
        settings.place = place  # kept as typed; looked up once weather is switched on
        settings.latitude = settings.longitude = None
    if settings.enabled and settings.latitude is None:
        form.add_error("place", "Give a place, or its latitude and longitude.")
        return False
    settings.updated = now()
    settings.save()
    return True


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
        if form.is_valid() and _save(request, settings, form):
            if settings.enabled:
                at = f"{settings.latitude:.1f}, {settings.longitude:.1f}"
                where = settings.place if settings.place == at else f"{settings.place} ({at})"
                messages.success(request, f"Online weather is on for {where}.")
            else:
                messages.success(request, "Online weather is off: nothing is sent.")
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

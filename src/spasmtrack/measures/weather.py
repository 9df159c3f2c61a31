"""Online weather: the only part of Spasmtrack that uses the network, and only when the person
turned it on (the Weather page, /measures/weather/) and gave a place.

`fetch_weather` asks Open-Meteo (`core.formats.open_meteo`: rounded coordinates, a date range, the
five daily values) and stores the answer as daily metrics of the source "open-meteo",
all or nothing: every request is answered and read before anything is written, then one
`store_values` (so a second fetch of the same days changes nothing, and a forecast day is
replaced by the archive's value later). `find_places` looks a place name up.

Every request goes through `open_url(url, timeout) -> bytes`; tests pass their own (recorded
answers), so no test touches the network.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils.timezone import now

from spasmtrack.accounts.models import Person
from spasmtrack.core.formats import open_meteo
from spasmtrack.core.measures import MeasureError
from spasmtrack.diary.entries import EntryError
from spasmtrack.exchange.limits import ImportRefused
from spasmtrack.measures.models import DailyMetric, Source, WeatherSettings
from spasmtrack.measures.services import StoreSummary, store_values

TIMEOUT = 20.0  # seconds per request
MAX_ANSWER = 8 * 1024 * 1024  # 20 years of five daily values is about 1 MB
FIRST_FETCH_DAYS = 90  # with nothing fetched yet and no --since: the last 90 days
REFRESH_DAYS = open_meteo.ARCHIVE_LAG_DAYS  # fetch again: from a week before the last day

Opener = Callable[[str, float], bytes]


class WeatherError(Exception):
    """A fetch that did not happen or failed; the message is one line for the person, and
    nothing was changed."""


def open_url(url: str, timeout: float) -> bytes:
    """GET `url` with the standard library; the answer's body (at most MAX_ANSWER bytes).

    An HTTP error answer's body is returned too when it is Open-Meteo's JSON error
    ({"error": true, "reason": …}), so its reason can be shown. No extra headers: the
    request says nothing about who asks beyond what any HTTP request shows."""
    request = urllib.request.Request(url, headers={"Accept": "application/json"})
    host = urllib.parse.urlsplit(url).hostname
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:  # noqa: S310 - https only
            body: bytes = answer.read(MAX_ANSWER + 1)
    except urllib.error.HTTPError as e:
        body = e.read(64 * 1024) if e.fp is not None else b""
        if b'"reason"' in body:
            return body
        raise WeatherError(f"{host} answered HTTP {e.code} ({e.reason})") from None
    except (urllib.error.URLError, TimeoutError, OSError) as e:
        why = getattr(e, "reason", None) or e
        raise WeatherError(
            f"could not reach {host} ({why}); check the internet connection"
        ) from None
    if len(body) > MAX_ANSWER:
        raise WeatherError(f"{host} sent more than {MAX_ANSWER:,} bytes")
    return body


def _json(body: bytes, url: str) -> Any:
    try:
        return json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        host = urllib.parse.urlsplit(url).hostname
        raise WeatherError(f"{host} sent something that is not JSON") from None


def settings_for(person: Person) -> WeatherSettings:
    """The person's weather settings (off, no place, until they change them); not saved."""
    found = WeatherSettings.objects.filter(person=person).first()
    return found if found is not None else WeatherSettings(person=person)


class SettingsError(EntryError):
    """Weather settings refused (`field`, `message`): the page shows it on the field, the
    API answers a field-level 422; nothing is saved."""


def save_settings(settings: WeatherSettings, data: Mapping[str, Any]) -> WeatherSettings:
    """Apply the cleaned settings form (`WeatherSettingsForm.cleaned_data`: on/off, a place
    name, coordinates already rounded to 0.1°) and save; SettingsError changes nothing.

    Given coordinates win over a name; a new name is looked up (the one moment it leaves the
    machine) only when weather is on, and kept as typed while it is off. No place given keeps
    the saved one. Weather cannot be on without a place."""
    place = " ".join((data.get("place") or "").split())
    enabled = bool(data.get("enabled"))
    changed: dict[str, Any] = {"enabled": enabled}
    if data.get("latitude") is not None:
        lat, lon = data["latitude"], data["longitude"]
        changed |= {"latitude": lat, "longitude": lon, "place": place or f"{lat:.1f}, {lon:.1f}"}
    elif place and enabled and (place != settings.place or settings.latitude is None):
        try:
            found = find_places(place)
        except WeatherError as e:
            raise SettingsError("place", str(e)) from None
        if not found:
            raise SettingsError(
                "place",
                f"No place called “{place}” found: check the spelling, or type its "
                "latitude and longitude instead.",
            )
        best = found[0]
        changed |= {"place": best.name, "latitude": best.latitude, "longitude": best.longitude}
    elif place and place != settings.place:
        # kept as typed; looked up once weather is switched on
        changed |= {"place": place, "latitude": None, "longitude": None}
    if enabled and changed.get("latitude", settings.latitude) is None:
        raise SettingsError("place", "Give a place, or its latitude and longitude.")
    for name, value in changed.items():
        setattr(settings, name, value)
    settings.updated = now()
    settings.save()
    return settings


def switched_on_line(settings: WeatherSettings) -> str:
    """What the page says after saving: on for where, or off."""
    if not settings.enabled:
        return "Online weather is off: nothing is sent."
    at = f"{settings.latitude:.1f}, {settings.longitude:.1f}"
    where = settings.place if settings.place == at else f"{settings.place} ({at})"
    return f"Online weather is on for {where}."


def find_places(name: str, opener: Opener | None = None) -> list[open_meteo.Place]:
    """Places called `name` (best first), from Open-Meteo's place search; WeatherError when
    the name is unusable or the search fails."""
    try:
        url = open_meteo.places_url(name)
    except MeasureError as e:
        raise WeatherError(e.reason) from None
    body = (opener or open_url)(url, TIMEOUT)
    try:
        return open_meteo.places(_json(body, url), name)
    except MeasureError as e:
        raise WeatherError(e.reason) from None


def default_since(person: Person, today: date) -> date:
    """With no --since: a week before the newest fetched day (the forecast's days are then
    fetched again from the archive), else the last FIRST_FETCH_DAYS days."""
    last = (
        DailyMetric.objects.filter(person=person, source=Source.OPEN_METEO)
        .order_by("-local_date")
        .values_list("local_date", flat=True)
        .first()
    )
    if last is not None:
        return min(last, today) - timedelta(days=REFRESH_DAYS)
    return today - timedelta(days=FIRST_FETCH_DAYS - 1)


def fetch_weather(
    person: Person,
    since: date | None = None,
    until: date | None = None,
    opener: Opener | None = None,
) -> StoreSummary:
    """Fetch and store the daily weather of [since, until] (defaults: `default_since`, today)
    at the person's place. WeatherError (nothing written) when online weather is off, the
    range is wrong, the network fails or an answer cannot be read."""
    settings = settings_for(person)
    if not settings.enabled:
        raise WeatherError(
            "online weather is off: turn it on on the Weather page (/measures/weather/) first"
        )
    if settings.latitude is None or settings.longitude is None:
        raise WeatherError(
            "no place for the weather yet: choose one on the Weather page (/measures/weather/)"
        )
    today = person.today()
    until = until or today
    since = since or default_since(person, today)
    try:
        urls = open_meteo.weather_urls(settings.latitude, settings.longitude, since, until, today)
    except MeasureError as e:
        raise WeatherError(e.reason) from None
    values = []
    for url in urls:  # every answer read before anything is stored: all or nothing
        body = (opener or open_url)(url, TIMEOUT)
        try:
            values += open_meteo.daily_values(_json(body, url))
        except MeasureError as e:
            host = urllib.parse.urlsplit(url).hostname
            raise WeatherError(f"{host}: {e.reason}") from None
    # The forecast answer may repeat a day of the archive's; the archive's (first) counts.
    seen: set[tuple[date, str]] = set()
    unique = []
    for v in values:
        if (v.day, v.metric) not in seen and since <= v.day <= until:
            seen.add((v.day, v.metric))
            unique.append(v)
    if not unique:
        raise WeatherError(f"Open-Meteo has no weather for {since} to {until} at this place yet")
    try:
        with transaction.atomic():
            summary = store_values(
                person, ((None, v) for v in unique), Source.OPEN_METEO, "Open-Meteo"
            )
            settings.fetched_at = now()
            settings.save(update_fields=["fetched_at"])
    except ImportRefused as e:
        raise WeatherError(str(e)) from None
    return summary


def what_is_sent(settings: WeatherSettings) -> str:
    """The one sentence of exactly what a fetch sends, for the page and the command."""
    where = (
        f"{settings.latitude:.1f}, {settings.longitude:.1f}"
        if settings.latitude is not None and settings.longitude is not None
        else "your place rounded to 0.1° (about 10 km)"
    )
    return (
        f"Each fetch sends only the rounded coordinates ({where}), the first and last day, "
        "and the list of the five daily values wanted (not even your time zone) to "
        "archive-api.open-meteo.com and api.open-meteo.com; like any web request it also "
        "shows them this computer's internet address. Nothing from your diary is sent."
    )

"""What the share pages, the API and the CLI share: create, list, revoke, open a link."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils.timezone import now

from spasmtrack.accounts import audit
from spasmtrack.accounts.models import Person
from spasmtrack.sharing.models import DEFAULT_DAYS, MAX_DAYS, ShareHit, ShareLink

PIN_RE = re.compile(r"[0-9]{4,12}")
RATE_HITS = 60  # requests to share URLs from one address ...
RATE_WINDOW = timedelta(minutes=10)  # ... in this window, then 429 until it slides on
MAX_LIVE_LINKS = 50


class ShareRefused(ValueError):
    """A link that cannot be made as asked (field, message)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def check_days(days: int) -> None:
    if not 1 <= days <= MAX_DAYS:
        raise ShareRefused("days", f"choose 1 to {MAX_DAYS} days")


def check_pin(pin: str) -> None:
    if pin and not PIN_RE.fullmatch(pin):
        raise ShareRefused("pin", "a PIN is 4 to 12 digits")


@transaction.atomic
def create_link(
    person: Person,
    days: int = DEFAULT_DAYS,
    pin: str = "",
    label: str = "",
    request: HttpRequest | None = None,
) -> tuple[ShareLink, str]:
    """A new link and its token (shown once); audited. Nothing is written on bad input."""
    check_days(days)
    check_pin(pin)
    if len(label) > 100:
        raise ShareRefused("label", "at most 100 characters")
    if ShareLink.objects.for_person(person).live().count() >= MAX_LIVE_LINKS:
        raise ShareRefused("days", f"you have {MAX_LIVE_LINKS} live links: revoke some first")
    link, token = ShareLink.issue(person, days, pin, label.strip())
    where = "from the command line" if request is None else "from the app"
    detail = f"link {link.short}, {days} days" + (", PIN" if pin else "") + f", {where}"
    audit.record(person, person, audit.SHARE_CREATE, request, detail)
    return link, token


def links_of(person: Person) -> Any:
    """All of the person's links, newest first."""
    return ShareLink.objects.for_person(person).order_by("-created", "-id")


def find_link(person: Person, code: str) -> ShareLink | None:
    """The person's link by full code or its first eight characters (CLI); None otherwise."""
    code = code.strip().lower()
    qs = links_of(person)
    if len(code) == 36:
        return qs.filter(code=code).first() if _is_uuid(code) else None
    if len(code) >= 8 and re.fullmatch(r"[0-9a-f-]+", code):
        found = [link for link in qs if str(link.code).startswith(code)]
        return found[0] if len(found) == 1 else None
    return None


def _is_uuid(text: str) -> bool:
    return re.fullmatch(r"[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}", text) is not None


def revoke_link(person: Person, link: ShareLink, request: HttpRequest | None = None) -> bool:
    """End a live link at once; False when it had already ended."""
    if link.person_id != person.pk or link.state != "live":
        return False
    link.revoke()
    audit.record(person, person, audit.SHARE_REVOKE, request, f"link {link.short}")
    return True


def url_for(token: str, request: HttpRequest | None = None) -> str:
    """The full address of the link: the host the browser used, or SITE_URL (CLI)."""
    path = reverse("sharing:open", args=[token])
    return request.build_absolute_uri(path) if request is not None else settings.SITE_URL + path


def qr_svg(url: str) -> str:
    """The link as an inline SVG QR code (error correction M, scales with its box)."""
    import segno

    svg: str = segno.make(url, error="m").svg_inline(
        scale=1, border=2, omitsize=True, title="QR code of the share link"
    )
    return svg


def qr_terminal(url: str) -> str:
    """The link as a QR code drawn with block characters, for a terminal."""
    import io

    import segno

    out = io.StringIO()
    segno.make(url, error="m").terminal(out=out, compact=True, border=2)
    return out.getvalue()


def over_rate_limit(ip: str | None) -> bool:
    """Count this request; True when its address sent more than RATE_HITS in RATE_WINDOW.

    Counted in the database so every worker shares the limit; unknown tokens count too, so
    the limit also slows anybody trying tokens (who could not find one anyway: 192 bits).
    """
    cutoff = now() - RATE_WINDOW
    ShareHit.objects.filter(at__lt=cutoff).delete()
    ShareHit.objects.create(ip=ip)
    return ShareHit.objects.filter(ip=ip, at__gte=cutoff).count() > RATE_HITS


@dataclass(frozen=True)
class Summary:
    """What the read-only page shows: the report's figures for the default period."""

    start: date
    end: date
    report: Any  # reports.summary.Report
    figures: list[tuple[str, str]]  # (what, value) for the headline table


def _figures(report: Any) -> list[tuple[str, str]]:
    """The headline numbers, each with its own wording when there is nothing to show."""
    from spasmtrack.reports.summary import CHECKIN_ITEMS

    weeks = report.rate_days / 7  # the days tracked, not the whole period
    rows = [
        ("Spasms", f"{report.spasms} ({report.spasms / weeks:.1f} a week)"),
        ("Twitches", f"{report.twitches} ({report.twitches / weeks:.1f} a week)"),
        (
            "Mean spasm intensity (0-10)",
            f"{report.spasm_intensity:.1f}" if report.spasm_intensity is not None else "no spasms",
        ),
        ("Days with a check-in", f"{report.checkin_days} of {report.tracked_days or report.days}"),
        ("History", report.history_text),
    ]
    for item, label in CHECKIN_ITEMS:
        values = [w.checkins.get(item) for w in report.weeks]
        got = [v for v in values if v is not None]
        if got:
            rows.append((f"{label}, mean of weekly means (0-10)", f"{sum(got) / len(got):.1f}"))
    return rows


def summary_for(link: ShareLink) -> Summary:
    from spasmtrack.reports.data import collect, default_period

    person = link.person
    start, end = default_period(person.today())
    report = collect(person, start, end, made_on=person.today())
    return Summary(start, end, report, _figures(report))


def record_open(link: ShareLink, what: str, request: HttpRequest) -> None:
    link.opened()
    detail = f"link {link.short}" + (f" ({link.label})" if link.label else "") + f": {what}"
    audit.record(None, link.person, audit.SHARE_OPEN, request, detail)

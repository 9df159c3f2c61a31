"""Pages: the referred-pain finder, "I found a tender spot here", and TrP tracking."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import get_template
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from pydantic import ValidationError

from spasmtrack.accounts.http import AuthenticatedHttpRequest
from spasmtrack.accounts.models import Person
from spasmtrack.core.muscles import Muscle, all_muscles, for_side
from spasmtrack.core.referral import Candidate
from spasmtrack.core.regions import groups
from spasmtrack.diary.entries import RESOURCES, EntryError, entries_for, get_entry_for_person
from spasmtrack.trigger_points.finder import (
    find_for,
    region_label,
    score_words,
    side_words,
)
from spasmtrack.trigger_points.forms import FinderForm, TenderSpotForm
from spasmtrack.trigger_points.services import (
    DEFAULT_TENDERNESS,
    personal_prior,
    record_tender_spot,
    tracking,
    trend_label,
    trend_words,
)

SAVED_TMPL = get_template("trigger_points/saved.html")
DRAWINGS = RESOURCES["pain-drawings"]
RECENT_DRAWINGS = 5


def _person(request: AuthenticatedHttpRequest) -> Person:
    """The signed-in person, loaded once per request by PersonTimezoneMiddleware."""
    person = getattr(request, "person", None)
    return person if person is not None else Person.objects.for_user(request.user)


def _labels(ids: tuple[str, ...] | list[str]) -> list[str]:
    return [region_label(r) for r in ids]


@dataclass(frozen=True)
class CandidateView:
    """What the finder page shows for one ranked muscle."""

    rank: int
    c: Candidate
    muscle: Muscle
    side_words: str
    score_words: str
    score_pct: int
    essential: list[str]  # the person's areas in the muscle's main zone
    spillover: list[str]
    local: list[str]
    unexplained: list[str]
    pattern_essential: list[str]  # the muscle's whole pattern on that side
    pattern_spillover: list[str]
    trp_regions: list[str]
    record_sides: list[str]  # "both" candidates offer left and right


def _candidate_view(rank: int, c: Candidate) -> CandidateView:
    m = all_muscles()[c.muscle]
    sided = for_side(m, c.side)
    return CandidateView(
        rank=rank,
        c=c,
        muscle=m,
        side_words=side_words(c.side),
        score_words=score_words(c.score),
        # At least 2% so a small score still shows a sliver next to its words.
        score_pct=max(2, round(c.score * 100)),
        essential=_labels(c.explains_essential),
        spillover=_labels(c.explains_spillover),
        local=_labels(c.explains_local),
        unexplained=_labels(c.unexplained),
        pattern_essential=_labels(sided.essential),
        pattern_spillover=_labels(sided.spillover),
        trp_regions=_labels(c.trp_regions),
        record_sides=["left", "right"] if c.side == "both" else [c.side],
    )


@login_required
def finder(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Pick painful areas (or start from one of your pain drawings) and see which muscles'
    trigger points could be referring the pain. GET only: results can be bookmarked."""
    person = _person(request)
    drawing: dict[str, float] | list[str] | None = None
    source = None
    if code := request.GET.get("from_drawing"):
        source = get_entry_for_person(person, DRAWINGS, code)  # 404 for anyone else's
        drawing = {r: v for r, v in source.regions.items() if v > 0}
        form = FinderForm(initial={"regions": list(drawing)})
    elif "regions" in request.GET:
        form = FinderForm(request.GET)
        if form.is_valid():
            drawing = form.cleaned_data["regions"]
    else:
        form = FinderForm()
    result = find_for(drawing, personal_prior(person)) if drawing else None
    combo = result.combination if result else None
    ctx = {
        "form": form,
        "source": source,
        "result": result,
        "candidates": [_candidate_view(i, c) for i, c in enumerate(result.candidates, 1)]
        if result
        else [],
        "combination": combo,
        "combination_names": [f"{p.name} ({side_words(p.side)})" for p in combo.parts]
        if combo
        else [],
        "picked": _labels(list(drawing)) if drawing else [],
        "region_groups": _region_groups(_ticked(form, drawing)),
        "recent_drawings": entries_for(person, DRAWINGS).order_by("-at")[:RECENT_DRAWINGS],
        "default_tenderness": DEFAULT_TENDERNESS,
        "tenderness_choices": range(11),
        "here": request.get_full_path(),
    }
    return render(request, "trigger_points/finder.html", ctx)


def _ticked(form: FinderForm, drawing: dict[str, float] | list[str] | None) -> set[str]:
    """The ids to show ticked: what was looked up, or what was sent (even if invalid)."""
    if drawing:
        return set(drawing)
    return set(form.data.getlist("regions")) if form.is_bound else set()


def _region_groups(ticked: set[str]) -> list[tuple[dict[str, Any], list[dict[str, Any]]]]:
    """Body regions by group for the checkbox list; a group with ticked areas starts open."""
    out = []
    for group, regions in groups().items():
        options = [{"id": r.id, "label": r.label, "checked": r.id in ticked} for r in regions]
        head = {
            "label": group.replace("_", " ").capitalize(),
            "ticked": sum(o["checked"] for o in options),
        }
        out.append((head, options))
    return out


def _safe_next(request: AuthenticatedHttpRequest, url: str) -> str:
    if url and url_has_allowed_host_and_scheme(url, {request.get_host()}, request.is_secure()):
        return url
    return reverse("trigger_points:tracking")


@login_required
@require_POST
def record(request: AuthenticatedHttpRequest) -> HttpResponse:
    """ "I found a tender spot here": saves an active TrP found by the person.

    htmx gets the small "saved" fragment in place of the form; a plain form post goes back to
    the page it came from with a message.
    """
    person = _person(request)
    form = TenderSpotForm(request.POST)
    entry: Any = None
    if form.is_valid():
        d = form.cleaned_data
        try:
            entry = record_tender_spot(person, d["muscle"], d["side"], d["tenderness"])
        except EntryError as e:
            form.add_error(None, e.message)
        except ValidationError as e:
            form.add_error(None, "; ".join(err["msg"] for err in e.errors(include_url=False)))
    ctx = {"form": form, "entry": entry, "muscle_name": _muscle_name(form)}
    if request.headers.get("HX-Request"):
        return HttpResponse(SAVED_TMPL.render(ctx, request))
    if entry is not None:
        messages.success(request, f"Saved: {entry.summary()}")
    else:
        messages.error(request, "Could not save that tender spot: " + _errors(form))
    return redirect(_safe_next(request, request.POST.get("next", "")))


def _muscle_name(form: TenderSpotForm) -> str:
    m = all_muscles().get(form.data.get("muscle", ""))
    return m.name if m else "this muscle"


def _errors(form: TenderSpotForm) -> str:
    return "; ".join(str(e) for errs in form.errors.values() for e in errs)


@login_required
def tracking_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The person's trigger points by muscle-side over time, with tenderness trends."""
    person = _person(request)
    t = tracking(person, person.today())
    rows = [
        {
            "ms": ms,
            "uid": f"t{i}",
            "sides": [ms.side],
            # The diary accepts any muscle id; only knowledge-base muscles get the quick form.
            "known": ms.muscle in all_muscles(),
            "side_words": side_words(ms.side),
            "trend_label": trend_label(ms.trend),
            "trend_words": trend_words(ms.trend),
        }
        for i, ms in enumerate(t.muscle_sides, 1)
    ]
    ctx = {
        "rows": rows,
        "pattern": t.pattern,
        "default_tenderness": DEFAULT_TENDERNESS,
        "tenderness_choices": range(11),
        "here": request.get_full_path(),
    }
    return render(request, "trigger_points/tracking.html", ctx)

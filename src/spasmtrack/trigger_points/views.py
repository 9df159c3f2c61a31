"""Pages: the referred-pain finder (a body map), each ranked muscle's referral pattern drawn on
the body map, "I found a tender spot here", and TrP tracking."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import get_template
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST
from pydantic import ValidationError

from spasmtrack.accounts.http import AuthenticatedHttpRequest, is_htmx, person_of
from spasmtrack.accounts.owned import owned_or_404
from spasmtrack.core.body.muscles import SIDES, Muscle, SidedMuscle, all_muscles, for_side
from spasmtrack.core.body.referral import Candidate
from spasmtrack.diary.entries import RESOURCES, EntryError, entries_for
from spasmtrack.idempotency import SAVED_FRAGMENT_HEADER
from spasmtrack.trigger_points.finder import (
    find_for,
    fit_share,
    fit_words,
    region_label,
    side_words,
)
from spasmtrack.trigger_points.forms import TRP_STATUS_CHOICES, FinderForm, TenderSpotForm
from spasmtrack.trigger_points.maps import LEGEND, PatternMap, pattern_maps
from spasmtrack.trigger_points.services import (
    DEFAULT_TENDERNESS,
    personal_prior,
    record_tender_spot,
    tracking,
    trend_label,
    trend_words,
)

SAVED_TMPL = get_template("trigger_points/saved.html")
PATTERN_TMPL = get_template("trigger_points/pattern_maps.html")
DRAWINGS = RESOURCES["pain-drawings"]
RECENT_DRAWINGS = 5
# Muscles ranked this high get their pattern drawn in the page; the others load it on demand
# (each map is ~20 KB of SVG).
MAPS_INLINE = 3


def _labels(ids: tuple[str, ...] | list[str]) -> list[str]:
    return [region_label(r) for r in ids]


@dataclass(frozen=True)
class CandidateView:
    """What the finder page shows for one ranked muscle."""

    rank: int
    c: Candidate
    muscle: Muscle
    side_words: str
    fit_words: str  # plain fit; the page never shows the raw score
    score_pct: int  # the fit share as a bar
    essential: list[str]  # the person's areas in the muscle's main zone
    spillover: list[str]
    local: list[str]
    unexplained: list[str]
    pattern_essential: list[str]  # the muscle's whole pattern on that side
    pattern_spillover: list[str]
    trp_regions: list[str]
    record_sides: list[str]  # "both" candidates offer left and right
    maps: list[PatternMap]  # drawn for the first MAPS_INLINE only; [] = load on demand


def _candidate_view(rank: int, c: Candidate, drawing: dict[str, float]) -> CandidateView:
    m = all_muscles()[c.muscle]
    sided = for_side(m, c.side)
    maps = _maps(sided, f"trp{rank}") if rank <= MAPS_INLINE else []
    return CandidateView(
        rank=rank,
        c=c,
        muscle=m,
        side_words=side_words(c.side),
        fit_words=fit_words(c, drawing),
        # The bar shows the same fit as the words; at least 2% so a sliver always shows.
        score_pct=max(2, round(fit_share(c, drawing) * 100)),
        essential=_labels(c.explains_essential),
        spillover=_labels(c.explains_spillover),
        local=_labels(c.explains_local),
        unexplained=_labels(c.unexplained),
        pattern_essential=_labels(sided.essential),
        pattern_spillover=_labels(sided.spillover),
        trp_regions=_labels(c.trp_regions),
        record_sides=["left", "right"] if c.side == "both" else [c.side],
        maps=maps,
    )


def _maps(sided: SidedMuscle, id_prefix: str) -> list[PatternMap]:
    """The pattern maps with their SVG marked safe (core.body.bodymap escapes every text)."""
    return [dataclasses.replace(pm, svg=mark_safe(pm.svg)) for pm in pattern_maps(sided, id_prefix)]


@login_required
def finder(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Pick painful areas on the body map (or start from one of your pain drawings) and see
    which muscles' trigger points could be referring the pain, each with its pattern drawn.

    GET only, so results can be bookmarked: `?regions=` takes the map's JSON
    {region: intensity} or plain region ids (`?regions=a&regions=b`, counted as 10);
    `?from_drawing=CODE` prefills the map from one of the person's drawings (404 for others').
    Intensities are the finder's weights.
    """
    person = person_of(request)
    drawing: dict[str, int] | None = None
    source = None
    if code := request.GET.get("from_drawing"):
        source = owned_or_404(person, entries_for(person, DRAWINGS), code)  # 404 for anyone else's
        drawing = {r: v for r, v in source.regions.items() if v > 0}
        initial = {"regions": drawing, "bodymap_intensity": max(drawing.values(), default=5)}
        form = FinderForm(initial=initial)
    elif "regions" in request.GET or "regions_list" in request.GET:
        form = FinderForm(request.GET)
        if form.is_valid():
            drawing = form.cleaned_data["regions"]
    else:
        form = FinderForm()
    result = find_for(drawing, personal_prior(person)) if drawing else None
    combo = result.combination if result else None
    views = (
        [_candidate_view(i, c, result.drawing) for i, c in enumerate(result.candidates, 1)]
        if result
        else []
    )
    ctx = {
        "form": form,
        "source": source,
        "result": result,
        "candidates": views[:MAPS_INLINE],
        # On a phone the page stays short: the rest is folded under one <details>.
        "more_candidates": views[MAPS_INLINE:],
        "combination": combo,
        "combination_names": [f"{p.name} ({side_words(p.side)})" for p in combo.parts]
        if combo
        else [],
        "picked": [f"{region_label(r)} {v}/10" for r, v in drawing.items()] if drawing else [],
        "legend": LEGEND,
        "recent_drawings": entries_for(person, DRAWINGS).order_by("-at")[:RECENT_DRAWINGS],
        "default_tenderness": DEFAULT_TENDERNESS,
        "tenderness_choices": range(11),
        "here": request.get_full_path(),
    }
    return render(request, "trigger_points/finder.html", ctx)


@login_required
def pattern(request: AuthenticatedHttpRequest, muscle: str, side: str) -> HttpResponse:
    """A muscle's referral pattern on the body map (knowledge only, no diary data).

    htmx (the finder's "Show on the body map") gets the maps as a fragment; otherwise a page.
    `?n=` (1-99) keeps the ids apart from the other maps on the page that asked.
    """
    m = all_muscles().get(muscle)
    if m is None or side not in SIDES:
        raise Http404("No such muscle or side")
    n = request.GET.get("n", "")
    prefix = f"trp{n}" if n.isdigit() and 0 < int(n) < 100 else "trp"
    sided = for_side(m, side)
    ctx = {
        "muscle": m,
        "side_words": side_words(side),
        "maps": _maps(sided, prefix),
        "legend": LEGEND,
        "pattern_essential": _labels(sided.essential),
        "pattern_spillover": _labels(sided.spillover),
        "trp_regions": _labels(sided.trp_regions),
    }
    if is_htmx(request):
        return HttpResponse(PATTERN_TMPL.render(ctx, request))
    return render(request, "trigger_points/pattern.html", ctx)


def _safe_next(request: AuthenticatedHttpRequest, url: str) -> str:
    if url and url_has_allowed_host_and_scheme(url, {request.get_host()}, request.is_secure()):
        return url
    return reverse("trigger_points:tracking")


@login_required
@require_POST
def record(request: AuthenticatedHttpRequest) -> HttpResponse:
    """ "I found a tender spot here" / "Tender again today": saves a TrP found by the person
    (active, or the latent / resolved status picked on the tracking page).

    htmx gets the small "saved" fragment in place of the form; a plain form post goes back to
    the page it came from with a message.
    """
    person = person_of(request)
    form = TenderSpotForm(request.POST)
    entry: Any = None
    if form.is_valid():
        d = form.cleaned_data
        try:
            entry = record_tender_spot(
                person, d["muscle"], d["side"], d["tenderness"], status=d["status"]
            )
        except EntryError as e:
            form.add_error(None, e.message)
        except ValidationError as e:
            form.add_error(None, "; ".join(err["msg"] for err in e.errors(include_url=False)))
    ctx = {"form": form, "entry": entry, "muscle_name": _muscle_name(form)}
    if is_htmx(request):
        response = HttpResponse(SAVED_TMPL.render(ctx, request))
        if entry is not None:  # for the phone's outbox: this fragment means "saved"
            response[SAVED_FRAGMENT_HEADER] = "1"
        return response
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
    person = person_of(request)
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
        "status_choices": TRP_STATUS_CHOICES,
        "here": request.get_full_path(),
    }
    return render(request, "trigger_points/tracking.html", ctx)

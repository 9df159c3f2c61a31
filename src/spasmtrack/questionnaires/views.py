from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import get_template

from spasmtrack.accounts.http import AuthenticatedHttpRequest, is_htmx, person_of
from spasmtrack.accounts.owned import owned_or_404
from spasmtrack.core.questionnaires import QuestionnaireError, definitions
from spasmtrack.questionnaires import kinds
from spasmtrack.questionnaires.charts import line_chart_svg
from spasmtrack.questionnaires.forms import FORMS, Acr2016Form
from spasmtrack.questionnaires.models import (
    QuestionnaireResponse,
    responses_for,
    wpi_from_pain_drawings,
)
from spasmtrack.questionnaires.sitemap import order_values, site_maps

HISTORY_TMPL = get_template("questionnaires/history.html")


def _kind(kind: str) -> str:
    if kind not in kinds.KINDS:
        raise Http404("No such questionnaire")
    return kind


def questionnaire_cards(responses: list[QuestionnaireResponse]) -> list[dict[str, Any]]:
    """One card per questionnaire: latest result and the trend of its headline score."""
    cards = []
    for kind in kinds.KINDS:
        mine = sorted((r for r in responses if r.kind == kind), key=lambda r: r.answered_at)
        heads = [(r.local_date, r.headline()) for r in mine]
        chart = ""
        if heads:
            top = heads[-1][1]
            chart = line_chart_svg(
                [(day, h.value) for day, h in heads],
                top.maximum,
                f"{kinds.SHORT_TITLES[kind]} {top.label.lower()}",
            )
        cards.append(
            {
                "kind": kind,
                "title": kinds.TITLES[kind],
                "about": kinds.BY_KEY[kind].about,
                "latest": mine[-1] if mine else None,
                "latest_headline": heads[-1][1] if heads else None,
                "chart": chart,
                "count": len(mine),
            }
        )
    return cards


@login_required
def index(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Questionnaires, their trends, and the history (filtered by kind; htmx swaps the list)."""
    person = person_of(request)
    only = request.GET.get("kind", "")
    if only and only not in kinds.KINDS:
        only = ""
    # One query: the cards and the history are built from the same list.
    responses = list(responses_for(person).order_by("-answered_at", "-id"))
    shown = [r for r in responses if not only or r.kind == only]
    ctx = {
        "history": shown,
        "only": only,
        "filters": [("", "All"), *((k, kinds.SHORT_TITLES[k]) for k in kinds.KINDS)],
    }
    if is_htmx(request):
        return HttpResponse(HISTORY_TMPL.render(ctx, request))
    ctx["cards"] = questionnaire_cards(responses)
    return render(request, "questionnaires/index.html", ctx)


@login_required
def fill(request: AuthenticatedHttpRequest, kind: str) -> HttpResponse:
    person = person_of(request)
    form_class = FORMS[_kind(kind)]
    kw: dict[str, Any] = {}
    if form_class is Acr2016Form and request.method != "POST":
        areas = wpi_from_pain_drawings(person, person.today())
        kw = {"initial": {"pain_areas": areas}, "prefilled": bool(areas)}
    form = form_class(request.POST or None, **kw)
    if request.method == "POST" and form.is_valid():
        try:
            response = QuestionnaireResponse.record(person, kind, form.to_answers())
        except QuestionnaireError as e:
            form.add_questionnaire_error(e)
        else:
            messages.success(request, f"Saved your {kinds.SHORT_TITLES[kind]} answers.")
            return redirect("questionnaires:result", code=response.code)
    q = definitions()["questionnaires"][kind]
    ctx = {"form": form, "kind": kind, "title": kinds.TITLES[kind], "use": q.get("use", "")}
    if kind == "mtps":
        ctx["pressure"] = q["pressure"]["how"]
        ctx["site_maps"] = site_maps(order_values(), "mtps-order")
    return render(request, "questionnaires/fill.html", ctx)


def _sources(kind: str) -> list[str]:
    d = definitions()
    return [d["sources"][key]["citation"] for key in d["questionnaires"][kind]["sources"]]


@login_required
def result(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    person = person_of(request)
    response = owned_or_404(person, responses_for(person), code, "questionnaire response")
    ctx = {
        "response": response,
        "title": kinds.TITLES[response.kind],
        "lines": response.score_lines(),
        "interpretation": response.interpretation(),
        "sources": _sources(response.kind),
    }
    if response.kind == "mtps":
        ctx["site_maps"] = site_maps(response.scores()["sites"], "mtps-result")
    return render(request, "questionnaires/result.html", ctx)
